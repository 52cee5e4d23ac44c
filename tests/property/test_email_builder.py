"""The email builder: any Vietnamese name and subject comes back from the headers as it went in."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sxsh_flow.engine.message import Address, MailAttachment, RenderedMessage
from sxsh_flow.notifications.compose import compose
from sxsh_flow.notifications.message_bytes import compose_bytes

from ..mail_headers import rfc2047_display_names
from .strategies import vietnamese_names, vietnamese_text

LOCAL_PARTS = st.from_regex(r"[a-z][a-z0-9._-]{0,20}[a-z0-9]", fullmatch=True).filter(lambda part: ".." not in part)
ADDRESSES = st.builds(
    Address, vietnamese_names, st.builds("{}@{}.haiduong.gov.vn".format, LOCAL_PARTS, st.sampled_from(["sct", "ubnd"]))
)
A_RECIPIENT = Address("Nguyễn Văn An", "an@sct.haiduong.gov.vn")


def built(subject: str, sender: Address, to: list[Address], cc: list[Address]) -> EmailMessage:
    email = compose(
        RenderedMessage(subject=subject, text="Nội dung", html="<p>Nội dung</p>"),
        sender=sender,
        to=to,
        cc=cc,
        message_id="<property.1@sxsh.haiduong.example>",
        sent_at=datetime(2016, 12, 14, 1, 0, tzinfo=UTC),
        language="vi",
    )
    raw = email.as_bytes(policy=policy.SMTP)
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@settings(max_examples=200)
@given(vietnamese_text)
def test_any_vietnamese_subject_round_trips(subject: str) -> None:
    assert str(built(subject, A_RECIPIENT, [A_RECIPIENT], [])["Subject"]) == subject


# Found by this suite: a display name in two encoded words, cut after a space, reads back with two
# spaces ("AAÀÀÀÀẠẠ  AAÀÀÀẠẠẠẠẠẠẠ") through Python's parser, which keeps the whitespace between encoded
# words (CPython gh-128110); mail clients drop it, as RFC 2047 says. See tests/mail_headers.py.
@settings(max_examples=500)
@given(ADDRESSES, st.lists(ADDRESSES, min_size=1, max_size=3), st.lists(ADDRESSES, max_size=2))
def test_any_vietnamese_names_round_trip(sender: Address, to: list[Address], cc: list[Address]) -> None:
    parsed = built("Báo cáo", sender, to, cc)

    for header, people in (("From", [sender]), ("To", to), ("Cc", cc)):
        if not people:
            assert parsed[header] is None
            continue
        assert [a.addr_spec for a in parsed[header].addresses] == [p.email for p in people]
        assert rfc2047_display_names(parsed, header) == [p.name for p in people]
        # Python's own parser sees every word whole, only with a space more where an encoded word ends:
        # words are cut after a space, and a word of up to 15 letters always fits in one encoded word.
        assert [a.display_name.split() for a in parsed[header].addresses] == [p.name.split() for p in people]


# Any name a person can type (no line breaks or control characters: those become spaces, so no
# name can add a header line).
@settings(max_examples=500)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=100))
def test_any_typed_name_round_trips(name: str) -> None:
    parsed = built("Báo cáo", Address(name, "sct@sct.haiduong.gov.vn"), [A_RECIPIENT], [])

    # A name of blanks alone is no name: the address goes without one.
    assert rfc2047_display_names(parsed, "From") == [name if name.strip() else ""]


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="ĐđƯưƠơÂâĂăÊêÔô", min_size=1, max_size=6), min_size=1, max_size=3).map(" ".join))
def test_short_vietnamese_names_round_trip(name: str) -> None:
    parsed = built("Báo cáo", Address(name, "sct@sct.haiduong.gov.vn"), [A_RECIPIENT], [])

    assert parsed["From"].addresses[0].display_name == name


FILE_NAMES = st.builds("{}.{}".format, vietnamese_text, st.sampled_from(["docx", "xlsx", "pdf"]))


@settings(max_examples=200)
@given(
    vietnamese_text,
    st.lists(ADDRESSES, min_size=1, max_size=3),
    st.one_of(st.none(), vietnamese_text.map(lambda text: f"BEGIN:VCALENDAR\r\n{text}\r\nEND:VCALENDAR\r\n")),
    st.lists(st.tuples(FILE_NAMES, st.binary(max_size=300)), max_size=2),
)
def test_the_written_bytes_are_the_composed_message_s(
    body: str, to: list[Address], calendar: str | None, files: list[tuple[str, bytes]]
) -> None:
    attachments = tuple(MailAttachment(name, "application/octet-stream", data) for name, data in files)
    rendered = RenderedMessage(
        subject=body, text=body, html=f"<p>{body}</p>", calendar=calendar, attachments=attachments
    )
    arguments: dict[str, Any] = {
        "sender": A_RECIPIENT, "to": to, "message_id": "<property.2@sxsh.haiduong.example>",
        "sent_at": datetime(2016, 12, 14, 1, 0, tzinfo=UTC), "language": "vi",
    }  # fmt: skip

    assert compose_bytes(rendered, **arguments) == compose(rendered, **arguments).as_bytes(policy=policy.SMTP)

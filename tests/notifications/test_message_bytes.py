"""compose_bytes writes the bytes itself: for every message it meets, they are compose's bytes."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from sxsh_flow.engine.message import Address, MailAttachment, MessageKind, RenderedMessage
from sxsh_flow.notifications.compose import compose, make_message_id
from sxsh_flow.notifications.message_bytes import compose_bytes
from sxsh_flow.notifications.render import render

from .conftest import make_context
from .test_compose import DOMAIN, LONG_NAMES, LONG_SUBJECT, SENDER, SENT_AT

BODIES = [
    "",
    "\n",
    "một dòng",
    "dòng có khoảng trắng cuối \n\tvà tab cuối\t\n",
    "x" * 75 + "=" + "y" * 80 + "\n" + "é" * 100 + " \n\n\n",
    "dòng\r\nkhác\rthứ ba\x0bvà\x0c\x1c\x85\u2028hết",
    "From đầu dòng\n.\n" + "=" * 200,
    # Reply links: long runs kept as they are, beside quoted words, across the wrapping points.
    "   Báo cáo trực tuyến: https://sxsh.example/r/WzI0MTgsIk9FV19OYlF3RVVKVXA1OWV4WkNsYWciXQ.FwgWK-3rkUbHAHCTh_w\n"
    '<br><a href="https://sxsh.example/r/WzMyMDIsIllHMkV2NC1leUtzOFRMZzB2OER4WFEiXQ.94Ly-tDz">https://sxsh.example/r/'
    "WzMyMDIsIllHMkV2NC1leUtzOFRMZzB2OER4WFEiXQ.94Ly-tDz</a> =é \n" + "a" * 70 + "é" + "b" * 30 + "=c" * 40,
]
CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Kế hoạch SXSH\r\nEND:VCALENDAR\r\n"
FILES = [
    MailAttachment("bao-cao-2026.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   b"PK\x03\x04" + bytes(range(256)) * 3),
    MailAttachment("Báo cáo tổng hợp năm 2026 của tỉnh Hải Dương.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"x" * 57),
    MailAttachment("empty.txt", "text/plain", b""),
]  # fmt: skip


def _arguments(indent: int) -> dict[str, Any]:
    return {
        "sender": SENDER,
        "to": [Address(name, f"unit{n}@binhgiang.haiduong.example") for n, name in enumerate(LONG_NAMES)],
        "cc": [Address("", "copy@sct.haiduong.example")] if indent % 2 else [],
        "reply_to": [Address(LONG_NAMES[5], "sxsh@sct.haiduong.example")] if indent % 3 else [],
        "message_id": make_message_id(DOMAIN, "reminder", "7", str(indent)),
        "sent_at": SENT_AT,
        "language": "vi" if indent % 2 else "en",
    }


def _same_bytes(rendered: RenderedMessage, arguments: dict[str, Any]) -> None:
    written = compose_bytes(rendered, **arguments)
    assert written == compose(rendered, **arguments).as_bytes(policy=email.policy.SMTP)


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("indent", [0, 1, 2, 3, 73, 74, 75, 76, 77])
def test_composed_bytes_are_the_bytes_of_the_composed_message(body: str, indent: int) -> None:
    text = " " * indent + body
    rendered = RenderedMessage(subject=LONG_SUBJECT[: 20 + indent], text=text, html=f"<p>{text}</p>")

    _same_bytes(rendered, _arguments(indent))


@pytest.mark.parametrize("body", BODIES[:3] + BODIES[-1:])
@pytest.mark.parametrize("calendar", [None, "", CALENDAR, CALENDAR * 40])
@pytest.mark.parametrize("files", [0, 1, len(FILES)])
def test_a_message_with_a_calendar_or_files_is_written_as_compose_writes_it(
    body: str, calendar: str | None, files: int
) -> None:
    rendered = RenderedMessage(
        subject=LONG_SUBJECT, text=body, html=f"<p>{body}</p>", calendar=calendar, attachments=tuple(FILES[:files])
    )

    _same_bytes(rendered, _arguments(len(body) % 7))


def test_composed_bytes_of_every_kind_of_message_are_the_bytes_of_the_composed_message(
    kind: MessageKind, language: str
) -> None:
    rendered = render(make_context(kind), language)  # with its calendar, for a kickoff or a request
    arguments: dict[str, Any] = {
        "sender": SENDER, "to": [Address(LONG_NAMES[1], "a@b.example")], "cc": [Address(LONG_NAMES[6], "c@d.example")],
        "message_id": make_message_id(DOMAIN, kind.value, "7"), "sent_at": SENT_AT, "language": language,
    }  # fmt: skip

    _same_bytes(rendered, arguments)


def test_the_written_calendar_is_the_rendered_one_byte_for_byte() -> None:
    rendered = render(make_context(MessageKind.REQUEST), "vi")
    assert rendered.calendar is not None

    written = compose_bytes(rendered, **_arguments(0))

    parsed = email.message_from_bytes(written, policy=email.policy.default)
    (calendar,) = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_payload(decode=True) == rendered.calendar.encode("utf-8")


@pytest.mark.parametrize(
    ("bad", "refusal"),
    [
        ({"to": []}, "at least one recipient"),
        ({"message_id": "no-brackets"}, "is not a Message-ID"),
        ({"to": [Address("x", "không@ascii.example")]}, "không@ascii.example"),
    ],
)
def test_composed_bytes_refuse_what_compose_refuses(bad: dict[str, Any], refusal: str) -> None:
    rendered = RenderedMessage(subject="s", text="t", html="h", calendar=CALENDAR)
    arguments: dict[str, Any] = {
        "sender": SENDER, "to": [Address("x", "a@b.example")], "message_id": "<a@b>", "sent_at": SENT_AT,
        "language": "vi", **bad,
    }  # fmt: skip
    with pytest.raises(ValueError, match=refusal) as composing:
        compose(rendered, **arguments)
    with pytest.raises(ValueError, match=refusal) as writing:
        compose_bytes(rendered, **arguments)
    assert str(writing.value) == str(composing.value)

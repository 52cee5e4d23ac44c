"""The composed email arrives exactly as rendered, through a real SMTP server, whatever it advertises."""

from __future__ import annotations

import asyncio
import base64
import email
import email.headerregistry
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtplib.email import flatten_message

from sxsh_flow.engine.message import Address, MessageKind, RenderedMessage
from sxsh_flow.notifications.compose import (
    MAX_ENCODED_WORD_LENGTH,
    MAX_LINE_LENGTH,
    address_header,
    compose,
    make_message_id,
    unstructured_header,
)
from sxsh_flow.notifications.render import render

from ..mail_headers import rfc2047_display_names
from .conftest import make_context

SENT_AT = datetime(2016, 12, 16, 1, 30, tzinfo=UTC)
DOMAIN = "sct.haiduong.example"

LONG_SUBJECT = (
    "Nhắc hạn nộp báo cáo kết quả thực hiện Kế hoạch thực hiện Chiến lược sản xuất sạch hơn trong công nghiệp "
    "năm 2016 — Ủy ban nhân dân huyện Bình Giang"
)
# Prefixes of growing length move every fold and every cut between encoded words along the text.
PREFIX = "Về việc đề nghị các cơ quan, đơn vị khẩn trương gửi báo cáo đúng hạn theo quy định"
PREFIX_WORDS = PREFIX.split()

SENDER = Address(
    "Sở Công Thương tỉnh Hải Dương — Hệ thống theo dõi thực hiện Kế hoạch SXSH", "sxsh@sct.haiduong.example"
)
LONG_NAMES = [
    "Ủy ban nhân dân huyện Bình Giang, tỉnh Hải Dương — Văn phòng HĐND và UBND huyện",
    "Nguyễn Thị Thu Hương (Phòng Kinh tế và Hạ tầng, Ủy ban nhân dân huyện Bình Giang)",
    "Đặng Văn Hải — chuyên viên phòng Quản lý khoa học, Sở Khoa học và Công nghệ tỉnh Hải Dương",
    "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Hải Dương",
    "Bùi Thị Hạnh, Giám đốc Sở Khoa học và Công nghệ",
    "Lê Văn Cường",  # fits in one encoded word
    'Doe, "John" \\ Văn',  # specials and escapes
    "Plain ASCII Name",
]


def _message(rendered: RenderedMessage, **overrides: Any) -> EmailMessage:
    arguments: dict[str, Any] = {
        "sender": SENDER,
        "to": [Address(LONG_NAMES[0], "vanphong@binhgiang.haiduong.example")],
        "cc": [Address(LONG_NAMES[5], "sxsh@sct.haiduong.example")],
        "message_id": make_message_id(DOMAIN, "request", "7", "101", "20161121"),
        "sent_at": SENT_AT,
        "language": "vi",
        **overrides,
    }
    return compose(rendered, **arguments)


def _header_lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def _encoded_words(data: bytes) -> list[bytes]:
    return re.findall(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=", data.split(b"\r\n\r\n", 1)[0])


# --- headers written by hand ------------------------------------------------------------------


@pytest.mark.parametrize("prefix_length", range(len(PREFIX_WORDS) + 1))
def test_a_long_vietnamese_subject_becomes_short_lines_of_whole_encoded_words(prefix_length: int) -> None:
    subject = " ".join([*PREFIX_WORDS[:prefix_length], LONG_SUBJECT])
    value = unstructured_header("Subject", subject)
    lines = ("Subject: " + value).split("\r\n")

    assert value.isascii()
    assert len(lines) > 1
    assert all(len(line) <= MAX_LINE_LENGTH for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    words = re.findall(r"=\?utf-8\?b\?([^?]*)\?=", value)
    assert all(len(f"=?utf-8?b?{word}?=") <= MAX_ENCODED_WORD_LENGTH for word in words)
    pieces = [base64.b64decode(word).decode("utf-8") for word in words]  # each word: whole characters
    assert "".join(pieces) == subject
    # Every space is inside a word, and words are cut after a space, never inside a word.
    assert all(piece.endswith(" ") for piece in pieces[:-1])


def test_an_ascii_subject_stays_readable() -> None:
    assert unstructured_header("Subject", "Report due: 21 December 2016") == "Report due: 21 December 2016"
    folded = unstructured_header("Subject", "word " * 30)
    assert folded.replace("\r\n", "") == "word " * 30
    # Text that looks like an encoded word is encoded, so no reader decodes it by mistake.
    assert unstructured_header("Subject", "=?utf-8?q?x?=").startswith("=?utf-8?b?")


def test_a_single_word_longer_than_an_encoded_word_is_cut_between_characters() -> None:
    word = "Đ" * 40 + "ệ" * 20
    value = unstructured_header("Subject", word)
    pieces = [base64.b64decode(piece).decode("utf-8") for piece in re.findall(r"\?b\?([^?]*)\?=", value)]

    assert len(pieces) > 1
    assert "".join(pieces) == word


def test_combining_marks_stay_with_their_letter() -> None:
    decomposed = "Ho\u0302\u0300i " * 20  # "Hồi" written with combining marks
    value = unstructured_header("Subject", decomposed)
    pieces = [base64.b64decode(piece).decode("utf-8") for piece in re.findall(r"\?b\?([^?]*)\?=", value)]

    assert "".join(pieces) == decomposed
    assert not any(piece[0] in "\u0302\u0300" for piece in pieces)


@pytest.mark.parametrize("subject", [" 0", "0 ", "  Báo cáo năm 2016 ", " Annual report"])
def test_a_subject_with_spaces_at_either_end_keeps_them(subject: str) -> None:
    # Found by the Hypothesis suite (tests/property): " 0" read back as "0".
    raw = f"Subject: {unstructured_header('Subject', subject)}\r\n\r\n".encode("ascii")

    assert str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"]) == subject


def test_line_breaks_cannot_inject_headers() -> None:
    value = unstructured_header("Subject", "Báo cáo\r\nBcc: victim@example.com")

    assert "\r\nBcc" not in value
    assert "\n" not in value.replace("\r\n ", "")


@pytest.mark.parametrize("header", ["From", "To", "Cc", "Reply-To"])
@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_display_names_fold_into_short_lines(header: str, name: str) -> None:
    value = address_header(header, [Address(name, "a@x.example"), Address(name, "b@x.example")])

    assert value.isascii()
    assert all(len(line) <= MAX_LINE_LENGTH for line in f"{header}: {value}".split("\r\n"))
    assert all(len(word) <= MAX_ENCODED_WORD_LENGTH for word in re.findall(r"=\?[^?]+\?b\?[^?]*\?=", value))


def test_address_headers() -> None:
    value = address_header(
        "To",
        [Address("Plain ASCII Name", "a@x.example"), Address('Doe, "John"', "b@x.example"), Address("", "c@x.example")],
    )

    assert value == 'Plain ASCII Name <a@x.example>, "Doe, \\"John\\"" <b@x.example>, c@x.example'


def test_an_internationalised_domain_is_sent_as_punycode() -> None:
    value = address_header("To", [Address("Sở", "sxsh@sởcôngthương.example")])

    assert value.endswith("<sxsh@xn--scngthng-53a84oyeu996a.example>")


# --- the message -------------------------------------------------------------------------------


def test_text_html_and_calendar_are_the_parts_of_the_message() -> None:
    rendered = render(make_context(MessageKind.REQUEST))
    message = _message(rendered)

    assert message.get_content_type() == "multipart/mixed"
    (alternative, attachment) = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_param("name") == "deadline.ics"
    assert attachment.get_filename() == "deadline.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert [part["MIME-Version"] for part in message.walk()] == ["1.0", None, None, None, None]


def test_without_a_calendar_the_message_is_just_the_two_alternatives() -> None:
    message = _message(render(make_context(MessageKind.REMINDER)))

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_headers() -> None:
    rendered = render(make_context(MessageKind.REQUEST))
    message = _message(rendered, reply_to=[Address("Lê Văn Cường", "sxsh@sct.haiduong.example")])

    assert str(message["Subject"]) == rendered.subject
    assert message["Date"] == "Fri, 16 Dec 2016 01:30:00 +0000"
    assert message["Message-ID"] == "<request.7.101.20161121@sct.haiduong.example>"
    assert message["Content-Language"] == "vi"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["MIME-Version"] == "1.0"
    assert [a.addr_spec for a in message["To"].addresses] == ["vanphong@binhgiang.haiduong.example"]
    assert [a.addr_spec for a in message["Cc"].addresses] == ["sxsh@sct.haiduong.example"]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["sxsh@sct.haiduong.example"]
    assert [a.addr_spec for a in message["From"].addresses] == ["sxsh@sct.haiduong.example"]


def test_the_message_is_seven_bit_with_short_header_lines(kind: MessageKind, language: str) -> None:
    data = _message(render(make_context(kind), language), language=language).as_bytes()

    assert data.isascii()
    assert all(len(line) <= MAX_LINE_LENGTH for line in _header_lines(data))
    assert all(len(word) <= MAX_ENCODED_WORD_LENGTH for word in _encoded_words(data))
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


@pytest.mark.parametrize(
    "flatten",
    [
        pytest.param(lambda m: m.as_bytes(policy=email.policy.SMTPUTF8), id="SMTPUTF8"),
        pytest.param(lambda m: m.as_bytes(policy=email.policy.default.clone(linesep="\r\n")), id="default"),
        pytest.param(lambda m: flatten_message(m), id="aiosmtplib"),
        pytest.param(lambda m: flatten_message(m, utf8=True), id="aiosmtplib-utf8"),
        pytest.param(lambda m: flatten_message(m, cte_type="7bit"), id="aiosmtplib-7bit"),
    ],
)
def test_every_policy_a_transport_may_use_writes_the_same_bytes(flatten: Any) -> None:
    # aiosmtplib serialises an EmailMessage with its own policy, so compose cannot rely on one.
    message = _message(replace(render(make_context(MessageKind.KICKOFF)), subject=LONG_SUBJECT))

    assert flatten(message) == message.as_bytes()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"sent_at": datetime(2016, 12, 16, 8, 30)}, "timezone-aware"),
        ({"to": []}, "at least one recipient"),
        ({"to": [Address("X", "người@haiduong.example")]}, "non-ASCII characters, which needs SMTPUTF8"),
        ({"to": [Address("X", "not an address")]}, "cannot be sent to"),
        ({"to": [Address("X", "two words@haiduong.example")]}, "cannot be sent to"),
        ({"to": [Address("X", "sxsh@localhost")]}, "cannot be sent to"),
        ({"message_id": "<a@b>\r\nBcc: x@y"}, "Message-ID"),
        ({"message_id": "no-brackets@b"}, "Message-ID"),
        ({"language": "vi\r\nBcc: x"}, "language tag"),
    ],
)
def test_what_cannot_be_sent_is_refused(overrides: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        _message(render(make_context(MessageKind.REMINDER)), **overrides)


def test_message_ids_are_deterministic_and_safe() -> None:
    first = make_message_id(DOMAIN, "reminder", "12", "101-102", "20161214")

    assert first == "<reminder.12.101-102.20161214@sct.haiduong.example>"
    assert make_message_id(DOMAIN, "reminder", "12", "101-102", "20161214") == first
    unsafe = make_message_id(DOMAIN, "nhắc hạn", "a b", "x@y>")
    assert re.fullmatch(r"<[A-Za-z0-9_.-]+@sct\.haiduong\.example>", unsafe)
    # Parts that clean up to the same text still give different ids.
    assert make_message_id(DOMAIN, "a b") != make_message_id(DOMAIN, "a-b")
    assert make_message_id(DOMAIN, "a b") != make_message_id(DOMAIN, "a+b")
    with pytest.raises(ValueError, match="domain"):
        make_message_id("bad domain", "x")
    with pytest.raises(ValueError, match="at least one part"):
        make_message_id(DOMAIN)


# --- the round trip through a real SMTP server --------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        with self._lock:
            self.received.append(bytes(envelope.original_content))
        return "250 2.0.0 OK"


@dataclass
class _Server:
    port: int
    inbox: _Inbox
    extensions: str


# What the server advertises: 8BITMIME alone, SMTPUTF8 too, or neither (a 7-bit relay).
SERVER_KINDS = {
    "8bitmime": {},
    "smtputf8": {"enable_SMTPUTF8": True},
    "7bit": {"decode_data": True},  # aiosmtpd leaves out 8BITMIME when it decodes the data
}


@pytest.fixture(params=list(SERVER_KINDS))
def smtp_server(request: pytest.FixtureRequest) -> Iterator[_Server]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **SERVER_KINDS[request.param])
    controller.start()
    try:
        yield _Server(port, inbox, request.param)
    finally:
        controller.stop()


@dataclass
class _Sent:
    rendered: RenderedMessage
    sender: Address
    to: list[Address]
    cc: list[Address]
    message: EmailMessage


def _fifty_messages() -> list[_Sent]:
    kinds = list(MessageKind)
    sent = []
    for index in range(50):
        language = "en" if index % 5 == 4 else "vi"
        rendered = render(make_context(kinds[index % len(kinds)]), language)
        if index % 2 == 0:  # every prefix length, so every cut between encoded words is tried
            prefix = PREFIX_WORDS[: index // 2 % (len(PREFIX_WORDS) + 1)]
            rendered = replace(rendered, subject=" ".join([*prefix, LONG_SUBJECT]))
        sender = replace(SENDER, name=f"{SENDER.name} {'—' * (index % 3)}".strip())
        to = [
            Address(LONG_NAMES[index % len(LONG_NAMES)], f"to{index}@binhgiang.haiduong.example"),
            Address(LONG_NAMES[(index + 3) % len(LONG_NAMES)], f"head{index}@skhcn.haiduong.example"),
        ]
        cc = [Address(f"{LONG_NAMES[(index + 1) % len(LONG_NAMES)]} {index}", "sxsh@sct.haiduong.example")]
        message = compose(
            rendered,
            sender=sender,
            to=to,
            cc=cc,
            message_id=make_message_id(DOMAIN, "round-trip", str(index)),
            sent_at=SENT_AT,
            language=language,
        )
        sent.append(_Sent(rendered, sender, to, cc, message))
    return sent


async def _send_all(port: int, messages: list[EmailMessage]) -> None:
    # send_message re-serialises each EmailMessage with aiosmtplib's own policy, as the transport does.
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=10) as client:
        for message in messages:
            await client.send_message(message)


def _text(part: EmailMessage | None) -> str:
    assert part is not None
    # MIME carries text with CRLF line ends (RFC 2046, 4.1.1); the reader's system turns them back.
    return str(part.get_content()).replace("\r\n", "\n")


def test_fifty_messages_arrive_exactly_as_rendered(smtp_server: _Server) -> None:
    sent = _fifty_messages()
    asyncio.run(_send_all(smtp_server.port, [item.message for item in sent]))

    assert len(smtp_server.inbox.received) == len(sent)
    by_id = {}
    for data in smtp_server.inbox.received:
        assert data.isascii()  # 7-bit clean: no relay has to convert or refuse it
        assert all(len(line) <= MAX_LINE_LENGTH for line in _header_lines(data))
        received = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(received, EmailMessage)
        by_id[str(received["Message-ID"])] = received

    for item in sent:
        received = by_id[str(item.message["Message-ID"])]
        assert str(received["Subject"]) == item.rendered.subject

        for header, addresses in (("From", [item.sender]), ("To", item.to), ("Cc", item.cc)):
            names = [address.name for address in addresses]
            assert [a.addr_spec for a in received[header].addresses] == [address.email for address in addresses]
            assert rfc2047_display_names(received, header) == names
            # Even a parser that wrongly keeps the space between encoded words sees every word whole.
            stdlib_names = [a.display_name for a in received[header].addresses]
            assert [name.split() for name in stdlib_names] == [name.split() for name in names]

        assert _text(received.get_body(("plain",))) == item.rendered.text
        assert _text(received.get_body(("html",))) == item.rendered.html
        calendars = [part for part in received.iter_attachments() if part.get_content_type() == "text/calendar"]
        if item.rendered.calendar is None:
            assert calendars == []
        else:
            assert [part.get_content() for part in calendars] == [item.rendered.calendar]
        assert received["Content-Language"] == item.message["Content-Language"]
        assert received["Auto-Submitted"] == "auto-generated"


def test_short_display_names_survive_even_the_standard_parser(smtp_server: _Server) -> None:
    names = ["Lê Văn Cường", "Sở Công Thương tỉnh Hải Dương", "Đặng Văn Hải"]
    message = _message(
        render(make_context(MessageKind.REMINDER)),
        to=[Address(name, f"p{index}@haiduong.example") for index, name in enumerate(names)],
    )
    asyncio.run(_send_all(smtp_server.port, [message]))

    received = email.message_from_bytes(smtp_server.inbox.received[0], policy=email.policy.default)
    assert [a.display_name for a in received["To"].addresses] == names


@pytest.mark.parametrize(
    "address",
    ["a@b.example", "a.b+c_d@x-y.b.example", "O'Neil!#$%&*/=?^`{|}~-@b.example", "sxsh@sct.haiduong.example"],
)
@pytest.mark.parametrize("name", ["", "Lê Văn Cường", 'Doe, "John"'])
def test_a_plain_address_is_written_as_the_header_registry_writes_it(address: str, name: str) -> None:
    folded = address_header("To", [Address(name, address)])

    (parsed,) = email.headerregistry.HeaderRegistry()("To", folded).addresses
    assert (parsed.display_name, parsed.addr_spec) == (name, HeaderAddress(addr_spec=address).addr_spec)

"""Transports against a real SMTP server (aiosmtpd on loopback), a real folder, and in memory.

The server runs in a thread of its own (aiosmtpd's ``Controller``); the transports run in
``asyncio.run`` inside each test, as the CLI and the dispatcher run them.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sxsh_flow.notifications.delivery import Refusal
from sxsh_flow.notifications.smtp_url import SmtpSettings, parse_smtp_url
from sxsh_flow.notifications.transports import (
    Delivery,
    EmlFolderTransport,
    MemoryTransport,
    SmtpTransport,
    Transport,
)

T = TypeVar("T")

SENDER = "sxsh@sct.haiduong.gov.vn"
AGENCY = "phong.kehoach@stnmt.haiduong.gov.vn"
COORDINATOR = "dau.moi@sct.haiduong.gov.vn"
HEAD = "giam.doc@stnmt.haiduong.gov.vn"
USER, PASSWORD = "sxsh", "mật-khẩu đúng"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def make_message(
    number: int = 1,
    *,
    to: tuple[str, ...] = (AGENCY,),
    cc: tuple[str, ...] = (),
    bcc: tuple[str, ...] = (),
    sent_at: str = "Thu, 01 Sep 2016 08:00:00 +0700",
    message_id: str | None = None,
) -> EmailMessage:
    """A reminder as compose would build it: Vietnamese text and HTML, and a calendar file."""
    message = EmailMessage()
    message["From"] = f"Sở Công Thương Hải Dương <{SENDER}>"
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    message["Subject"] = f"Nhắc hạn: báo cáo kết quả sản xuất sạch hơn năm 2016 (số {number})"
    message["Date"] = sent_at
    message["Message-ID"] = message_id or f"<sxsh.{number}.reminder.20160901@sct.haiduong.gov.vn>"
    message.set_content(f"Kính gửi Sở Tài nguyên và Môi trường,\nHạn nộp báo cáo là 15/12/2016 (thư {number}).\n")
    message.add_alternative(f"<p>Kính gửi <b>Sở Tài nguyên và Môi trường</b>, thư {number}.</p>\n", subtype="html")
    message.add_attachment(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", subtype="calendar", filename="han-bao-cao.ics"
    )
    return message


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    # Bodies travel 8-bit with CRLF line ends; what a reader sees is the same text.
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


# --- a real SMTP server on loopback -------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    over_tls: bool
    login: str | None


@dataclass
class RecordingHandler:
    """Keeps what it receives; answers chosen recipients with a given reply; can hang up mid-DATA."""

    received: list[Received] = field(default_factory=list)
    connections: set[tuple[str, int]] = field(default_factory=set)  # client addresses seen at EHLO
    answers: dict[str, str] = field(default_factory=dict)  # recipient -> "451 ..." or "550 ..."
    hang_up_in_data: int = 0  # hang up instead of answering the next N DATA commands
    data_commands: int = 0

    async def handle_EHLO(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname  # the 5-argument hook must record the name itself
        self.connections.add(session.peer)
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        answer = self.answers.get(address)
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.data_commands += 1
        if self.hang_up_in_data:
            self.hang_up_in_data -= 1
            server.transport.close()
            return "421 4.3.2 going away"
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(
            Received(
                envelope.mail_from, list(envelope.rcpt_tos), parse(envelope.content), session.ssl is not None, login
            )
        )
        return "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    def __init__(self, port: int, **options: Any) -> None:
        self.handler = RecordingHandler()
        self.port = port
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="mx.sxsh.test", **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def restart(self) -> None:
        """Stop, and listen again on the same port: every open connection is dropped."""
        self.stop()
        self.start()

    def settings(self, **fields: Any) -> SmtpSettings:
        base: dict[str, Any] = {"host": "127.0.0.1", "port": self.port, "timeout": 5.0, "helo_name": "sxsh.test"}
        return SmtpSettings(**(base | fields))


@pytest.fixture
def start_server() -> Iterator[Callable[..., SmtpServer]]:
    started: list[SmtpServer] = []

    def start(**options: Any) -> SmtpServer:
        server = SmtpServer(free_port(), **options)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_server(start_server: Callable[..., SmtpServer]) -> SmtpServer:
    return start_server()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, as a small office relay has."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def check_password(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login.decode() == USER and data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False, auth_data=data)


async def send_all(transport: Transport, messages: list[EmailMessage], *, concurrently: bool = True) -> list[Delivery]:
    try:
        if concurrently:
            return list(await asyncio.gather(*(transport.send(message) for message in messages)))
        return [await transport.send(message) for message in messages]
    finally:
        await transport.close()


# --- SmtpTransport ------------------------------------------------------------------------------


def test_a_message_goes_to_to_cc_and_bcc_and_the_bcc_header_stays_home(smtp_server: SmtpServer) -> None:
    message = make_message(to=(AGENCY,), cc=(COORDINATOR,), bcc=(HEAD,))
    transport = SmtpTransport(smtp_server.settings())
    assert transport.supports_utf8 is None

    (delivery,) = run(send_all(transport, [message]))

    assert delivery == Delivery(ok=True, permanent=False, code=250, response="2.0.0 queued")
    assert transport.supports_utf8 is True  # aiosmtpd's Controller offers SMTPUTF8
    (received,) = smtp_server.handler.received
    assert received.sender == SENDER
    assert received.recipients == [AGENCY, COORDINATOR, HEAD]
    assert "Bcc" not in received.message
    assert message["Bcc"] == HEAD  # the caller's message is not changed
    assert received.message["Subject"] == message["Subject"]
    assert received.message["Message-ID"] == message["Message-ID"]
    assert bodies(received.message) == bodies(message)


def test_the_sender_header_is_the_envelope_sender_when_present(smtp_server: SmtpServer) -> None:
    message = make_message()
    message["Sender"] = "he-thong@sxsh.haiduong.gov.vn"
    (delivery,) = run(send_all(SmtpTransport(smtp_server.settings()), [message]))
    assert delivery.ok
    assert smtp_server.handler.received[0].sender == "he-thong@sxsh.haiduong.gov.vn"


def test_a_recipient_in_two_headers_is_sent_to_once(smtp_server: SmtpServer) -> None:
    run(send_all(SmtpTransport(smtp_server.settings()), [make_message(to=(AGENCY,), cc=(AGENCY.upper(),))]))
    assert smtp_server.handler.received[0].recipients == [AGENCY]


def test_two_hundred_messages_share_a_pool_of_four_connections(smtp_server: SmtpServer) -> None:
    messages = [make_message(number) for number in range(200)]

    deliveries = run(send_all(SmtpTransport(smtp_server.settings(), pool_size=4), messages))

    assert all(delivery.ok for delivery in deliveries)
    assert 1 <= len(smtp_server.handler.connections) <= 4
    received_ids = sorted(received.message["Message-ID"] for received in smtp_server.handler.received)
    assert received_ids == sorted(message["Message-ID"] for message in messages)


def test_the_pool_size_comes_from_the_settings_unless_given(smtp_server: SmtpServer) -> None:
    messages = [make_message(number) for number in range(40)]
    run(send_all(SmtpTransport(smtp_server.settings(pool_size=2)), messages))
    assert 1 <= len(smtp_server.handler.connections) <= 2


def test_messages_sent_one_after_another_use_one_connection(smtp_server: SmtpServer) -> None:
    messages = [make_message(number) for number in range(10)]
    deliveries = run(send_all(SmtpTransport(smtp_server.settings()), messages, concurrently=False))
    assert all(delivery.ok for delivery in deliveries)
    assert len(smtp_server.handler.connections) == 1


@pytest.mark.parametrize(
    ("answer", "permanent", "code"),
    [("451 4.3.0 try later", False, 451), ("550 5.1.1 no such user", True, 550)],
)
def test_a_refused_recipient_is_transient_on_4xx_and_permanent_on_5xx(
    smtp_server: SmtpServer, answer: str, permanent: bool, code: int
) -> None:
    smtp_server.handler.answers[AGENCY] = answer
    transport = SmtpTransport(smtp_server.settings())

    refused, accepted = run(
        send_all(transport, [make_message(1), make_message(2, to=(COORDINATOR,))], concurrently=False)
    )

    code_text, message = answer.split(" ", 1)
    assert refused == Delivery(
        ok=False,
        permanent=permanent,
        code=code,
        response=f"{AGENCY}: {answer}",
        refused=(Refusal(AGENCY, int(code_text), message),),
    )
    assert accepted.ok  # the connection carries on after the refusal (aiosmtplib sent RSET)
    assert len(smtp_server.handler.connections) == 1
    assert [received.recipients for received in smtp_server.handler.received] == [[COORDINATOR]]


def test_all_recipients_refused_with_one_4xx_is_worth_retrying(smtp_server: SmtpServer) -> None:
    smtp_server.handler.answers |= {AGENCY: "550 5.1.1 no such user", COORDINATOR: "451 4.3.0 try later"}
    (delivery,) = run(send_all(SmtpTransport(smtp_server.settings()), [make_message(cc=(COORDINATOR,))]))
    assert (delivery.ok, delivery.permanent, delivery.code) == (False, False, 451)
    assert {(r.address, r.permanent) for r in delivery.refused} == {(AGENCY, True), (COORDINATOR, False)}


def test_a_message_taken_for_some_recipients_is_sent_and_names_the_refused(smtp_server: SmtpServer) -> None:
    smtp_server.handler.answers[COORDINATOR] = "550 5.1.1 no such user"
    (delivery,) = run(send_all(SmtpTransport(smtp_server.settings()), [make_message(cc=(COORDINATOR,))]))
    assert (delivery.ok, delivery.code) == (True, 250)
    assert delivery.refused == (Refusal(COORDINATOR, 550, "5.1.1 no such user"),)
    assert f"{COORDINATOR}: 550 5.1.1 no such user" in delivery.response
    assert smtp_server.handler.received[0].recipients == [AGENCY]


@pytest.mark.parametrize(
    "broken",
    [
        lambda message: message.replace_header("To", "không phải địa chỉ"),
        lambda message: message.replace_header("To", "undisclosed-recipients:;"),
        lambda message: message.replace_header("From", "nobody"),
        lambda message: message.__delitem__("From"),
    ],
    ids=["bad-recipient", "no-recipient", "bad-sender", "no-sender"],
)
def test_a_malformed_message_fails_permanently_before_any_connection(broken: Callable[[EmailMessage], None]) -> None:
    message = make_message()
    broken(message)
    nowhere = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=1.0)
    (delivery,) = run(send_all(SmtpTransport(nowhere), [message]))
    assert (delivery.ok, delivery.permanent, delivery.code) == (False, True, None)


def test_a_server_that_is_down_gives_transient_failures(smtp_server: SmtpServer) -> None:
    nowhere = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2.0)
    deliveries = run(send_all(SmtpTransport(nowhere), [make_message(number) for number in range(6)]))
    for delivery in deliveries:
        assert (delivery.ok, delivery.permanent, delivery.code) == (False, False, None)
        assert "SMTPConnectError" in delivery.response


def test_a_server_that_never_answers_times_out_as_a_transient_failure() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (the backlog does), never speaks
        settings = SmtpSettings(host="127.0.0.1", port=silent.getsockname()[1], timeout=0.3)
        (delivery,) = run(send_all(SmtpTransport(settings), [make_message()]))
    assert (delivery.ok, delivery.permanent) == (False, False)
    assert "Timeout" in delivery.response


def test_a_server_restart_is_recovered_from_by_reconnecting(smtp_server: SmtpServer) -> None:
    async def scenario() -> tuple[list[Delivery], list[Delivery]]:
        transport = SmtpTransport(smtp_server.settings(), pool_size=2)
        before = await asyncio.gather(*(transport.send(make_message(number)) for number in range(4)))
        # Restarted without yielding to the event loop, so the pooled connections still look open
        # and the next sends find them dead mid-command, as after a server's idle timeout.
        smtp_server.restart()
        after = await asyncio.gather(*(transport.send(make_message(number)) for number in range(4, 10)))
        await transport.close()
        return list(before), list(after)

    before, after = run(scenario())

    assert all(delivery.ok for delivery in before + after)
    assert len(smtp_server.handler.received) == 10
    assert 3 <= len(smtp_server.handler.connections) <= 4  # two pooled connections, then two new ones


def test_a_connection_lost_during_data_is_retried_once_on_a_new_one(smtp_server: SmtpServer) -> None:
    smtp_server.handler.hang_up_in_data = 1
    (delivery,) = run(send_all(SmtpTransport(smtp_server.settings()), [make_message()]))
    assert delivery.ok
    assert smtp_server.handler.data_commands == 2
    assert len(smtp_server.handler.connections) == 2
    assert len(smtp_server.handler.received) == 1


def test_a_connection_lost_twice_is_a_transient_failure_not_a_loop(smtp_server: SmtpServer) -> None:
    smtp_server.handler.hang_up_in_data = 100
    (delivery,) = run(send_all(SmtpTransport(smtp_server.settings()), [make_message()]))
    assert (delivery.ok, delivery.permanent) == (False, False)
    assert "connection lost twice" in delivery.response
    assert smtp_server.handler.data_commands == 2


def test_starttls_with_a_self_signed_certificate_and_login(
    start_server: Callable[..., SmtpServer], server_tls: ssl.SSLContext
) -> None:
    server = start_server(
        tls_context=server_tls, require_starttls=True, auth_required=True, authenticator=check_password
    )
    url = f"smtp://{USER}:m%E1%BA%ADt-kh%E1%BA%A9u%20%C4%91%C3%BAng@127.0.0.1:{server.port}?starttls=1&verify=0&helo=sxsh.test"
    transport = SmtpTransport(parse_smtp_url(url))
    assert transport.describe() == f"SMTP 127.0.0.1:{server.port} (STARTTLS, certificate not verified)"

    deliveries = run(send_all(transport, [make_message(number) for number in range(3)]))

    assert all(delivery.ok for delivery in deliveries), deliveries
    assert all(received.over_tls and received.login == USER for received in server.handler.received)


def test_a_wrong_password_is_not_the_messages_fault(
    start_server: Callable[..., SmtpServer], server_tls: ssl.SSLContext
) -> None:
    server = start_server(
        tls_context=server_tls, require_starttls=True, auth_required=True, authenticator=check_password
    )
    settings = server.settings(security="starttls", verify_tls=False, username=USER, password="sai")
    (delivery,) = run(send_all(SmtpTransport(settings), [make_message()]))
    assert (delivery.ok, delivery.permanent, delivery.code) == (False, False, 535)
    assert "SMTPAuthenticationError" in delivery.response


def test_a_self_signed_certificate_is_refused_unless_told_otherwise(
    start_server: Callable[..., SmtpServer], server_tls: ssl.SSLContext
) -> None:
    server = start_server(tls_context=server_tls, require_starttls=True)
    (delivery,) = run(send_all(SmtpTransport(server.settings(security="starttls")), [make_message()]))
    assert (delivery.ok, delivery.permanent) == (False, False)
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.response
    assert server.handler.received == []


def test_implicit_tls(start_server: Callable[..., SmtpServer], server_tls: ssl.SSLContext) -> None:
    server = start_server(ssl_context=server_tls)
    transport = SmtpTransport(server.settings(security="tls", verify_tls=False))
    assert transport.describe() == f"SMTP 127.0.0.1:{server.port} (TLS, certificate not verified)"
    (delivery,) = run(send_all(transport, [make_message()]))
    assert delivery.ok
    assert len(server.handler.received) == 1


def test_security_none_never_upgrades_even_when_offered(
    start_server: Callable[..., SmtpServer], server_tls: ssl.SSLContext
) -> None:
    server = start_server(tls_context=server_tls)  # offers STARTTLS, does not require it
    (delivery,) = run(send_all(SmtpTransport(server.settings()), [make_message()]))
    assert delivery.ok
    assert server.handler.received[0].over_tls is False


@pytest.mark.parametrize(
    ("url", "described"),
    [
        ("smtp://mail.example.vn:587?starttls=1", "SMTP mail.example.vn:587 (STARTTLS)"),
        ("smtps://u:p@mail.example.vn", "SMTP mail.example.vn:465 (TLS)"),
        ("smtp://127.0.0.1:1025", "SMTP 127.0.0.1:1025 (no encryption)"),
        ("smtp://[::1]:1025?verify=0", "SMTP [::1]:1025 (no encryption)"),
    ],
)
def test_describe(url: str, described: str) -> None:
    assert SmtpTransport(parse_smtp_url(url)).describe() == described


def test_a_pool_needs_at_least_one_connection() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=25), pool_size=0)


# --- EmlFolderTransport -------------------------------------------------------------------------


def test_a_message_is_written_as_an_eml_file_that_reads_back_the_same(tmp_path: Path) -> None:
    message = make_message(to=(AGENCY,), cc=(COORDINATOR,))
    transport = EmlFolderTransport(tmp_path)

    (delivery,) = run(send_all(transport, [message]))

    path = tmp_path / "2016-09-01" / "sxsh.1.reminder.20160901@sct.haiduong.gov.vn.eml"
    assert delivery == Delivery(ok=True, permanent=False, code=None, response=f"written to {path}")
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # CRLF throughout, as mail programs expect
    head = data.partition(b"\r\n\r\n")[0]
    assert head.isascii()  # Vietnamese headers as RFC 2047 encoded words, which every reader decodes
    again = parse(data)
    for header in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        assert str(again[header]) == str(message[header])
    assert bodies(again) == bodies(message)
    (attachment,) = again.iter_attachments()
    assert attachment.get_filename() == "han-bao-cao.ics"
    assert [p.name for p in tmp_path.rglob("*")] == ["2016-09-01", path.name]  # no temporary file left


def test_sending_the_same_message_id_again_replaces_the_file(tmp_path: Path) -> None:
    transport = EmlFolderTransport(tmp_path)
    first = make_message(1)
    resent = make_message(1, sent_at="Fri, 02 Sep 2016 09:30:00 +0700")  # a retry, the next day
    resent.replace_header("Subject", "Nhắc hạn (gửi lại)")

    deliveries = run(send_all(transport, [first, resent], concurrently=False))

    files = sorted(tmp_path.rglob("*.eml"))
    assert len(files) == 1
    assert deliveries[0].response == deliveries[1].response == f"written to {files[0]}"
    assert parse(files[0].read_bytes())["Subject"] == "Nhắc hạn (gửi lại)"


def test_a_new_transport_finds_the_file_an_earlier_process_wrote(tmp_path: Path) -> None:
    run(send_all(EmlFolderTransport(tmp_path), [make_message(1)]))
    run(send_all(EmlFolderTransport(tmp_path), [make_message(1, sent_at="Mon, 05 Sep 2016 08:00:00 +0700")]))
    assert len(list(tmp_path.rglob("*.eml"))) == 1


def test_files_are_filed_by_the_day_of_their_date(tmp_path: Path) -> None:
    messages = [make_message(1), make_message(2, sent_at="Thu, 15 Dec 2016 16:45:00 +0700")]
    run(send_all(EmlFolderTransport(tmp_path, durable=False), messages))
    assert sorted(str(p.relative_to(tmp_path).parent) for p in tmp_path.rglob("*.eml")) == ["2016-09-01", "2016-12-15"]


@pytest.mark.parametrize(
    ("message_id", "file_name"),
    [
        ("<a.b-c+d_e@sct.hd.gov.vn>", "a.b-c+d_e@sct.hd.gov.vn.eml"),
        ("<../../etc/passwd@x>", "_.._etc_passwd@x-"),
        ("<a/b@x>", "a_b@x-"),
        ("<a?b*c|d@x>", "a_b_c_d@x-"),
    ],
)
def test_file_names_are_safe_and_distinct(tmp_path: Path, message_id: str, file_name: str) -> None:
    (delivery,) = run(send_all(EmlFolderTransport(tmp_path), [make_message(message_id=message_id)]))
    (path,) = tmp_path.rglob("*.eml")
    assert path.parent.parent == tmp_path
    assert path.name.startswith(file_name)
    assert delivery.response == f"written to {path}"


def test_ids_that_differ_only_in_unsafe_characters_get_different_files(tmp_path: Path) -> None:
    messages = [make_message(1, message_id="<a/b@x>"), make_message(2, message_id="<a?b@x>")]
    run(send_all(EmlFolderTransport(tmp_path), messages))
    assert len(list(tmp_path.rglob("*.eml"))) == 2


def test_a_folder_that_cannot_be_written_is_a_transient_failure(tmp_path: Path) -> None:
    blocked = tmp_path / "outbox"
    blocked.write_text("a file where the folder should be")
    (delivery,) = run(send_all(EmlFolderTransport(blocked), [make_message()]))
    assert (delivery.ok, delivery.permanent) == (False, False)
    assert str(blocked) in delivery.response


def test_the_folder_refuses_what_a_server_would_refuse(tmp_path: Path) -> None:
    message = make_message()
    message.replace_header("To", "không phải địa chỉ")
    (delivery,) = run(send_all(EmlFolderTransport(tmp_path), [message]))
    assert (delivery.ok, delivery.permanent) == (False, True)
    assert list(tmp_path.iterdir()) == []


def test_folder_describe_and_utf8(tmp_path: Path) -> None:
    transport = EmlFolderTransport(tmp_path / "outbox")
    assert transport.describe() == f"folder {tmp_path / 'outbox'}"
    assert transport.supports_utf8 is False


# --- MemoryTransport ----------------------------------------------------------------------------


def test_memory_keeps_what_it_sends() -> None:
    transport = MemoryTransport()
    messages = [make_message(1), make_message(2)]
    deliveries = run(send_all(transport, messages, concurrently=False))
    assert [d.ok for d in deliveries] == [True, True]
    assert transport.sent == messages
    assert transport.closed


def test_memory_fails_the_next_sends_as_planned() -> None:
    transport = MemoryTransport()
    transport.fail_next(2)
    transport.fail_next(permanent=True)
    transport.fail_next(code=421, response="4.3.2 shutting down")
    messages = [make_message(number) for number in range(5)]

    deliveries = run(send_all(transport, messages, concurrently=False))

    assert [(d.ok, d.permanent, d.code) for d in deliveries] == [
        (False, False, 451),
        (False, False, 451),
        (False, True, 550),
        (False, False, 421),
        (True, False, None),
    ]
    assert deliveries[3].response == "4.3.2 shutting down"
    assert transport.sent == [messages[4]]
    assert [message for message, _ in transport.failed] == messages[:4]


def test_memory_refuses_a_malformed_message_permanently() -> None:
    message = make_message()
    del message["From"]
    (delivery,) = run(send_all(MemoryTransport(), [message]))
    assert (delivery.ok, delivery.permanent) == (False, True)


def test_every_transport_is_a_transport(tmp_path: Path) -> None:
    transports: list[object] = [
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=25)),
        EmlFolderTransport(tmp_path),
        MemoryTransport(),
    ]
    assert all(isinstance(transport, Transport) for transport in transports)
    assert MemoryTransport(supports_utf8=None).supports_utf8 is None

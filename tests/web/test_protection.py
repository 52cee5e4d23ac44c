"""What protects a capability: CSRF tokens, response headers, caps on bodies, checks on attachments."""

from __future__ import annotations

import hashlib
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from sxsh_flow.engine.attachments import MAX_BYTES
from sxsh_flow.engine.models import Attachment
from sxsh_flow.engine.states import SubmissionState, TaskRunState

from .conftest import OTHER_DISTRICT, REPORT, Portal, error_next_to

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def expired_form_page(answer_text: str) -> bool:
    return "Biểu mẫu đã hết hạn" in answer_text and "Chưa có gì được lưu." in answer_text


@pytest.mark.parametrize(
    "spoil",
    [
        "missing token",
        "tampered token",
        "token of another link",
        "token of another form",
        "token older than 12 hours",
    ],
)
def test_a_post_without_a_valid_csrf_token_is_refused_and_stores_nothing(portal: Portal, spoil: str) -> None:
    form = {**portal.report_form(), **REPORT}
    if spoil == "missing token":
        del form["csrf_token"]
    elif spoil == "tampered token":
        form["csrf_token"] = form["csrf_token"][:-3] + ("xyz" if not form["csrf_token"].endswith("xyz") else "abc")
    elif spoil == "token of another link":
        other = portal.report_form(portal.link_of(OTHER_DISTRICT))
        form["csrf_token"], form["form_nonce"] = other["csrf_token"], other["form_nonce"]
    elif spoil == "token of another form":
        form["form_nonce"] = portal.report_form()["form_nonce"]
    else:
        portal.clock.advance(timedelta(hours=12, minutes=1))
    before = portal.counts()

    answer = portal.post_report(form)

    assert answer.status_code == 403
    assert expired_form_page(answer.text)
    assert f'href="/r/{portal.token}"' in answer.text  # back to the form, to open it afresh
    assert portal.counts() == before
    assert portal.task_state() is TaskRunState.OPEN


def test_a_form_filled_in_over_a_working_day_still_goes_through(portal: Portal) -> None:
    form = {**portal.report_form(), **REPORT}
    portal.clock.advance(timedelta(hours=8))
    assert portal.post_report(form).status_code == 200


def test_pages_carry_headers_that_keep_the_link_from_leaking(portal: Portal) -> None:
    for answer in (portal.open(), portal.open("nonsense"), portal.post_report({})):
        headers = answer.headers
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"
    stylesheet = portal.http.get(portal.base_url + "/static/portal.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert ":focus" in stylesheet.text


def raw_request(portal: Portal, head: bytes, body_chunks: list[bytes] = []) -> tuple[int, bytes]:  # noqa: B006
    """Send bytes as they are (no client library fixing them up); the status and the whole answer."""
    host, port = portal.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head)
        try:
            for chunk in body_chunks:
                connection.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading everything: that is the point
        answer = b""
        try:
            while piece := connection.recv(65536):
                answer += piece
        except ConnectionResetError:
            pass
    return int(answer.split(b" ", 2)[1]), answer


def test_a_body_declared_too_large_is_refused_before_it_is_sent(portal: Portal) -> None:
    before = portal.counts()
    head = (
        f"POST /r/{portal.token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 104857600\r\n\r\n"
    ).encode()

    status, answer = raw_request(portal, head)

    assert status == 413
    assert "Dữ liệu gửi lên quá lớn".encode() in answer
    assert portal.counts() == before


def test_a_streamed_body_is_cut_off_at_the_limit(portal: Portal) -> None:
    before = portal.counts()
    head = (
        f"POST /r/{portal.token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    part = b'--b\r\nContent-Disposition: form-data; name="attachments"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'
    megabyte = b"x" * (1024 * 1024)
    chunks = [b"%x\r\n%s\r\n" % (len(c), c) for c in [part] + [megabyte] * 27] + [b"0\r\n\r\n"]

    status, answer = raw_request(portal, head, chunks)

    assert status == 413
    assert "Dữ liệu gửi lên quá lớn".encode() in answer
    assert portal.counts() == before


def stored_files(portal: Portal) -> list[str]:
    folder = portal.settings.attachments_folder
    return [p.name for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_an_attachment_over_the_limit_is_refused_next_to_the_file_field(portal: Portal) -> None:
    too_big = PDF + b"0" * MAX_BYTES

    answer = portal.submit(REPORT, files=[("attachments", ("bao-cao.pdf", too_big, "application/pdf"))])

    assert answer.status_code == 422
    assert "Tệp lớn hơn 10 MB." in error_next_to(answer.text, "attachments")
    assert portal.counts()["attachments"] == 0
    assert stored_files(portal) == []
    assert portal.task_state() is TaskRunState.OPEN


def test_a_program_named_like_a_pdf_is_refused(portal: Portal) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000

    answer = portal.submit(REPORT, files=[("attachments", ("report.pdf", program, "application/pdf"))])

    assert answer.status_code == 422
    assert "Nội dung tệp không đúng với loại tệp" in error_next_to(answer.text, "attachments")
    assert portal.counts()["attachments"] == 0
    assert stored_files(portal) == []


def test_a_pdf_is_kept_under_its_sha256(portal: Portal) -> None:
    answer = portal.submit(REPORT, files=[("attachments", ("Báo cáo Tứ Kỳ.pdf", PDF, "application/pdf"))])

    assert answer.status_code == 200
    digest = hashlib.sha256(PDF).hexdigest()
    assert (portal.settings.attachments_folder / digest[:2] / digest).read_bytes() == PDF
    with portal.store.session() as session:
        (attachment,) = session.scalars(select(Attachment))
        assert (attachment.filename, attachment.sha256, attachment.size) == ("Báo cáo Tứ Kỳ.pdf", digest, len(PDF))
        assert attachment.submission.state is SubmissionState.SUBMITTED

"""The two other things a link can do: ask for more time, and pass the task to a colleague."""

from __future__ import annotations

import email
import re
from datetime import date
from email.message import EmailMessage
from email.policy import default

import pytest
from sqlalchemy import select

from sxsh_flow.engine.models import ExtensionRequest, ReplyLink
from sxsh_flow.engine.states import ExtensionState

from .conftest import REPORT, Portal, form_fields


def extension_form(portal: Portal) -> dict[str, str]:
    return form_fields(portal.open().text, "/extension")


def forward_form(portal: Portal) -> dict[str, str]:
    return form_fields(portal.open().text, "/forward")


@pytest.mark.parametrize("asked", ["30/12/2016", "2016-12-30"])
def test_an_extension_request_is_stored_as_pending(portal: Portal, asked: str) -> None:
    form = {**extension_form(portal), "reason": "Chờ số liệu của các xã.", "proposed_until": asked}

    answer = portal.http.post(portal.url(suffix="/extension"), data=form)

    assert answer.status_code == 200
    assert "Đã gửi đề nghị gia hạn" in answer.text
    assert "30/12/2016" in answer.text
    with portal.store.session() as session:
        (request,) = session.scalars(select(ExtensionRequest))
        assert (request.state, request.proposed_until) == (ExtensionState.PENDING, date(2016, 12, 30))
        assert request.reason == "Chờ số liệu của các xã."
    assert "Đề nghị gia hạn đến 30/12/2016 đang chờ xem xét." in portal.open().text


@pytest.mark.parametrize(
    ("reason", "asked", "field", "message"),
    [
        ("", "30/12/2016", "reason", "Vui lòng nêu lý do đề nghị gia hạn."),
        ("Chờ số liệu.", "31/02/2017", "proposed_until", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("Chờ số liệu.", "hôm sau", "proposed_until", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("Chờ số liệu.", "01/12/2016", None, "Ngày đề nghị phải sau hạn nộp hiện tại."),
    ],
)
def test_an_extension_request_that_cannot_be_taken_is_answered_in_the_form(
    portal: Portal, reason: str, asked: str, field: str | None, message: str
) -> None:
    before = portal.counts()
    form = {**extension_form(portal), "reason": reason, "proposed_until": asked}

    answer = portal.http.post(portal.url(suffix="/extension"), data=form)

    assert answer.status_code == 422
    if field is None:
        assert re.search(rf'<p class="error" id="extension-problem" role="alert">{re.escape(message)}</p>', answer.text)
        assert 'aria-describedby="extension-problem"' in answer.text
    else:
        assert re.search(rf'id="x-{field.replace("_", "-")}-error">.*{re.escape(message)}', answer.text)
    assert form_fields(answer.text, "/extension")["proposed_until"] == asked  # kept as typed
    assert portal.counts() == before


def test_no_extension_is_asked_for_a_report_already_sent(portal: Portal) -> None:
    form = {**extension_form(portal), "reason": "Muộn.", "proposed_until": "30/12/2016"}
    portal.submit(REPORT)

    answer = portal.http.post(portal.url(suffix="/extension"), data=form)

    assert answer.status_code == 409
    assert portal.counts()["extension_requests"] == 0


def forwarded_mail(portal: Portal) -> EmailMessage:
    (row,) = portal.outbox("forwarded")
    message = email.message_from_bytes(row.raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def test_forwarding_gives_a_colleague_a_link_of_their_own(portal: Portal) -> None:
    links_before = portal.counts()["reply_links"]
    form = {**forward_form(portal), "name": "Nguyễn Thị Mai", "email": "mai.nt@tuky.haiduong.example"}

    answer = portal.http.post(portal.url(suffix="/forward"), data=form)

    assert answer.status_code == 200
    assert "Đã chuyển nhiệm vụ" in answer.text
    assert "mai.nt@tuky.haiduong.example" in answer.text
    assert portal.counts()["reply_links"] == links_before + 1
    with portal.store.session() as session:
        link = session.scalars(select(ReplyLink).where(ReplyLink.guest_email == "mai.nt@tuky.haiduong.example")).one()
        assert link.forwarded_from_id == portal.link_id
        assert link.contact_id is None  # the colleague does not join the agency's contacts
    message = forwarded_mail(portal)
    assert "mai.nt@tuky.haiduong.example" in str(message["To"])
    body = message.get_body(("plain",))
    assert body is not None
    (colleague_url,) = set(re.findall(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_.\-]+", body.get_content()))
    assert colleague_url != portal.url()
    page = portal.http.get(colleague_url)
    assert page.status_code == 200
    assert "Nguyễn Thị Mai" in page.text  # the colleague reports as themself


def test_forwarding_to_an_address_that_is_not_one_is_refused_next_to_the_field(portal: Portal) -> None:
    before = portal.counts()
    form = {**forward_form(portal), "name": "Mai", "email": "mai at tuky"}

    answer = portal.http.post(portal.url(suffix="/forward"), data=form)

    assert answer.status_code == 422
    assert re.search(r'id="w-email-error">.*Địa chỉ thư điện tử không hợp lệ.', answer.text)
    assert form_fields(answer.text, "/forward")["email"] == "mai at tuky"
    assert portal.counts() == before

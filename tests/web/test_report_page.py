"""The page behind a reply link: the task, its form, drafts, submissions and their receipts."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import select

from sxsh_flow.engine.models import ContactRecord, HistoryEntry, Submission, TaskRun
from sxsh_flow.engine.services.links import issue_link
from sxsh_flow.engine.services.notices import Mailing
from sxsh_flow.engine.services.submissions import review_submission
from sxsh_flow.engine.states import SubmissionState, TaskRunState
from sxsh_flow.notifications import EMAIL_WRITER

from .conftest import REPORT, Portal, error_next_to, form_fields


def test_the_link_opens_the_task_with_its_deadline_and_form(portal: Portal) -> None:
    page = portal.open()

    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "Triển khai Kế hoạch SXSH trên địa bàn và báo cáo kết quả hằng năm" in page.text
    assert "Ủy ban nhân dân huyện Tứ Kỳ" in page.text
    assert "năm 2016" in page.text
    assert "15/12/2015 – 14/12/2016" in page.text  # the cut-off period
    assert "Thứ Tư, 21/12/2016" in page.text  # the deadline, with its weekday
    assert "chờ báo cáo" in page.text
    fields = form_fields(page.text, f"/r/{portal.token}")
    assert {"csrf_token", "form_nonce", "indicator.informed.numerator", "section.results"} <= fields.keys()
    assert {"enterprise.0.name", "enterprise.4.participation"} <= fields.keys()  # five blank enterprise rows
    assert 'name="attachments" multiple accept=".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg"' in page.text
    assert 'name="action" value="draft"' in page.text
    assert 'name="action" value="submit"' in page.text


def test_every_input_has_a_label(portal: Portal) -> None:
    import re

    page = portal.open().text
    ids = re.findall(r'<(?:input|textarea|select)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    assert len(ids) > 20
    for element_id in ids:
        assert f'<label for="{element_id}">' in page, element_id


def test_opening_the_link_changes_nothing(portal: Portal) -> None:
    before = portal.counts()
    for _ in range(3):  # a mail scanner, a preview, the person
        assert portal.open().status_code == 200
    assert portal.http.head(portal.url()).status_code == 200  # some scanners only ask for the headers
    assert portal.counts() == before
    assert portal.task_state() is TaskRunState.OPEN


def test_a_submit_stores_version_1_and_answers_with_a_receipt(portal: Portal) -> None:
    before = portal.counts()

    receipt = portal.submit(REPORT)

    assert receipt.status_code == 200
    assert "Đã nhận phiên bản 1 của báo cáo lúc 09:30 ngày 28/11/2016." in receipt.text
    assert "Báo cáo được nộp đúng hạn (hạn nộp Thứ Tư, 21/12/2016)." in receipt.text
    (version,) = portal.submissions()
    assert (version.version, version.state) == (1, SubmissionState.SUBMITTED)
    assert version.on_time is True
    assert portal.task_state() is TaskRunState.SUBMITTED
    (receipt_mail,) = portal.outbox("receipt")
    assert [a["email"] for a in receipt_mail.to] == ["sxsh@tuky.haiduong.example"]
    assert portal.counts()["outbox_messages"] == before["outbox_messages"] + 1


def test_numbers_are_read_the_vietnamese_way(portal: Portal) -> None:
    portal.submit({**REPORT, "indicator.informed.numerator": "1.234", "indicator.training_events.value": "8,5"})

    (version,) = portal.submissions()
    assert version.values["indicator.informed.numerator"] == 1234
    assert version.values["indicator.informed.denominator"] == 1500
    assert version.values["indicator.training_events.value"] == "8.5"  # a decimal's exact text, never a float
    assert version.values["funding.local_budget"] == 150_000_000


def test_a_numerator_above_its_denominator_is_refused_next_to_the_field(portal: Portal) -> None:
    page = portal.submit({**REPORT, "indicator.informed.numerator": "1.600", "indicator.informed.denominator": "1.500"})

    assert page.status_code == 422
    assert "không được lớn hơn tổng số" in error_next_to(page.text, "indicator.informed.numerator")
    assert "Báo cáo chưa được gửi." in page.text
    assert portal.task_state() is TaskRunState.OPEN
    assert all(v.state is SubmissionState.DRAFT for v in portal.submissions())
    assert portal.outbox("receipt") == []


def test_a_missing_required_field_is_named_and_what_was_typed_stays(portal: Portal) -> None:
    page = portal.submit({**REPORT, "section.results": "", "indicator.applying.numerator": "abc"})

    assert page.status_code == 422
    assert "Vui lòng điền mục này." in error_next_to(page.text, "section.results")
    assert "Nhập một số nguyên" in error_next_to(page.text, "indicator.applying.numerator")
    again = form_fields(page.text, f"/r/{portal.token}")
    assert again["indicator.applying.numerator"] == "abc"  # shown back exactly as typed
    assert again["indicator.informed.numerator"] == "1.234"
    assert again["section.difficulties"] == "Kinh phí còn hạn chế."
    assert '<a href="#f-section-results">' in page.text  # the summary leads to the field
    assert portal.task_state() is TaskRunState.OPEN


def test_a_draft_prefills_the_next_visit(portal: Portal) -> None:
    draft = {
        "indicator.informed.numerator": "1234",
        "indicator.training_events.value": "8.5",
        "section.results": "Đang tổng hợp.",
        "enterprise.0.name": "Công ty TNHH Gốm sứ Minh Đức",
        "enterprise.0.sector": "Gốm sứ",
        "enterprise.0.participation": "applying",
    }
    saved = portal.post_report({**portal.report_form(), **draft}, action="draft")

    assert saved.status_code == 200
    assert "Đã lưu bản nháp." in saved.text
    assert portal.task_state() is TaskRunState.OPEN
    assert portal.outbox("receipt") == []
    later = portal.report_form()
    assert later["indicator.informed.numerator"] == "1.234"  # stored as 1234, shown the Vietnamese way
    assert later["indicator.training_events.value"] == "8,5"
    assert later["section.results"] == "Đang tổng hợp."
    assert later["indicator.applying.numerator"] == ""
    assert (later["enterprise.0.name"], later["enterprise.0.participation"]) == (
        "Công ty TNHH Gốm sứ Minh Đức",
        "applying",
    )
    assert "enterprise.5.name" in later  # the saved row, then five blank ones


def test_a_second_press_of_the_same_form_answers_the_same_receipt(portal: Portal) -> None:
    form = {**portal.report_form(), **REPORT}
    first = portal.post_report(form)
    after_first = portal.counts()

    second = portal.post_report(form)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Đã nhận phiên bản 1 của báo cáo" in second.text
    assert second.text == first.text
    assert portal.counts() == after_first
    assert len(portal.submissions()) == 1
    assert len(portal.outbox("receipt")) == 1


def test_two_presses_at_the_same_instant_store_one_version(portal: Portal) -> None:
    form = {**portal.report_form(), **REPORT}
    answers: list[int] = []

    def press() -> None:
        with httpx.Client(timeout=30) as client:
            answers.append(client.post(portal.url(), data={**form, "action": "submit"}, files=[]).status_code)

    presses = [threading.Thread(target=press) for _ in range(2)]
    for thread in presses:
        thread.start()
    for thread in presses:
        thread.join()

    assert answers == [200, 200]
    assert [(v.version, v.state) for v in portal.submissions()] == [(1, SubmissionState.SUBMITTED)]
    assert len(portal.outbox("receipt")) == 1


def test_a_form_left_open_after_the_report_went_in_gets_a_calm_answer(portal: Portal) -> None:
    other_tab = portal.report_form()
    portal.submit(REPORT)
    before = portal.counts()

    late = portal.post_report({**other_tab, "section.results": "Sửa lại."}, action="draft")

    assert late.status_code == 409
    assert "Báo cáo này đã được gửi và đang chờ xem xét" in late.text
    assert portal.counts() == before


def test_after_submitting_the_page_shows_what_was_sent_without_a_form(portal: Portal) -> None:
    portal.submit(REPORT)

    page = portal.open()

    assert page.status_code == 200
    assert "đã nộp, chờ duyệt" in page.text
    assert "Phiên bản 1: đã gửi, chờ xem xét, gửi lúc 09:30 ngày 28/11/2016 (đúng hạn)" in page.text
    assert "1.234" in page.text
    assert 'name="action" value="submit"' not in page.text


def test_a_late_report_is_received_as_late(portal: Portal) -> None:
    from datetime import timedelta

    portal.clock.advance(timedelta(days=30))  # 28/12/2016: a week past the deadline

    receipt = portal.submit(REPORT)

    assert receipt.status_code == 200
    assert "Báo cáo được nộp sau hạn (hạn nộp Thứ Tư, 21/12/2016)." in receipt.text
    assert portal.submissions()[0].on_time is False


def test_a_returned_report_shows_the_comment_and_takes_a_second_version(portal: Portal) -> None:
    portal.submit(REPORT)
    comment = "Đề nghị bổ sung số liệu doanh nghiệp áp dụng SXSH."
    with portal.store.session() as session:
        (first,) = session.scalars(select(Submission))
        mailing = Mailing(writer=EMAIL_WRITER, signer=portal.signer)
        now = portal.clock.now()
        review_submission(
            session, first.id, accept=False, comment=comment, now=now, actor="t", mailing=mailing, signer=portal.signer
        )
        task_run, contact = (
            session.get_one(TaskRun, portal.task_run_id),
            session.get_one(ContactRecord, portal.contact_id),
        )
        fresh = portal.signer.token(issue_link(session, task_run, contact, now=now, actor="t"))  # the one just mailed

    page = portal.open(fresh)

    assert page.status_code == 200
    assert comment in page.text
    assert "trả lại để sửa" in page.text
    assert form_fields(page.text, f"/r/{fresh}")["indicator.informed.numerator"] == "1.234"  # version 1, to correct
    receipt = portal.submit({"indicator.applying.numerator": "350"}, token=fresh)
    assert "Đã nhận phiên bản 2 của báo cáo" in receipt.text
    assert [(v.version, v.state) for v in portal.submissions()] == [
        (1, SubmissionState.RETURNED),
        (2, SubmissionState.SUBMITTED),
    ]
    assert portal.submissions()[1].values["indicator.applying.numerator"] == 350


def test_the_form_opens_while_another_report_is_being_saved(portal: Portal) -> None:
    """A GET is not queued behind the portal's writers: it reads the last commit and answers."""
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with portal.store.session() as session:
            task_run = session.get_one(TaskRun, portal.task_run_id)
            session.add(
                HistoryEntry(
                    entity="task_run", entity_id=task_run.id, transition="note", to_state=task_run.state.value,
                    actor="test", reason="a save in progress", at=portal.clock.now(),
                )
            )  # fmt: skip
            session.flush()
            writing.set()
            done.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        page = portal.http.get(portal.url(), timeout=5)
    finally:
        done.set()
        thread.join()

    assert page.status_code == 200
    assert "chờ báo cáo" in page.text

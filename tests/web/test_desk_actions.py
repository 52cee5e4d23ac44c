"""What the coordinator does at the desk: read the board and a report, review it, decide on requests.

Each action is a POST carrying the session's CSRF token, goes through the service the CLI uses, and
leaves a history row under the coordinator's address. Tứ Kỳ's 2016 district report is the example;
the portal's day is Monday 28/11/2016, its deadline Wednesday 21/12/2016.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sxsh_flow.engine.models import ExtensionRequest, HistoryEntry, OutboxMessage, ReplyLink, Submission, TaskRun
from sxsh_flow.engine.states import ExtensionState, SubmissionState, TaskRunState

from .conftest import REPORT, Portal, form_fields
from .desk_support import COORDINATOR, ask_extension, fail_one_email, later, post_form, run_id, sign_in


def submitted(portal: Portal) -> int:
    answer = portal.submit(REPORT)
    assert answer.status_code == 200, answer.text
    return portal.submissions()[-1].id


def history_of(portal: Portal, entity: str, entity_id: int) -> list[tuple[str, str, str]]:
    with portal.store.session() as session:
        rows = session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.entity == entity, HistoryEntry.entity_id == entity_id)
            .order_by(HistoryEntry.id)
        )
        return [(row.transition, row.actor, row.reason) for row in rows]


def test_the_board_shows_each_agency_and_cycle_in_words_and_filters_by_query(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    board = sign_in(portal, next_path=f"/desk/runs/{run}")

    assert board.status_code == 200
    assert "Ủy ban nhân dân huyện Tứ Kỳ" in board.text
    assert "năm 2016" in board.text
    assert "chờ báo cáo" in board.text  # the others, in the state's Vietnamese words
    assert f'href="/desk/runs/{run}/submissions/{submission}"' in board.text
    filtered = portal.http.get(f"{portal.base_url}/desk/runs/{run}", params={"state": "submitted", "cycle": "2016"})
    assert filtered.status_code == 200
    assert "Tứ Kỳ" in filtered.text
    assert '<th scope="row">Ủy ban nhân dân huyện Thanh Hà</th>' not in filtered.text
    assert '<th scope="row">Ủy ban nhân dân huyện Tứ Kỳ</th>' in filtered.text
    assert form_fields(filtered.text, f"/desk/runs/{run}")["state"] == "submitted"


def test_the_board_counts_days_late_in_the_runs_unit(portal: Portal) -> None:
    run = run_id(portal)
    sign_in(portal)
    later(portal, days=25)  # Friday 23/12/2016: two working days after the deadline

    # The session is long gone after 23 days: sign in again, on the later day.
    board = sign_in(portal, next_path=f"/desk/runs/{run}?overdue=1&cycle=2016")

    assert "chậm 2 ngày làm việc" in board.text
    assert form_fields(board.text, f"/desk/runs/{run}")["overdue"] == "1"


def test_a_submission_reads_like_its_form(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    page = sign_in(portal, next_path=f"/desk/runs/{run}/submissions/{submission}")

    assert page.status_code == 200
    for shown in ("Chỉ tiêu", "1.234", "1.500", "8,5", "150.000.000 đồng", "Kinh phí còn hạn chế.", "Phiên bản 1"):
        assert shown in page.text
    assert "indicator.informed.numerator" not in page.text


def test_returning_a_report_with_a_comment_is_recorded_under_the_coordinator(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    path = f"/desk/runs/{run}/submissions/{submission}"
    page = sign_in(portal, next_path=path)
    sent_before = len(portal.outbox("returned"))

    answer = post_form(portal, page, path, action="return", comment="Bổ sung số liệu kinh phí trung ương.")

    assert answer.status_code == 303
    shown = portal.http.get(f"{portal.base_url}{answer.headers['location']}")
    assert "Báo cáo đã được trả lại" in shown.text
    assert portal.submissions()[-1].state is SubmissionState.RETURNED
    assert portal.task_state() is TaskRunState.RETURNED
    assert ("return", COORDINATOR, "Bổ sung số liệu kinh phí trung ương.") in history_of(
        portal, "submission", submission
    )
    assert len(portal.outbox("returned")) == sent_before + 1


def test_returning_without_a_comment_is_refused_in_the_form(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    path = f"/desk/runs/{run}/submissions/{submission}"
    page = sign_in(portal, next_path=path)
    before = portal.counts()

    answer = post_form(portal, page, path, action="return", comment="  ")

    assert answer.status_code == 422
    assert "Vui lòng ghi nội dung cần chỉnh sửa" in answer.text
    assert portal.counts() == before


def test_accepting_a_report(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    path = f"/desk/runs/{run}/submissions/{submission}"
    page = sign_in(portal, next_path=path)

    answer = post_form(portal, page, path, action="accept")

    assert answer.status_code == 303
    assert portal.task_state() is TaskRunState.ACCEPTED
    assert history_of(portal, "submission", submission)[-1][:2] == ("accept", COORDINATOR)


def test_an_action_without_the_sessions_token_is_refused_and_changes_nothing(portal: Portal) -> None:
    run = run_id(portal)
    reply_token = form_fields(portal.open().text, "/extension")  # a reply page's token is not the desk's
    submission = submitted(portal)
    path = f"/desk/runs/{run}/submissions/{submission}"
    page = sign_in(portal, next_path=path)
    fields = form_fields(page.text, path)
    before = portal.counts()

    missing = portal.http.post(f"{portal.base_url}{path}", data={"action": "accept"})
    forged = portal.http.post(
        f"{portal.base_url}{path}", data={**fields, "csrf_token": fields["csrf_token"][:-2] + "xx"}
    )
    borrowed = portal.http.post(f"{portal.base_url}{path}", data={**reply_token, "action": "accept"})

    assert [r.status_code for r in (missing, forged, borrowed)] == [403, 403, 403]
    assert portal.counts() == before
    assert portal.task_state() is TaskRunState.SUBMITTED


def test_an_action_without_a_session_does_nothing(portal: Portal) -> None:
    run = run_id(portal)
    submission = submitted(portal)
    before = portal.counts()

    answer = portal.http.post(f"{portal.base_url}/desk/runs/{run}/submissions/{submission}", data={"action": "accept"})

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk/sign-in")
    assert portal.counts() == before


def test_approving_an_extension_past_the_cycles_close_needs_a_confirmation(portal: Portal) -> None:
    run = run_id(portal)
    ask_extension(portal, "15/02/2017")  # the 2016 cycle closes in January
    path = f"/desk/runs/{run}/extensions"
    page = sign_in(portal, next_path=path)
    assert "Lưu ý: " in page.text
    (request,) = _extensions(portal)

    unconfirmed = post_form(portal, page, path, action="approve", confirm_past_close="")  # the box left unticked
    assert unconfirmed.status_code == 422
    assert "Vui lòng đánh dấu xác nhận" in unconfirmed.text
    assert _extensions(portal)[0].state is ExtensionState.PENDING

    confirmed = post_form(portal, page, path, action="approve", confirm_past_close="1", comment="Đồng ý.")
    assert confirmed.status_code == 303
    (decided,) = _extensions(portal)
    assert decided.state is ExtensionState.APPROVED
    assert decided.granted_until == date(2017, 2, 15)
    assert history_of(portal, "extension_request", request.id)[-1][:2] == ("approve", COORDINATOR)
    assert len(portal.outbox("extension")) == 1


def test_an_extension_within_the_cycle_is_approved_without_a_warning_or_denied(portal: Portal) -> None:
    run = run_id(portal)
    ask_extension(portal, "23/12/2016")  # the cycle closes on Monday 26/12
    path = f"/desk/runs/{run}/extensions"
    page = sign_in(portal, next_path=path)
    assert "Lưu ý: " not in page.text

    denied = post_form(portal, page, path, action="deny", comment="Đề nghị nộp đúng hạn.")

    assert denied.status_code == 303
    assert _extensions(portal)[0].state is ExtensionState.DENIED
    with portal.store.session() as session:
        assert session.get_one(TaskRun, portal.task_run_id).extended_until is None


def test_failed_emails_are_listed_first_with_the_servers_reason(portal: Portal) -> None:
    run = run_id(portal)
    fail_one_email(portal, "5.1.1 <vanthu@tuky.haiduong.example>: mailbox unavailable")
    page = sign_in(portal, next_path=f"/desk/runs/{run}/emails")

    assert page.status_code == 200
    failed_part = page.text.split('id="failed"')[1].split("<h2")[0]
    assert "mailbox unavailable" in failed_part
    assert 'class="badge">1<' in page.text  # the menu counts it


def test_the_history_page_lists_the_runs_moves(portal: Portal) -> None:
    run = run_id(portal)
    submitted(portal)
    page = sign_in(portal, next_path=f"/desk/runs/{run}/history")

    assert page.status_code == 200
    assert "Phiên bản báo cáo #" in page.text
    assert "đã gửi" in page.text


def test_the_report_page_links_to_the_consolidated_report_the_portal_serves(portal: Portal) -> None:
    run = run_id(portal)
    page = sign_in(portal, next_path=f"/desk/runs/{run}/reports/2016")

    assert page.status_code == 200
    link = next(part.split('"')[0] for part in page.text.split('href="')[1:] if "/bao-cao/" in part)
    assert portal.http.get(link).status_code == 200


def test_gets_change_nothing(portal: Portal) -> None:
    run = run_id(portal)
    ask_extension(portal, "23/12/2016")
    submission = submitted(portal)
    sign_in(portal)
    before = portal.counts()
    with portal.store.session() as session:
        outbox_before = [(row.id, row.state) for row in session.scalars(select(OutboxMessage))]

    for page in ("", "/extensions", "/forwards", "/emails", "/history", f"/submissions/{submission}"):
        assert portal.http.get(f"{portal.base_url}/desk/runs/{run}{page}").status_code == 200

    assert portal.counts() == before
    with portal.store.session() as session:
        assert [(row.id, row.state) for row in session.scalars(select(OutboxMessage))] == outbox_before
        assert session.get_one(Submission, submission).state is SubmissionState.SUBMITTED


def test_a_run_the_person_does_not_coordinate_is_not_found(portal: Portal) -> None:
    sign_in(portal)

    assert portal.http.get(f"{portal.base_url}/desk/runs/999").status_code == 404


def _extensions(portal: Portal) -> list[ExtensionRequest]:
    with portal.store.session() as session:
        return list(session.scalars(select(ExtensionRequest).order_by(ExtensionRequest.id)))


def test_a_forward_outside_the_agencys_domains_is_approved_from_the_desk(portal: Portal) -> None:
    run = run_id(portal)
    fields = form_fields(portal.open().text, "/forward")
    asked = portal.http.post(
        portal.url(suffix="/forward"), data={**fields, "name": "Trần Văn Bình", "email": "binh.tran@gmail.example"}
    )
    assert asked.status_code == 200, asked.text
    path = f"/desk/runs/{run}/forwards"
    page = sign_in(portal, next_path=path)
    assert "binh.tran@gmail.example" in page.text

    answer = post_form(portal, page, path, action="approve")

    assert answer.status_code == 303
    with portal.store.session() as session:
        link = session.scalars(select(ReplyLink).where(ReplyLink.guest_email == "binh.tran@gmail.example")).one()
        assert (link.approval, link.decided_by) == ("approved", COORDINATOR)
    assert len(portal.outbox("forwarded")) == 1
    assert "Không có yêu cầu chuyển tiếp nào chờ phê duyệt." in portal.http.get(f"{portal.base_url}{path}").text

"""Reports through links, as the engine sees them: links, drafts, versions, review, extensions, forwards."""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.attachments import IncomingFile
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ContactRecord, OutboxMessage, PlanRun, ReplyLink, Submission, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.extensions import decide_extension, request_extension
from sxsh_flow.engine.services.forwards import forward_task
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, issue_link, resolve, revoke_links
from sxsh_flow.engine.services.notices import Mailing, announce_start, queue_reminders
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.submissions import form_state, review_submission, save_report
from sxsh_flow.engine.states import SubmissionState, TaskRunState
from sxsh_flow.errors import InvalidRequest, ReportNotExpected
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

SIGNER = LinkSigner("s" * 48, "http://portal.example")
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)
REPORT = {
    "indicator.informed.numerator": "1.234",
    "indicator.informed.denominator": "1.500",
    "indicator.applying.numerator": "320",
    "indicator.applying.denominator": "1.500",
    "indicator.training_events.value": "4",
    "section.results": "Đã tổ chức 4 lớp tập huấn.",
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(parse_instant("2016-11-21T09:00"))


@pytest.fixture
def token(store: Store, clock: FixedClock) -> str:
    """The plan started in the 2016 cycle; the reply link of Tứ Kỳ's focal point for its district task."""
    now = clock.now()
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
        started = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=now, actor="t"
        )
        announce_start(session, session.get_one(PlanRun, started.run_id), now=now, mailing=MAILING, actor="t")
        task_run = session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY").order_by(TaskRun.id)
        ).first()
        assert task_run is not None
        contact = session.scalars(
            select(ContactRecord).where(ContactRecord.email == "sxsh@tuky.haiduong.example")
        ).one()
        return SIGNER.token(issue_link(session, task_run, contact, now=now, actor="t"))


def access(store: Store, token: str, clock: FixedClock) -> LinkAccess:
    with store.session() as session:
        found = resolve(session, SIGNER, token, now=clock.now())
    assert found is not None
    return found


def save(
    store: Store,
    token: str,
    clock: FixedClock,
    tmp_path: Path,
    data: dict[str, str],
    *,
    submit: bool,
    nonce: str = "n1",
    files: tuple[IncomingFile, ...] = (),
):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return save_report(
            session,
            access(store, token, clock),
            data,
            files,
            submit=submit,
            form_nonce=nonce,
            now=clock.now(),
            attachments_folder=tmp_path,
            mailing=MAILING,
        )


def task_state(store: Store, token: str, clock: FixedClock) -> TaskRunState:
    with store.session() as session:
        return session.get_one(TaskRun, access(store, token, clock).task_run_id).state


def kinds(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_the_kickoff_letter_of_an_open_task_carries_a_working_link(store: Store, token: str, clock: FixedClock) -> None:
    with store.session() as session:
        letter = session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == "kickoff:1:UBND-TUKY")).one()
    assert SIGNER.base_url + "/r/" in letter.raw.decode("ascii", "replace").replace("=\r\n", "")
    assert access(store, token, clock).agency_name == "Ủy ban nhân dân huyện Tứ Kỳ"


def test_a_draft_is_kept_and_prefills_the_form(store: Store, token: str, clock: FixedClock, tmp_path: Path) -> None:
    result = save(store, token, clock, tmp_path, {"section.results": "Đang tổng hợp"}, submit=False)
    assert not result.submitted
    with store.session() as session:
        state = form_state(session, access(store, token, clock))
    assert state.values == {"section.results": "Đang tổng hợp", "enterprises": []}
    assert state.versions[0].state is SubmissionState.DRAFT
    assert task_state(store, token, clock) is TaskRunState.OPEN


def test_a_submission_is_version_one_with_vietnamese_numbers_read(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    result = save(store, token, clock, tmp_path, REPORT, submit=True)
    assert result.submitted
    assert result.submission is not None
    assert (result.submission.version, result.submission.on_time) == (1, True)
    assert result.submission.values["indicator.informed.numerator"] == 1234
    assert task_state(store, token, clock) is TaskRunState.SUBMITTED
    assert kinds(store)[-1] == "receipt"


def test_a_second_press_of_the_same_form_stores_nothing_new(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    save(store, token, clock, tmp_path, REPORT, submit=True, nonce="same")
    again = save(store, token, clock, tmp_path, REPORT, submit=True, nonce="same")
    assert again.duplicate
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
    assert kinds(store).count("receipt") == 1


def test_a_submission_missing_a_required_field_is_kept_as_a_draft(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    partial = {k: v for k, v in REPORT.items() if k != "section.results"}
    result = save(store, token, clock, tmp_path, partial, submit=True)
    assert not result.submitted
    assert "section.results" in result.parsed.errors
    assert task_state(store, token, clock) is TaskRunState.OPEN


def test_a_ratio_numerator_above_its_denominator_is_refused(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    result = save(store, token, clock, tmp_path, {**REPORT, "indicator.informed.numerator": "2.000"}, submit=True)
    assert "indicator.informed.numerator" in result.parsed.errors


def test_once_submitted_the_task_is_no_longer_reminded(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    save(store, token, clock, tmp_path, REPORT, submit=True)
    with store.session() as session:
        reminders = queue_reminders(session, now=parse_instant("2016-12-01"), mailing=MAILING, actor="t")
    assert not [m for m in reminders.queued if ":UBND-TUKY:" in m.dedup_key]


def test_a_returned_report_gets_a_fresh_link_and_the_old_one_stops(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    first = save(store, token, clock, tmp_path, REPORT, submit=True).submission
    assert first is not None
    with store.session() as session:
        review_submission(
            session,
            first.id,
            accept=False,
            comment="Bổ sung số liệu",
            now=clock.now(),
            actor="c",
            mailing=MAILING,
            signer=SIGNER,
        )
    with store.session() as session:
        assert resolve(session, SIGNER, token, now=clock.now()) is None
        fresh = session.scalars(select(ReplyLink).where(ReplyLink.revoked_at.is_(None))).all()
        returned = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "returned")).one()
    body = email.message_from_bytes(returned.raw, policy=email.policy.default).get_body(("plain",))
    assert body is not None
    assert "Bổ sung số liệu" in body.get_content()
    new_token = SIGNER.token(next(link for link in fresh if link.task_run_id == first.task_run_id))
    assert task_state(store, new_token, clock) is TaskRunState.RETURNED
    second = save(store, new_token, clock, tmp_path, REPORT, submit=True, nonce="n2").submission
    assert second is not None
    assert second.version == 2
    with store.session() as session:
        review_submission(
            session, second.id, accept=True, comment="", now=clock.now(), actor="c", mailing=MAILING, signer=SIGNER
        )
        assert session.get_one(TaskRun, second.task_run_id).state is TaskRunState.ACCEPTED


def test_a_report_already_submitted_cannot_be_sent_again(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    save(store, token, clock, tmp_path, REPORT, submit=True)
    with pytest.raises(ReportNotExpected):
        save(store, token, clock, tmp_path, REPORT, submit=True, nonce="other")


def test_an_approved_extension_moves_the_deadline_and_the_reminders(
    store: Store, token: str, clock: FixedClock
) -> None:
    with store.session() as session:
        request = request_extension(
            session,
            access(store, token, clock),
            reason="Chờ số liệu xã",
            proposed_until=date(2017, 1, 6),
            now=clock.now(),
        )
        request_id = request.id
    with store.session() as session:
        decide_extension(
            session, request_id, approve=True, until=None, comment="Đồng ý", now=clock.now(), actor="c", mailing=MAILING
        )
        task_run = session.get_one(TaskRun, access(store, token, clock).task_run_id)
        assert task_run.effective_due_on == date(2017, 1, 6)
    assert kinds(store)[-1] == "extension"
    with store.session() as session:
        on_old_deadline = queue_reminders(session, now=parse_instant("2016-12-21"), mailing=MAILING, actor="t")
    tuky = [m for m in on_old_deadline.queued if ":UBND-TUKY:" in m.dedup_key]
    assert [m.kind for m in tuky] != ["due_today"]


def test_an_extension_must_move_the_deadline_later(store: Store, token: str, clock: FixedClock) -> None:
    with pytest.raises(InvalidRequest), store.session() as session:
        request_extension(
            session, access(store, token, clock), reason="x", proposed_until=date(2016, 12, 1), now=clock.now()
        )


def test_forwarding_gives_a_colleague_a_link_of_their_own(store: Store, token: str, clock: FixedClock) -> None:
    with store.session() as session:
        outcome = forward_task(
            session,
            access(store, token, clock),
            name="Nguyễn Thị Mới",
            email="moi@tuky.haiduong.example",
            ticket="ticket-1",
            now=clock.now(),
            mailing=MAILING,
            signer=SIGNER,
        )
        new_token = SIGNER.token(outcome.link)
    colleague = access(store, new_token, clock)
    assert colleague.contact_email == "moi@tuky.haiduong.example"
    assert colleague.contact_id is None  # a guest of this task, not a new contact of the agency
    assert kinds(store)[-1] == "forwarded"


def test_attachments_are_checked_by_content(store: Store, token: str, clock: FixedClock, tmp_path: Path) -> None:
    pdf = IncomingFile("bao-cao.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n")
    disguised = IncomingFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    result = save(store, token, clock, tmp_path, {"section.results": "x"}, submit=False, files=(pdf, disguised))
    assert result.submission is not None
    assert [a.filename for a in result.submission.attachments] == ["bao-cao.pdf"]
    assert "attachments" in result.parsed.errors
    assert len(list(tmp_path.glob("*/*"))) == 1


@pytest.mark.parametrize("case", ["tampered", "expired", "revoked", "retired"])
def test_a_link_that_does_not_work_resolves_to_nothing(store: Store, token: str, clock: FixedClock, case: str) -> None:
    probe = token
    with store.session() as session:
        if case == "tampered":
            probe = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        elif case == "expired":
            clock.advance(timedelta(days=400))
        elif case == "revoked":
            revoke_links(
                session, now=clock.now(), actor="c", reason="test", task_run_id=access(store, token, clock).task_run_id
            )
        else:
            contact = session.scalars(
                select(ContactRecord).where(ContactRecord.email == "sxsh@tuky.haiduong.example")
            ).one()
            contact.active = False
    with store.session() as session:
        assert resolve(session, SIGNER, probe, now=clock.now()) is None


def test_a_report_takes_ten_files_and_refuses_the_eleventh(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    files = tuple(
        IncomingFile(f"phu-luc-{n}.pdf", b"%%PDF-1.4\n%% appendix %d\ntrailer<<>>\n%%%%EOF\n" % n) for n in range(11)
    )
    result = save(store, token, clock, tmp_path, {"section.results": "x"}, submit=False, files=files)
    assert result.submission is not None
    assert len(result.submission.attachments) == 10
    assert "10" in result.parsed.errors["attachments"][1]
    assert len(list(tmp_path.glob("*/*"))) == 10

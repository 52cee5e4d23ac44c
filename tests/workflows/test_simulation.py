"""The simulation: agencies that behave like agencies, forms they fill correctly, and a repeatable run."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ScheduledRun, Submission
from sxsh_flow.engine.plan_file import load_plan_text
from sxsh_flow.engine.report_form import form_definition, parse_form
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.engine.states import ScheduledRunState, SubmissionState
from sxsh_flow.engine.time_policy import TimePolicy
from sxsh_flow.workflows import load_builtin_plan
from sxsh_flow.workflows.scheduler import Timetable
from sxsh_flow.workflows.simulated_agencies import Behaviour, answer_day, behaviour_of, form_data
from sxsh_flow.workflows.simulation import NUDGE_KINDS, Simulation, SimulationSummary

from .conftest import job_environment

PLAN = load_builtin_plan("plan-2016-2020")
TIME = TimePolicy()  # working days on the national calendar
DUE = date(2016, 12, 21)  # a Wednesday
OPENED = date(2016, 11, 21)
POLICY = ReminderPolicy(escalate_after=5)
PLAN_START = date(2016, 9, 1)
COVERS = (date(2015, 12, 15), date(2016, 12, 14))  # the 2016 cycle's cut-off period
# A plan file's own form, nothing like plan-2016-2020's: indicators the simulation has no typical
# figures for, a percentage, an amount and a day the agency must give.
OWN_FORM_PLAN = load_plan_text(
    """\
format: 1
key: plan-own-form
version: "1"
title: Kế hoạch thử biểu mẫu riêng
province: TN
lead: SCT
period: {first_year: 2021, last_year: 2022}
legal_basis: [{number: 889/QĐ-TTg, date: 2020-06-24, issuer: Thủ tướng Chính phủ}]
indicators:
  - {code: models_built, name: Mô hình được xây dựng, unit: mô hình, aggregation: sum}
  - {code: recycled_share, name: Tỷ lệ bao bì tái chế, unit: "%", aggregation: latest}
  - code: zones_informed
    name: Khu, cụm công nghiệp được phổ biến
    unit: "%"
    aggregation: ratio
    numerator: Số khu, cụm được phổ biến
    denominator: Tổng số khu, cụm
tasks:
  - key: sct-models
    title: Xây dựng mô hình sản xuất bền vững
    lead: SCT
    report:
      indicators: [models_built, recycled_share, zones_informed]
      sections: [results, next_tasks]
      enterprises: true
      fields:
        - {key: workshop_day, label: Ngày tổ chức hội nghị, type: date, required: true}
        - {key: pilot_day, label: Ngày thí điểm, type: date}
        - {key: counterpart, label: Vốn đối ứng, type: money, unit: đồng, required: true}
        - {key: participants_share, label: Tỷ lệ người tham gia, type: number, unit: "%", required: true}
        - {key: model_name, label: Tên mô hình, required: true}
""",
    "plan-own-form.yaml",
)


def test_an_agency_behaves_the_same_way_for_a_seed_and_most_are_on_time() -> None:
    agencies = [f"UBND-{n}" for n in range(400)]

    first = [behaviour_of(7, code, "2017") for code in agencies]
    again = [behaviour_of(7, code, "2017") for code in agencies]
    counts = Counter(first)

    assert first == again
    assert counts[Behaviour.ON_TIME] > 240
    assert all(counts[b] > 0 for b in Behaviour)
    assert first != [behaviour_of(8, code, "2017") for code in agencies]


@pytest.mark.parametrize("draw", range(30))
def test_an_on_time_agency_answers_after_the_opening_and_by_the_deadline(draw: int) -> None:
    day = answer_day(Behaviour.ON_TIME, random.Random(draw), opened_on=OPENED, due_on=DUE, policy=POLICY, time=TIME)

    assert day is not None
    assert OPENED < day <= DUE
    assert TIME.is_working_day(day)


@pytest.mark.parametrize("draw", range(30))
def test_a_late_agency_answers_after_the_deadline_but_before_its_head_is_told(draw: int) -> None:
    escalation = TIME.shift(DUE, POLICY.escalate_after)

    day = answer_day(Behaviour.LATE, random.Random(draw), opened_on=OPENED, due_on=DUE, policy=POLICY, time=TIME)

    assert day is not None
    assert DUE < day < escalation


@pytest.mark.parametrize("draw", range(30))
def test_some_agencies_answer_only_after_the_escalation_and_some_never(draw: int) -> None:
    escalation = TIME.shift(DUE, POLICY.escalate_after)
    rng = random.Random(draw)

    day = answer_day(Behaviour.AFTER_ESCALATION, rng, opened_on=OPENED, due_on=DUE, policy=POLICY, time=TIME)

    assert day is not None
    assert day > escalation
    assert answer_day(Behaviour.NEVER, rng, opened_on=OPENED, due_on=DUE, policy=POLICY, time=TIME) is None


@pytest.mark.parametrize("task", PLAN.spec.tasks, ids=lambda task: task.key)
def test_the_simulated_forms_are_complete_and_valid_for_every_task(task) -> None:  # type: ignore[no-untyped-def]
    definition = form_definition(PLAN.spec, task)
    for draw in range(20):
        data = form_data(definition, random.Random(draw), year_index=draw % 5, covers=COVERS)

        parsed = parse_form(definition, data, submitting=True)

        assert parsed.ok, parsed.errors
        for numerator, denominator in definition.ratios:
            assert 0 <= parsed.values[numerator] <= parsed.values[denominator]


@pytest.mark.parametrize("draw", range(40))
def test_the_simulated_form_of_a_plan_file_reads_only_the_form_the_plan_defines(draw: int) -> None:
    spec = OWN_FORM_PLAN.spec
    definition = form_definition(spec, spec.task("sct-models"))
    covers = (date(2020, 12, 15), date(2021, 12, 14))

    data = form_data(definition, random.Random(draw), year_index=draw % 2, covers=covers)
    parsed = parse_form(definition, data, submitting=True)

    assert parsed.ok, parsed.errors
    assert covers[0].isoformat() <= parsed.values["field.workshop_day"] <= covers[1].isoformat()
    assert "field.pilot_day" not in parsed.values  # an optional day is left blank
    assert 0 <= parsed.values["field.participants_share"] <= 100
    assert 0 <= parsed.values["indicator.recycled_share.value"] <= 100
    assert parsed.values["field.counterpart"] >= 0
    assert parsed.values["field.model_name"]
    [(numerator, denominator)] = definition.ratios
    assert 0 <= parsed.values[numerator] <= parsed.values[denominator]


def simulate(store: Store, outbox: Path, *, seed: int, until: date) -> SimulationSummary:
    simulation = Simulation(
        job_environment(store), PLAN, province="HD", seed=seed, attachments_folder=outbox, until=until
    )
    return simulation.run()


@pytest.mark.slow
def test_the_same_seed_gives_the_same_run_on_any_database(store: Store, tmp_path: Path) -> None:
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        first = simulate(store, tmp_path, seed=11, until=date(2017, 1, 10))
        second = simulate(other, tmp_path, seed=11, until=date(2017, 1, 10))
    finally:
        other.close()

    assert first.to_json() == second.to_json()
    [cycle] = first.cycles  # 2017's tasks open in November 2017
    assert cycle.label == "2016"
    assert cycle.expected == 26
    # By 10/01/2017 the 2016 deadline is weeks past: every report is on time, late or missing.
    assert cycle.on_time + cycle.late + cycle.missing == cycle.expected
    assert cycle.on_time_rate == round(100 * cycle.on_time / 26, 1)
    # An agency that missed any task is named once, however many it missed.
    assert len(cycle.never_reported) <= cycle.missing
    assert bool(cycle.never_reported) == bool(cycle.missing)
    # The cycle's nudges are the reminders, deadline-day and overdue notices and escalations sent.
    assert cycle.nudges_sent == sum(first.messages_sent.get(kind, 0) for kind in NUDGE_KINDS) > 0
    assert first.messages_sent["kickoff"] == first.messages_sent["request"] == 18  # one of each per agency
    assert first.messages_sent["receipt"] == first.submissions == cycle.on_time + cycle.late + first.returned


@pytest.mark.slow
def test_a_simulated_cycle_closes_and_every_report_is_reviewed(store: Store, tmp_path: Path) -> None:
    until = date(2017, 2, 1)
    summary = simulate(store, tmp_path, seed=3, until=until)

    assert summary.messages_sent.get("cycle_closed") == 1
    [cycle] = summary.cycles
    assert cycle.on_time + cycle.late == cycle.expected - cycle.missing > 0
    with store.session() as session:
        states = Counter(session.scalars(select(Submission._state)))
        ledger = set(session.execute(select(ScheduledRun.job, ScheduledRun.slot, ScheduledRun._state)).tuples())
    # The coordinator accepted or returned everything that came in; each return brought a new version.
    assert states == {
        SubmissionState.ACCEPTED: summary.submissions - summary.returned,
        SubmissionState.RETURNED: summary.returned,
    }
    # The scheduler's ledger holds each day's jobs once, all done: open and close every day, the
    # sweep on working days, the digest on working Mondays. Slots from before the simulated world
    # began were never owed: none is recorded, not even as skipped.
    timetable = Timetable(calendar=TIME.calendar)
    days = [PLAN_START + timedelta(days=n) for n in range((until - PLAN_START).days + 1)]
    expected = {(job, day.isoformat(), ScheduledRunState.DONE) for day in days for job in timetable.jobs_on(day)}
    assert ledger == expected

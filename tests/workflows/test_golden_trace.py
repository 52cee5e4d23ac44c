"""The golden trace of plan-2016-2020: every email of the five simulated years, as checked in.

``sxsh-flow simulate plan-2016-2020 --seed 2016`` is run in-process (memory transport, a SQLite
file) and each email it leaves in the outbox becomes one line of ``tests/golden/plan-2016-2020.trace``:

    <day sent> <kind> to=<addresses> cc=<addresses> | <subject>

sorted, so that any change to who is told what, and when, shows as a readable diff of that file.
A message queued but never sent (a reminder cancelled because the report came in first) has the
day it was queued and its state: ``2016-12-14 reminder [cancelled] to=...``.

When a change is meant (a new reminder, other wording, another day), regenerate the file and
review its diff before committing it:

    SXSH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/workflows/test_golden_trace.py
    git diff tests/golden/plan-2016-2020.trace
"""

from __future__ import annotations

import difflib
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.notifications.transports import MemoryTransport
from sxsh_flow.workflows import load_builtin_plan
from sxsh_flow.workflows.simulation import Simulation

from .conftest import job_environment

PLAN_KEY = "plan-2016-2020"
SEED = 2016  # the seed `sxsh-flow simulate` uses when none is given
TESTS = Path(__file__).parent.parent
GOLDEN = TESTS / "golden" / f"{PLAN_KEY}.trace"
UPDATE = "SXSH_UPDATE_GOLDEN"
SHOWN_DIFF_LINES = 60


def trace_line(message: OutboxMessage) -> str:
    sent = message.state is OutboxState.SENT
    day = (message.sent_at if sent and message.sent_at else message.queued_at).astimezone(VIETNAM).date()
    state = "" if sent else f" [{message.state.value}]"
    to = ",".join(address["email"] for address in message.to)
    cc = ",".join(address["email"] for address in message.cc)
    return f"{day.isoformat()} {message.kind}{state} to={to} cc={cc} | {message.subject}"


def simulated_trace(folder: Path) -> list[str]:
    """The trace lines of a whole run of the built-in plan with ``SEED``, in a fresh database."""
    transport = MemoryTransport()
    with Store(f"sqlite:///{folder / 'golden.db'}") as store:
        simulation = Simulation(
            job_environment(store, transport),
            load_builtin_plan(PLAN_KEY),
            province="HD",
            seed=SEED,
            attachments_folder=folder / "attachments",
        )
        summary = simulation.run()
        with store.session() as session:
            lines = sorted(trace_line(message) for message in session.scalars(select(OutboxMessage)))
    # The trace is what was emailed: the outbox and the wire agree on every message sent.
    assert sum(summary.messages_sent.values()) == len(transport.sent)
    assert len(transport.sent) == sum(" [" not in line.partition(" | ")[0] for line in lines)
    return lines


def mismatch(expected: list[str], actual: list[str]) -> str:
    diff = list(
        difflib.unified_diff(expected, actual, str(GOLDEN.relative_to(TESTS.parent)), "this run", n=1, lineterm="")
    )
    shown = "\n".join(diff[:SHOWN_DIFF_LINES])
    more = f"\n... {len(diff) - SHOWN_DIFF_LINES} more diff lines" if len(diff) > SHOWN_DIFF_LINES else ""
    return (
        f"The emails of {PLAN_KEY} (seed {SEED}) differ from the golden trace "
        f"({len(expected)} expected, {len(actual)} now):\n{shown}{more}\n"
        f"If the change is meant: {UPDATE}=1 .venv/bin/python -m pytest tests/workflows/test_golden_trace.py "
        "and review the diff of the trace."
    )


@pytest.mark.slow
def test_the_emails_of_the_built_in_plan_are_those_of_the_golden_trace(tmp_path: Path) -> None:
    actual = simulated_trace(tmp_path)

    if os.environ.get(UPDATE) == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text("\n".join(actual) + "\n", encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()

    if actual != expected:
        pytest.fail(mismatch(expected, actual), pytrace=False)  # the diff alone, not pytest's list comparison
    # The trace spans the plan: the kickoff on its first day, then five cycles closed, the last in 2020.
    assert actual[0].startswith(f"{date(2016, 9, 1).isoformat()} kickoff ")
    closings = [line.split()[0] for line in actual if line.split()[1] == "cycle_closed"]
    assert [day[:4] for day in closings] == ["2016", "2017", "2018", "2019", "2020"]

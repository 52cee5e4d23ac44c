"""``start plan-2021-2030`` on the plain system clock, in a fresh data folder, as a coordinator today.

Nothing fixes the clock: the run starts on whatever day the suite runs. The plan was Hải Dương's;
since 01/07/2025 Hải Phòng holds it, so every duty from today on is a Hải Phòng agency's, the cycles
that closed before today are recorded as not collected, and the cycle open today (if one is) is
asked for at once.
"""

from __future__ import annotations

import json
from datetime import date

from sxsh_flow.engine.clock import SystemClock, local_date

from .conftest import Home


def test_start_today_hands_the_plan_to_hai_phong_and_queues_what_is_due_now(home: Home) -> None:
    today = local_date(SystemClock().now())

    done = home.run("start", "plan-2021-2030", "--json", "--no-send")

    assert done.code == 0, done.err
    document = json.loads(done.out)
    started = document["started"]
    assert started["province"] == "HD"
    assert started["held_by"] == "HP"
    past = [str(year) for year in range(2021, today.year)]
    assert set(past) <= set(started["skipped_cycles"])
    assert document["queued_messages"] > 0  # kickoff letters to today's agencies at least

    status = json.loads(home.run("status", "--json").out)["runs"][0]
    live = [t for t in status["task_runs"] if date.fromisoformat(t["due_on"]) >= today]
    agencies = {
        a["code"]: a for a in json.loads(home.run("agencies", "list", "--json", "--province", "HP").out)["agencies"]
    }
    assert live
    assert all(t["agency_code"] in agencies for t in live)  # no Hải Dương agency holds a duty from today on
    cycles = {c["label"]: c for c in status["cycles"]}
    assert all(cycles[label]["state"] == "not_collected" for label in past)
    open_now = [
        c for c in status["cycles"] if date.fromisoformat(c["opens_on"]) <= today <= date.fromisoformat(c["due_on"])
    ]
    if open_now:  # from late November to the deadline the year's requests go out with the kickoff
        assert document["opened_task_runs"] > 0

"""Plan factories shared by the workflows tests: a minimal valid plan as data, and its YAML text.

Tests take a fresh copy of the plan, change what they are about, and dump it. Collections that
hold only scalars are written in flow style (``lead: [SCT]``, ``target: {min: 90}``), as the
built-in plans write them, so each such value sits on the line of its key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
import yaml

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.notifications.transports import MemoryTransport
from sxsh_flow.workflows.jobs import JobEnvironment

PlanData = dict[str, Any]

MINIMAL_PLAN: PlanData = {
    "format": 1,
    "key": "demo-plan",
    "version": "2016.1",
    "title": "Kế hoạch thực hiện Chiến lược sản xuất sạch hơn (thử)",
    "province": "HD",
    "lead": "SCT",
    "period": {"first_year": 2016, "last_year": 2020},
    "legal_basis": [{"number": "1419/QĐ-TTg", "date": date(2009, 9, 7), "issuer": "Thủ tướng Chính phủ"}],
    "indicators": [
        {
            "code": "informed",
            "name": "Cơ sở được tuyên truyền về SXSH",
            "unit": "%",
            "aggregation": "ratio",
            "numerator": "Số cơ sở được tuyên truyền",
            "denominator": "Số cơ sở có tiềm năng",
            "target": {"min": 90},
        },
        {"code": "leaflets", "name": "Tờ rơi được phát hành", "unit": "tờ", "aggregation": "sum"},
    ],
    "tasks": [
        {
            "key": "dissemination",
            "title": "Tuyên truyền, phổ biến về SXSH",
            "lead": ["SCT"],
            "partners": ["BQLKCN"],
            "report": {"indicators": ["informed", "leaflets"]},
        },
        {"key": "district-report", "title": "Báo cáo của UBND cấp huyện", "lead": ["kind:district"]},
    ],
}


def dump_plan(data: PlanData, *, block_style: bool = False) -> str:
    return yaml.safe_dump(
        data,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False if block_style else None,
    )


@pytest.fixture
def plan() -> PlanData:
    """A minimal valid plan: two indicators, two tasks; a fresh copy for each test."""
    return copy.deepcopy(MINIMAL_PLAN)


@pytest.fixture
def plan_text() -> Callable[..., str]:
    """Turns plan data into YAML text: ``plan_text(data)`` or ``plan_text(data, block_style=True)``."""
    return dump_plan


# --- Jobs, the scheduler and the simulation run against a real store with plan-2016-2020 started.

TEST_SECRET = "a test secret key that is long enough to sign links"


def start_plan_on(store: Store, day: date) -> int:
    """plan-2016-2020 started for Hải Dương (sample directory) at 08:00 on ``day``; its run id."""
    from sxsh_flow.engine.services.mailing import Mailing
    from sxsh_flow.engine.services.start import start_and_announce
    from sxsh_flow.workflows import load_builtin_plan

    at = datetime.combine(day, time(8, 0), tzinfo=VIETNAM)
    with store.session() as session:
        begun = start_and_announce(
            session, load_builtin_plan("plan-2016-2020"), "HD", now=at, mailing=Mailing(), actor="test"
        )
        return begun.started.run_id


def job_environment(store: Store, transport: MemoryTransport | None = None) -> JobEnvironment:
    """Jobs writing Vietnamese mail with reply links, sent to ``transport`` (memory), no report files."""
    from sxsh_flow.engine.services.links import LinkSigner
    from sxsh_flow.engine.services.mailing import Mailing

    sent_to = transport or MemoryTransport()
    return JobEnvironment(
        store=store,
        mailing=Mailing(signer=LinkSigner(TEST_SECRET, "https://sxsh.haiduong.example")),
        transport_factory=lambda: sent_to,
    )

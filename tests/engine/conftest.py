"""Plan factories shared by the engine tests: a minimal valid plan as data, and its YAML text.

Tests take a fresh copy of the plan, change what they are about, and dump it. Collections that
hold only scalars are written in flow style (``lead: [SCT]``, ``target: {min: 90}``), as the
built-in plans write them, so each such value sits on the line of its key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml

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

"""Simulated agencies: when each answers a request to report, and what it writes.

Each agency's behaviour in a cycle is drawn from a random generator seeded with (seed, agency,
cycle): most answer on time, some late, some only after the escalation to their head, a few
never. Days are counted by the run's time policy, as its reminders count them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum

from sxsh_flow.engine.report_form import PARTICIPATION, FieldDef, FormDefinition
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.engine.time_policy import TimePolicy


class Behaviour(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # a few working days after the deadline, before the head hears
    AFTER_ESCALATION = "after_escalation"  # only once the head has been told
    NEVER = "never"


# How agencies behave in a cycle, as a coordinator would describe them: most on time.
BEHAVIOUR_WEIGHTS: Mapping[Behaviour, int] = {
    Behaviour.ON_TIME: 72,
    Behaviour.LATE: 13,
    Behaviour.AFTER_ESCALATION: 9,
    Behaviour.NEVER: 6,
}
RETURN_RATE = 0.05  # of first versions the coordinator sends back with a comment


def behaviour_of(seed: int, agency_code: str, cycle_label: str) -> Behaviour:
    """An agency behaves the same way for every task of a cycle (one person writes its reports)."""
    rng = random.Random(f"{seed}:behaviour:{agency_code}:{cycle_label}")
    return rng.choices(list(BEHAVIOUR_WEIGHTS), weights=list(BEHAVIOUR_WEIGHTS.values()))[0]


def answer_day(
    behaviour: Behaviour,
    rng: random.Random,
    *,
    opened_on: date,
    due_on: date,
    policy: ReminderPolicy,
    time: TimePolicy,
) -> date | None:
    """The working day an agency of ``behaviour`` answers a task opened on ``opened_on``.

    Late answers come a number of days after the deadline counted as the reminder rules count them
    (``time``), so "before the head hears" means before the escalation the policy sends.
    """
    if behaviour is Behaviour.NEVER:
        return None
    calendar = time.calendar
    if behaviour is Behaviour.ON_TIME:
        day = calendar.add_working_days(due_on, -rng.randint(0, 12))
        return max(day, calendar.add_working_days(opened_on, 1))
    if behaviour is Behaviour.LATE:
        late = time.shift(due_on, rng.randint(1, max(1, policy.escalate_after - 1)))
    else:
        late = time.shift(due_on, policy.escalate_after + rng.randint(1, 3))
    return calendar.next_working_day(late)


# What agencies write. Short, plausible, and in Vietnamese, so the report reads like one.
RESULTS = (
    "Đã tổ chức tuyên truyền, phổ biến về sản xuất sạch hơn đến các cơ sở sản xuất trên địa bàn.",
    "Phối hợp với Sở Công Thương hướng dẫn doanh nghiệp đánh giá nhanh sản xuất sạch hơn.",
    "Lồng ghép nội dung sản xuất sạch hơn vào các hội nghị, lớp tập huấn của đơn vị.",
)
DIFFICULTIES = (
    "Kinh phí hỗ trợ còn hạn chế so với nhu cầu của doanh nghiệp.",
    "Doanh nghiệp nhỏ và vừa chưa quan tâm đúng mức đến sản xuất sạch hơn.",
    "Thiếu cán bộ chuyên trách có chuyên môn về sản xuất sạch hơn.",
    "Việc thu thập số liệu tiết kiệm năng lượng tại cơ sở còn khó khăn.",
)
RECOMMENDATIONS = (
    "Đề nghị UBND tỉnh bố trí thêm kinh phí khuyến công cho hoạt động sản xuất sạch hơn.",
    "Đề nghị Bộ Công Thương tổ chức thêm các lớp đào tạo cán bộ chuyên trách.",
    "Đề nghị tăng cường phối hợp giữa các sở, ngành trong hỗ trợ doanh nghiệp.",
)
NEXT_TASKS = (
    "Tiếp tục hỗ trợ doanh nghiệp đánh giá chi tiết và áp dụng giải pháp sản xuất sạch hơn.",
    "Nhân rộng các mô hình sản xuất sạch hơn điển hình trên địa bàn.",
)
SECTION_TEXTS = {
    "section.results": RESULTS,
    "section.difficulties": DIFFICULTIES,
    "section.recommendations": RECOMMENDATIONS,
    "section.next_tasks": NEXT_TASKS,
}
ENTERPRISE_NAMES = (
    "Công ty TNHH Gốm sứ Hải Dương",
    "Công ty CP Thép Việt Nhật",
    "Công ty TNHH May mặc Thanh Hà",
    "Công ty CP Chế biến nông sản Cẩm Giàng",
    "Công ty TNHH Bao bì Kinh Môn",
    "Công ty CP Xi măng Phúc Sơn",
    "Công ty TNHH Điện tử Nam Sách",
    "Công ty CP Thực phẩm Gia Lộc",
)
SECTORS = ("Sản xuất vật liệu xây dựng", "Dệt may", "Chế biến thực phẩm", "Cơ khí", "Điện tử", "Hóa chất")
# Per ratio indicator: (lowest, highest) share of the denominator reported in the first year; it grows.
RATIO_SHARES = {"informed": (0.55, 0.85), "applying": (0.2, 0.45), "saving": (0.06, 0.12), "officers_trained": (0.6, 1)}
SUM_RANGES = {"quick_assessments": (0, 4), "detailed_assessments": (0, 2), "training_events": (1, 5)}


def form_data(
    definition: FormDefinition, rng: random.Random, *, year_index: int, covers: tuple[date, date]
) -> dict[str, str]:
    """A filled form, as the browser would post it (strings), for the ``year_index``-th year of a plan,
    reporting on the days ``covers`` (the cycle's cut-off period, first and last day).

    It reads only the form, which the plan defines: indicators it has no typical figures for get
    generic ones, and every figure stays within what its field accepts.
    """
    data: dict[str, str] = {}
    ratios = dict(definition.ratios)
    denominators = {denominator for _, denominator in definition.ratios}
    for spec_field in definition.fields:
        key = spec_field.key
        if key in denominators:
            continue
        if key in ratios:
            code = key.split(".")[1]
            low, high = RATIO_SHARES.get(code, (0.3, 0.8))
            total = rng.randint(1000, 5000) if code == "saving" else rng.randint(20, 300)
            # Coverage grows year by year as the plan takes hold; the saving rate per product does not.
            growth = 0.0 if code == "saving" else 0.04 * year_index
            share = min(1.0, rng.uniform(low, high) + growth)
            data[key], data[ratios[key]] = str(round(total * share)), str(total)
        else:
            data[key] = _value(spec_field, rng, covers)
    if definition.enterprises:
        for index in range(rng.randint(0, 3)):
            data[f"enterprise.{index}.name"] = rng.choice(ENTERPRISE_NAMES)
            data[f"enterprise.{index}.sector"] = rng.choice(SECTORS)
            data[f"enterprise.{index}.participation"] = rng.choice(PARTICIPATION)[0]
    return data


def _value(spec_field: FieldDef, rng: random.Random, covers: tuple[date, date]) -> str:
    key = spec_field.key
    if key in SECTION_TEXTS:
        return " ".join(rng.sample(SECTION_TEXTS[key], k=min(2, len(SECTION_TEXTS[key]))))
    if spec_field.kind == "date":
        # Optional dates are left blank, as most agencies leave them; a required one is a day reported on.
        if not spec_field.required:
            return ""
        first, last = covers
        return (first + timedelta(days=rng.randint(0, (last - first).days))).strftime("%d/%m/%Y")
    if spec_field.bound is None:
        return rng.choice(RESULTS)
    return str(min(_figure(spec_field, rng), int(spec_field.bound.maximum)))


def _figure(spec_field: FieldDef, rng: random.Random) -> int:
    key = spec_field.key
    if spec_field.group == "funding":
        # Most units spend from one or two sources; amounts in hundreds of thousands of đồng.
        if rng.random() < 0.6:
            return 0
        return rng.randint(5, 3000) * 100_000
    if spec_field.kind == "money":  # a plan's own amount, e.g. an enterprise's counterpart share
        return rng.randint(5, 3000) * 100_000
    if spec_field.unit.strip() == "%":  # a level a plan file states as a percentage
        return rng.randint(10, 95)
    if spec_field.group == "indicators":
        code = key.split(".")[1]
        if code == "leaflets":
            return rng.randint(2, 30) * 100
        low, high = SUM_RANGES.get(code, (0, 10))
        return rng.randint(low, high)
    return rng.randint(20, 200) if "participants" in key else rng.randint(0, 8)

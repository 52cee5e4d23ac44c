"""How reported figures become the consolidated report: verdicts, sums over sums, funding, late units.

Pure: every case builds ``Duty`` values by hand (what the service reads from the database) and checks
what the report would say.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from sxsh_flow.engine.spec import PlanSpec, Target
from sxsh_flow.reports.model import (
    Attainment,
    ConsolidatedReport,
    DocumentHeader,
    FundingRow,
    IndicatorResult,
    figures,
    percentage,
)
from sxsh_flow.reports.sums import (
    Duty,
    enterprises,
    funding,
    indicator_results,
    late_units,
    texts,
    timeliness,
    work_volume,
)
from sxsh_flow.reports.verdicts import assess, judge
from sxsh_flow.workflows import load_builtin_plan

SPEC = load_builtin_plan("plan-2016-2020").spec
DUE_2017 = date(2017, 12, 21)


def duty(
    agency: str = "SCT",
    values: dict[str, Any] | None = None,
    *,
    task: str = "district-implementation",
    cycle: str = "2017",
    submitted_on: date | None = date(2017, 12, 20),
    due_on: date = DUE_2017,
    name: str | None = None,
) -> Duty:
    return Duty(
        cycle_label=cycle,
        year=int(cycle[:4]),
        task_key=task,
        task_title=SPEC.task(task).title if task in {t.key for t in SPEC.tasks} else task,
        agency_code=agency,
        agency_name=name or f"Cơ quan {agency}",
        due_on=due_on,
        submitted_on=submitted_on,
        values=values,
    )


def result(results: tuple[IndicatorResult, ...], code: str) -> IndicatorResult:
    return next(r for r in results if r.code == code)


# --- verdicts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "verdict"),
    [
        ("89.9", Target(min=90), Attainment.BELOW),
        ("90", Target(min=90), Attainment.MET),
        ("100", Target(min=90), Attainment.MET),
        ("7.9", Target(min=8, max=13), Attainment.BELOW),
        ("8", Target(min=8, max=13), Attainment.MET),
        ("13", Target(min=8, max=13), Attainment.MET),
        ("13.1", Target(min=8, max=13), Attainment.ABOVE),
        ("15", Target(min=8, max=13), Attainment.ABOVE),  # over the range is not "met"
        ("5", Target(max=5), Attainment.MET),
        ("6", Target(max=5), Attainment.ABOVE),
        (None, Target(min=90), Attainment.NO_DATA),
        ("42", None, Attainment.NO_TARGET),
    ],
)
def test_a_value_is_judged_against_its_minimum_maximum_or_range(
    value: str | None, target: Target | None, verdict: Attainment
) -> None:
    assert judge(None if value is None else Decimal(value), target) is verdict


def test_a_plan_wide_total_is_in_progress_in_a_single_year_even_when_that_year_reached_it() -> None:
    quick = SPEC.indicator("quick_assessments")  # at least 15 over 2016–2020
    assert assess(quick, Decimal(20), cumulative=False, final=False) is Attainment.IN_PROGRESS
    assert assess(quick, Decimal(20), cumulative=False, final=True) is Attainment.IN_PROGRESS


def test_a_cumulative_report_calls_a_total_met_once_reached_and_below_only_when_the_plan_is_over() -> None:
    quick = SPEC.indicator("quick_assessments")
    assert assess(quick, Decimal(15), cumulative=True, final=False) is Attainment.MET
    assert assess(quick, Decimal(9), cumulative=True, final=False) is Attainment.IN_PROGRESS
    assert assess(quick, Decimal(9), cumulative=True, final=True) is Attainment.BELOW


def test_a_ratio_is_judged_in_every_report() -> None:
    informed = SPEC.indicator("informed")
    assert assess(informed, Decimal("75.0"), cumulative=False, final=False) is Attainment.BELOW
    saving = SPEC.indicator("saving")
    assert assess(saving, Decimal("15.0"), cumulative=False, final=False) is Attainment.ABOVE


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [(1, 3, "33.3"), (2, 3, "66.7"), (1234, 1500, "82.3"), (1, 8, "12.5"), (0, 5, "0.0"), (3, 0, None)],
)
def test_a_percentage_is_rounded_half_up_to_one_place_and_undefined_over_zero(
    numerator: int, denominator: int, percent: str | None
) -> None:
    assert percentage(numerator, denominator) == (None if percent is None else Decimal(percent))


# --- indicators --------------------------------------------------------------------------------


def test_a_ratio_for_the_province_is_the_sum_of_numerators_over_the_sum_of_denominators() -> None:
    duties = [
        duty("UBND-TUKY", {"indicator.informed.numerator": 90, "indicator.informed.denominator": 100}),
        duty("UBND-THANHHA", {"indicator.informed.numerator": 10, "indicator.informed.denominator": 900}),
    ]
    informed = result(indicator_results(SPEC, duties, cumulative=False, final=False), "informed")
    # The average of 90% and 1,1% would be 45,6%: wrong, the second district has nine times the facilities.
    assert (informed.province.numerator, informed.province.denominator) == (100, 1000)
    assert informed.province.value == Decimal("10.0")
    assert informed.attainment is Attainment.BELOW
    assert [(a.agency_code, a.figure.value) for a in informed.by_agency] == [
        ("UBND-TUKY", Decimal("90.0")),
        ("UBND-THANHHA", Decimal("1.1")),
    ]


def test_one_agency_reporting_a_ratio_in_two_tasks_is_summed_into_one_row() -> None:
    duties = [
        duty(
            "SCT", {"indicator.informed.numerator": 40, "indicator.informed.denominator": 50}, task="sct-dissemination"
        ),
        duty(
            "SCT",
            {"indicator.informed.numerator": 5, "indicator.informed.denominator": 50},
            task="sct-dissemination",
            cycle="2016",
        ),
    ]
    informed = result(indicator_results(SPEC, duties, cumulative=True, final=False, years=2), "informed")
    assert [(a.agency_code, a.figure.numerator, a.figure.denominator) for a in informed.by_agency] == [("SCT", 45, 100)]


def test_an_indicator_nobody_reported_has_no_data_and_a_zero_denominator_gives_no_value() -> None:
    duties = [duty("UBND-TUKY", {"indicator.applying.numerator": 0, "indicator.applying.denominator": 0})]
    results = indicator_results(SPEC, duties, cumulative=False, final=False)
    assert result(results, "informed").attainment is Attainment.NO_DATA
    assert result(results, "informed").province.value is None
    assert result(results, "applying").attainment is Attainment.NO_DATA


def test_counts_add_up_and_a_count_without_target_is_marked_so() -> None:
    duties = [
        duty("SCT", {"indicator.quick_assessments.value": 6}, task="sct-technical-support"),
        duty("BQLKCN", {"indicator.quick_assessments.value": 4.0}, task="sct-technical-support"),
        duty("UBND-TUKY", {"indicator.training_events.value": 8.5}),
    ]
    results = indicator_results(SPEC, duties, cumulative=False, final=False)
    assert result(results, "quick_assessments").province.value == Decimal(10)
    assert result(results, "quick_assessments").attainment is Attainment.IN_PROGRESS
    assert result(results, "training_events").province.value == Decimal("8.5")
    assert result(results, "training_events").attainment is Attainment.NO_TARGET


def test_reports_whose_figures_do_not_count_are_left_out_of_every_figure() -> None:
    duties = [
        duty("UBND-TUKY", None, submitted_on=None),
        duty("UBND-THANHHA", {"indicator.informed.numerator": 9, "indicator.informed.denominator": 10}),
    ]
    informed = result(indicator_results(SPEC, duties, cumulative=False, final=False), "informed")
    assert informed.province.value == Decimal("90.0")
    assert informed.attainment is Attainment.MET


def small_plan(**indicator: Any) -> PlanSpec:
    return PlanSpec.model_validate(
        {
            "format": 1,
            "key": "small",
            "version": "1",
            "title": "Kế hoạch thử",
            "province": "HD",
            "lead": "SCT",
            "period": {"first_year": 2016, "last_year": 2020},
            "legal_basis": [{"number": "1419/QĐ-TTg", "date": "2009-09-07", "issuer": "Thủ tướng Chính phủ"}],
            "indicators": [{"code": "x", "name": "Chỉ số", "unit": "cơ sở", **indicator}],
            "tasks": [{"key": "t", "title": "Nhiệm vụ", "lead": "SCT", "report": {"indicators": ["x"]}}],
        }
    )


def test_a_level_takes_each_agencys_latest_report_and_adds_the_agencies() -> None:
    plan = small_plan(aggregation="latest")
    duties = [
        duty("SCT", {"indicator.x.value": 10}, task="t", cycle="2016"),
        duty("SCT", {"indicator.x.value": 12}, task="t", cycle="2017"),
        duty("SKHCN", {"indicator.x.value": 3}, task="t", cycle="2016"),
    ]
    x = indicator_results(plan, duties, cumulative=True, final=False, years=2)[0]
    assert x.province.value == Decimal(15)


def test_an_annual_total_over_several_years_is_judged_against_the_yearly_target_times_the_years() -> None:
    plan = small_plan(aggregation="sum", target={"min": 10, "scope": "annual"})
    duties = [duty("SCT", {"indicator.x.value": 12}, task="t", cycle=str(y)) for y in (2016, 2017)]
    x = indicator_results(plan, duties, cumulative=True, final=False, years=2)[0]
    assert (x.target_min, x.province.value, x.attainment) == (20, Decimal(24), Attainment.MET)
    single = indicator_results(plan, duties[:1], cumulative=False, final=False)[0]
    assert (single.target_min, single.attainment) == (10, Attainment.MET)


# --- work volume, funding, texts ------------------------------------------------------------------


def test_the_work_volume_table_holds_counts_without_target_and_the_integer_fields_of_tasks() -> None:
    duties = [
        duty("UBND-TUKY", {"indicator.training_events.value": 4}, cycle="2016"),
        duty("UBND-THANHHA", {"indicator.training_events.value": 2}, cycle="2017"),
        duty("SCT", {"field.tours": 2, "field.participants": 0}, task="sct-study-tours", cycle="2017"),
        duty("SCT", {"field.inspections": 3, "field.violations": 1}, task="sct-inspection", cycle="2016"),
    ]
    rows = {row.activity: row for row in work_volume(SPEC, duties)}
    training = rows["Lớp tập huấn, hội thảo, tọa đàm về SXSH"]
    assert (training.unit, training.quantity, training.years) == ("lớp", Decimal(6), (2016, 2017))
    assert (rows["Số đoàn tham quan, khảo sát"].quantity, rows["Số đoàn tham quan, khảo sát"].unit) == (2, "đoàn")
    assert rows["Số cuộc kiểm tra"].years == (2016,)
    assert rows["Số lượt người tham gia"].years == ()  # reported as zero: shown, with no year
    assert "Doanh nghiệp được đánh giá nhanh về SXSH" not in rows  # it has a target: the indicator table's
    assert "Tờ rơi, tài liệu hướng dẫn SXSH được phát hành" not in rows  # nobody reported it


def test_funding_has_a_row_per_agency_and_the_province_total_by_source() -> None:
    duties = [
        duty("SCT", {"funding.central_budget": 123_000_000, "funding.local_budget": 500_000_000}),
        duty("SCT", {"funding.local_budget": 300_000_000}, task="sct-study-tours"),
        duty("UBND-TUKY", {"funding.local_budget": 100_600_000, "funding.enterprise_counterpart": 0}),
        duty("STC", {"section.results": "Đã thẩm định."}),  # no funding reported: no row
    ]
    rows, total = funding(duties)
    assert [row.label for row in rows] == ["Cơ quan SCT", "Cơ quan UBND-TUKY"]
    assert rows[0].by_source == {
        "central_budget": 123_000_000,
        "local_budget": 800_000_000,
        "industrial_extension": 0,
        "international": 0,
        "enterprise_counterpart": 0,
    }
    assert (total.label, total.total, total.state_budget) == ("Tổng cộng", 1_023_600_000, 1_023_600_000)
    assert total.by_source["local_budget"] == 900_600_000
    assert total.total == sum(row.total for row in rows)


def test_no_funding_at_all_gives_a_zero_total_with_every_source() -> None:
    rows, total = funding([duty("SCT", None)], total_label="Total")
    assert rows == ()
    assert total == FundingRow("Total", dict.fromkeys(total.by_source, 0))
    assert len(total.by_source) == 5


def test_texts_are_grouped_by_section_in_the_forms_order_and_blank_ones_are_dropped() -> None:
    duties = [
        duty("SCT", {"section.difficulties": "Thiếu cán bộ.", "section.results": "Đã tập huấn 2 lớp."}),
        duty("UBND-TUKY", {"section.results": "  ", "section.recommendations": "Bổ sung kinh phí."}),
    ]
    grouped = texts(duties)
    assert list(grouped) == ["results", "difficulties", "recommendations"]
    assert [t.agency_code for t in grouped["results"]] == ["SCT"]
    assert grouped["recommendations"][0].text == "Bổ sung kinh phí."
    assert grouped["difficulties"][0].cycle_label == "2017"


# --- reporting discipline ----------------------------------------------------------------------


def test_late_and_missing_units_are_listed_and_units_not_yet_due_are_not() -> None:
    duties = [
        duty("SCT", {}, submitted_on=date(2017, 12, 21)),  # on the deadline: on time
        duty("SKHCN", {}, submitted_on=date(2017, 12, 27)),  # four working days late (six calendar days)
        duty("STC", None, submitted_on=None),  # missing
        duty("STNMT", None, submitted_on=None, due_on=date(2018, 1, 10)),  # extended: not yet due
    ]
    listed = late_units(duties, today=date(2017, 12, 28))
    assert [(u.agency_code, u.days_late) for u in listed] == [("SKHCN", 4), ("STC", None)]
    assert timeliness(duties, ["2017"], today=date(2017, 12, 28))[0].pending == 1
    on_the_deadline = late_units([d for d in duties if d.submitted_on is None], today=DUE_2017)
    assert on_the_deadline == ()  # the deadline's own day: nobody is missing yet


def test_timeliness_counts_each_cycle_and_its_on_time_rate() -> None:
    duties = [
        duty("SCT", {}, cycle="2016", submitted_on=date(2016, 12, 1), due_on=date(2016, 12, 21)),
        duty("STC", {}, cycle="2016", submitted_on=date(2016, 12, 30), due_on=date(2016, 12, 21)),
        duty("SCT", {}, submitted_on=date(2017, 12, 1)),
        duty("STC", None, submitted_on=None),
        duty("SKHCN", {}, submitted_on=date(2017, 12, 2)),
    ]
    rows = timeliness(duties, ["2016", "2017"], today=date(2018, 1, 5))
    assert [(r.cycle_label, r.expected, r.on_time, r.late, r.missing) for r in rows] == [
        ("2016", 2, 1, 1, 0),
        ("2017", 3, 2, 0, 1),
    ]
    assert rows[0].on_time_rate == Decimal(50)
    assert round(rows[1].on_time_rate or 0, 1) == Decimal("66.7")


# --- enterprises -------------------------------------------------------------------------------


def test_the_appendix_names_each_enterprise_once_per_participation_and_year() -> None:
    kim_thanh = {"name": "Công ty TNHH gỗ Kim Thành A", "sector": "Chế biến gỗ", "participation": "quick_assessment"}
    duties = [
        duty("SCT", {"enterprises": [kim_thanh]}, name="Sở Công Thương", cycle="2017"),
        duty(
            "UBND-KIMTHANH",
            {"enterprises": [{**kim_thanh, "name": "công ty TNHH gỗ  Kim Thành A"}]},
            name="UBND huyện Kim Thành",
            cycle="2017",
        ),
        duty(
            "SCT",
            {"enterprises": [{**kim_thanh, "participation": "detailed_assessment"}]},
            cycle="2018",
            name="Sở Công Thương",
        ),
        duty(
            "UBND-TUKY",
            {
                "enterprises": [
                    {"name": "An Phát", "sector": "Dệt may", "participation": "trained"},
                    {"name": " ", "sector": "x", "participation": ""},
                ]
            },
            name="UBND huyện Tứ Kỳ",
            cycle="2017",
        ),
    ]
    rows = enterprises(duties)
    assert [(r.name, r.participation, r.year, r.reported_by) for r in rows] == [
        ("An Phát", "Tham gia tập huấn", 2017, "UBND huyện Tứ Kỳ"),
        ("Công ty TNHH gỗ Kim Thành A", "Đánh giá nhanh SXSH", 2017, "Sở Công Thương, UBND huyện Kim Thành"),
        ("Công ty TNHH gỗ Kim Thành A", "Đánh giá chi tiết SXSH", 2018, "Sở Công Thương"),
    ]
    assert enterprises(duties, language="en")[0].participation == "Trained"


# --- words and figures -------------------------------------------------------------------------


def test_attainment_has_one_label_per_language_for_every_output() -> None:
    assert Attainment.ABOVE.label() == "Vượt mức tối đa"
    assert Attainment.IN_PROGRESS.label("en") == "In progress"
    assert all(a.label("vi") and a.label("en") for a in Attainment)


def test_the_figures_of_a_report_are_plain_json() -> None:
    duties = [
        duty(
            "UBND-TUKY",
            {
                "indicator.informed.numerator": 1234,
                "indicator.informed.denominator": 1500,
                "funding.local_budget": 900_600_000,
            },
        )
    ]
    by_agency, total = funding(duties)
    report = ConsolidatedReport(
        run_id=1,
        plan_key="plan-2016-2020",
        plan_title=SPEC.title,
        legal_basis=(),
        scope="cycle",
        cycle_labels=("2017",),
        years=(2017,),
        period_start=date(2016, 12, 15),
        period_end=date(2017, 12, 14),
        header=DocumentHeader(
            "UBND TỈNH HẢI DƯƠNG",
            "SỞ CÔNG THƯƠNG",
            "Số:      /BC-SCT",
            "Hải Dương",
            date(2018, 1, 5),
            "BÁO CÁO",
            "Kết quả",
            (),
            "GIÁM ĐỐC",
            "",
        ),
        indicators=indicator_results(SPEC, duties, cumulative=False, final=False),
        work_volume=work_volume(SPEC, duties),
        funding_by_agency=by_agency,
        funding_total=total,
        texts=texts(duties),
        late_units=late_units(duties, today=date(2018, 1, 5)),
        enterprises=enterprises(duties),
        timeliness=timeliness(duties, ["2017"], today=date(2018, 1, 5)),
    )
    document = json.loads(json.dumps(figures(report)))
    informed = next(i for i in document["indicators"] if i["code"] == "informed")
    assert (informed["value"], informed["numerator"], informed["attainment"]) == (82.3, 1234, "below")
    assert document["funding"]["total"]["total"] == 900_600_000
    assert document["timeliness"][0]["on_time_rate"] == 100


@pytest.mark.parametrize(
    ("issued_on", "written"),
    [
        (date(2018, 1, 5), "Hải Dương, ngày 05 tháng 01 năm 2018"),
        (date(2017, 2, 28), "Hải Dương, ngày 28 tháng 02 năm 2017"),
        (date(2017, 3, 9), "Hải Dương, ngày 09 tháng 3 năm 2017"),
        (date(2017, 12, 21), "Hải Dương, ngày 21 tháng 12 năm 2017"),
    ],
)
def test_the_place_and_date_line_follows_decree_30(issued_on: date, written: str) -> None:
    header = DocumentHeader("", "", "", "Hải Dương", issued_on, "BÁO CÁO", "", (), "", "")
    assert header.place_and_date == written

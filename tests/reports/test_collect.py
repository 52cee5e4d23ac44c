"""The consolidated report as the service builds it from the database, on SQLite and PostgreSQL.

The run is ``tests/report_scenario``'s: 2016 and 2017 of plan-2016-2020 in Hải Dương, reported
through reply links and reviewed, as of 05/01/2018. Its docstring lists every report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sxsh_flow.engine.db import Store
from sxsh_flow.errors import UnknownCycle, UnknownRun
from sxsh_flow.reports.collect import build_report
from sxsh_flow.reports.model import Attainment, ConsolidatedReport, IndicatorResult

from ..report_scenario import LATE_UNIT, MISSING_UNIT, PROVINCE_CENTRAL, PROVINCE_LOCAL, TODAY, build_scenario


@pytest.fixture(scope="module")
def scenario(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    with Store(module_database_url) as store:
        yield store, build_scenario(store, tmp_path_factory.mktemp("attachments"))


def report(scenario: tuple[Store, int], cycle: str = "2017", *, cumulative: bool = False) -> ConsolidatedReport:
    store, run_id = scenario
    with store.session() as session:
        return build_report(session, run_id, cycle_label=cycle, cumulative=cumulative, today=TODAY)


def indicator(built: ConsolidatedReport, code: str) -> IndicatorResult:
    return next(i for i in built.indicators if i.code == code)


def test_ratios_for_the_province_are_sums_over_sums_of_what_agencies_reported(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    informed = indicator(built, "informed")
    # Sở Công Thương 300/400, the KCN board 150/200, Tứ Kỳ 1.234/1.500, Thanh Hà 80/100, eight districts 50/100.
    assert (informed.province.numerator, informed.province.denominator) == (2164, 3000)
    assert (informed.province.value, informed.attainment) == (Decimal("72.1"), Attainment.BELOW)
    saving = indicator(built, "saving")
    assert (saving.province.numerator, saving.province.denominator, saving.province.value) == (
        185,
        2000,
        Decimal("9.3"),
    )
    assert (saving.target_min, saving.target_max, saving.attainment) == (8, 13, Attainment.MET)
    assert indicator(built, "officers_trained").province.value == Decimal("90.0")


def test_a_plan_wide_total_is_in_progress_in_the_years_report(scenario: tuple[Store, int]) -> None:
    quick = indicator(report(scenario), "quick_assessments")
    assert (quick.province.value, quick.attainment) == (Decimal(6), Attainment.IN_PROGRESS)


def test_the_cumulative_report_adds_the_years_and_judges_totals_reached(scenario: tuple[Store, int]) -> None:
    built = report(scenario, cumulative=True)
    assert built.cycle_labels == ("2016", "2017")
    assert (built.period_start, built.period_end) == (date(2015, 12, 15), date(2017, 12, 14))
    quick = indicator(built, "quick_assessments")
    assert (quick.province.value, quick.attainment) == (Decimal(15), Attainment.MET)  # 9 + 6 of at least 15
    detailed = indicator(built, "detailed_assessments")
    assert (detailed.province.value, detailed.attainment) == (Decimal(5), Attainment.IN_PROGRESS)  # 3 + 2 of 7
    informed = indicator(built, "informed")
    assert (informed.province.numerator, informed.province.denominator) == (2164 + 1000, 3000 + 1500)
    assert built.header.subtitle.endswith("giai đoạn 2016 - 2020 từ năm 2016 đến năm 2017")
    assert not built.final


def test_the_accepted_or_awaiting_version_counts_and_a_returned_one_does_not(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    informed = {a.agency_code: a.figure for a in indicator(built, "informed").by_agency}
    assert (informed[LATE_UNIT].numerator, informed[LATE_UNIT].denominator) == (80, 100)  # awaiting review
    assert "UBND-KIMTHANH" not in informed  # returned, not sent again: its 999/1.000 is not counted
    assert (built.reports_expected, built.reports_received, built.reports_pending_review) == (25, 23, 1)
    assert any("trả lại" in note for note in built.notes)


def test_funding_is_summed_per_agency_and_for_the_province(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    total = built.funding_total
    assert (total.by_source["central_budget"], total.by_source["local_budget"]) == (PROVINCE_CENTRAL, PROVINCE_LOCAL)
    assert total.total == 1_023_600_000
    rows = {row.label: row for row in built.funding_by_agency}
    assert rows["Sở Công Thương tỉnh Hải Dương"].total == 123_000_000 + 400_000_000 + 200_600_000 + 150_000_000
    assert rows["Ủy ban nhân dân huyện Tứ Kỳ"].by_source["local_budget"] == 100_000_000
    assert sum(row.total for row in built.funding_by_agency) == total.total


def test_late_and_missing_units_and_cancelled_task_runs(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    assert [(u.agency_code, u.submitted_on, u.days_late) for u in built.late_units] == [
        (MISSING_UNIT, None, None),
        (LATE_UNIT, date(2017, 12, 27), 4),  # working days: Fri 22, Mon 25 to Wed 27
    ]
    this_year = built.timeliness[-1]
    assert (this_year.cycle_label, this_year.expected, this_year.on_time, this_year.late, this_year.missing) == (
        "2017",
        25,  # 26 task runs owed to Sở Công Thương, less Sở TN&MT's cancelled one
        23,
        1,
        1,
    )
    last_year = built.timeliness[0]  # shown for the trend, though the report is of 2017
    assert (last_year.cycle_label, last_year.on_time, last_year.late, last_year.missing) == ("2016", 1, 1, 23)


def test_sct_own_report_upward_is_not_a_duty_of_the_report(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    assert all(u.task_title != "Báo cáo tổng hợp kết quả thực hiện Kế hoạch SXSH hằng năm" for u in built.late_units)


def test_work_volume_texts_and_enterprises(scenario: tuple[Store, int]) -> None:
    built = report(scenario)
    volume = {row.activity: (row.unit, row.quantity, row.years) for row in built.work_volume}
    assert volume["Lớp tập huấn, hội thảo, tọa đàm về SXSH"] == ("lớp", Decimal(20), (2017,))
    assert volume["Tờ rơi, tài liệu hướng dẫn SXSH được phát hành"] == ("tờ", Decimal(2800), (2017,))
    assert volume["Số đoàn tham quan, khảo sát"] == ("đoàn", Decimal(2), (2017,))
    assert volume["Số cuộc kiểm tra"] == ("cuộc", Decimal(4), (2017,))
    assert [t.agency_code for t in built.texts["difficulties"]] == ["SCT", LATE_UNIT]
    assert [t.agency_code for t in built.texts["recommendations"]] == ["SCT", "UBND-TUKY"]
    assert len(built.enterprises) == built.enterprise_count == 5
    may = next(e for e in built.enterprises if e.name == "Công ty TNHH May Tứ Kỳ")
    assert (may.participation, may.year) == ("Đánh giá nhanh SXSH", 2017)
    assert may.reported_by == "Sở Công Thương tỉnh Hải Dương, Ủy ban nhân dân huyện Tứ Kỳ"


def test_the_header_follows_decree_30(scenario: tuple[Store, int]) -> None:
    header = report(scenario).header
    assert (header.superior_body, header.issuing_body) == ("UBND TỈNH HẢI DƯƠNG", "SỞ CÔNG THƯƠNG")
    assert header.number_symbol == "Số:      /BC-SCT"
    assert (header.place, header.issued_on, header.title) == ("Hải Dương", TODAY, "BÁO CÁO")
    assert header.subtitle.startswith("Kết quả thực hiện Kế hoạch thực hiện Chiến lược sản xuất sạch hơn")
    assert header.subtitle.endswith("giai đoạn 2016 - 2020 năm 2017")
    assert (header.signer_title, header.signer_name) == ("GIÁM ĐỐC", "Phạm Thị Dung")
    assert header.recipients == ("Bộ Công Thương;", "UBND tỉnh;", "Lưu: VT, SCT.")


def test_the_legal_basis_is_cited_in_full(scenario: tuple[Store, int]) -> None:
    assert report(scenario).legal_basis[0] == (
        "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ phê duyệt Chiến lược sản xuất "
        "sạch hơn trong công nghiệp đến năm 2020"
    )


def test_tables_can_be_in_english(scenario: tuple[Store, int]) -> None:
    store, run_id = scenario
    with store.session() as session:
        built = build_report(session, run_id, cycle_label="2017", cumulative=False, today=TODAY, language="en")
    assert built.funding_total.label == "Total"
    assert {e.participation for e in built.enterprises} >= {"Quick assessment", "Applying cleaner production"}
    assert built.header.title == "BÁO CÁO"  # the administrative document stays Vietnamese


def test_an_unknown_run_or_cycle_is_refused_in_both_languages(scenario: tuple[Store, int]) -> None:
    store, run_id = scenario
    with store.session() as session, pytest.raises(UnknownRun):
        build_report(session, run_id + 99, cycle_label="2017", cumulative=False, today=TODAY)
    with store.session() as session, pytest.raises(UnknownCycle) as refused:
        build_report(session, run_id, cycle_label="2030", cumulative=False, today=TODAY)
    assert "2016, 2017, 2018, 2019, 2020" in refused.value.message("vi")
    assert refused.value.message("vi").startswith(f"Lượt {run_id} không có kỳ báo cáo '2030'")
    assert refused.value.message("en").startswith(f"Run {run_id} has no reporting cycle '2030'")
    assert refused.value.exit_code == 2


def test_report_files_are_the_word_and_excel_files_of_the_cycle(scenario: tuple[Store, int], tmp_path: Path) -> None:
    from sxsh_flow.reports.collect import report_files

    store, run_id = scenario
    with store.session() as session:
        files = report_files(session, run_id, "2017", today=TODAY)
    assert [(name, kind.rsplit(".", 1)[-1]) for name, kind, _ in files] == [
        ("bao-cao-plan-2016-2020-2017.docx", "document"),
        ("bao-cao-plan-2016-2020-2017.xlsx", "sheet"),
    ]
    assert all(content.startswith(b"PK") for _, _, content in files)  # both are zip packages


def test_several_cycles_files_are_each_cycles_own_as_if_rendered_alone(scenario: tuple[Store, int]) -> None:
    from sxsh_flow.reports.collect import cycles_files, report_files

    store, run_id = scenario
    with store.session() as session:
        together = cycles_files(session, [(run_id, "2017"), (run_id, "2016")], today=TODAY)
        alone = {label: report_files(session, run_id, label, today=TODAY) for label in ("2016", "2017")}
    assert list(together) == [(run_id, "2017"), (run_id, "2016")]
    assert together[(run_id, "2016")] == alone["2016"]
    assert together[(run_id, "2017")] == alone["2017"]

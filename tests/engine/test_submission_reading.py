"""A report as its form reads: labels, not keys; numbers, money and dates the Vietnamese way."""

from __future__ import annotations

from typing import Any

from sxsh_flow.engine.report_form import FormDefinition, form_definition
from sxsh_flow.engine.submission_reading import format_value, read_submission
from sxsh_flow.workflows import load_builtin_plan

# What Tứ Kỳ's 2016 district report stores (as the portal stores it: ints, a decimal as text).
STORED: dict[str, Any] = {
    "indicator.informed.numerator": 1234,
    "indicator.informed.denominator": 1500,
    "indicator.training_events.value": "8.5",
    "section.results": "Đã tổ chức 4 lớp tập huấn.\nHướng dẫn 12 cơ sở.",
    "funding.local_budget": 150000000,
    "enterprises": [{"name": "Công ty TNHH Gốm sứ Minh Đức", "sector": "Gốm sứ", "participation": "applying"}],
}


def district_form() -> FormDefinition:
    spec = load_builtin_plan("plan-2016-2020").spec
    return form_definition(spec, spec.task("district-implementation"))


def test_sections_follow_the_form_with_its_labels_and_vietnamese_formats() -> None:
    sections = read_submission(district_form(), STORED, "vi")

    titles = [section.title for section in sections]
    assert titles == ["Chỉ tiêu", "Nội dung báo cáo", "Kinh phí", "Doanh nghiệp tham gia"]
    rows = {row.key: row for section in sections for row in section.rows}
    assert rows["indicator.informed.numerator"].value == "1.234"
    assert (
        rows["indicator.informed.numerator"].label
        == "Số cơ sở sản xuất công nghiệp được tuyên truyền, phổ biến về SXSH"
    )
    assert rows["indicator.training_events.value"].value == "8,5"
    assert rows["funding.local_budget"].value == "150.000.000 đồng"
    assert rows["funding.local_budget"].label == "Ngân sách địa phương"
    assert rows["section.results"].long
    assert rows["section.results"].value == "Đã tổ chức 4 lớp tập huấn.\nHướng dẫn 12 cơ sở."


def test_an_empty_field_says_so_and_is_never_a_raw_none() -> None:
    rows = {row.key: row for section in read_submission(district_form(), STORED, "vi") for row in section.rows}

    assert rows["indicator.applying.numerator"].value == "(chưa điền)"
    assert not rows["indicator.applying.numerator"].filled


def test_enterprises_are_a_table_with_the_forms_words() -> None:
    table = read_submission(district_form(), STORED, "vi")[-1].table

    assert table is not None
    assert table.columns == ("Doanh nghiệp", "Ngành nghề", "Mức độ tham gia")
    assert table.rows == (("Công ty TNHH Gốm sứ Minh Đức", "Gốm sứ", "Áp dụng giải pháp SXSH"),)


def test_english_is_written_the_english_way() -> None:
    rows = {row.key: row for section in read_submission(district_form(), STORED, "en") for row in section.rows}

    assert rows["indicator.informed.numerator"].value == "1,234"
    assert rows["funding.local_budget"].value == "150,000,000 VND"


def test_dates_are_day_month_year() -> None:
    assert format_value("date", "2016-12-21", "vi") == "21/12/2016"
    assert format_value("integer", 120000000, "vi") == "120.000.000"
    assert format_value("number", "3.0", "vi") == "3"

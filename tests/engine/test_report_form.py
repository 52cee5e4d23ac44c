"""The report form of a task, and reading numbers the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sxsh_flow.engine.report_form import NotANumber, form_definition, parse_form, parse_vietnamese_number
from sxsh_flow.workflows import load_builtin_plan


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.234.567", Decimal(1234567)),
        ("8,5", Decimal("8.5")),
        ("1.234,5", Decimal("1234.5")),
        ("8.5", Decimal("8.5")),  # a dot not followed by three digits is a decimal point
        ("1.023.600.000", Decimal(1023600000)),
        (" 120 ", Decimal(120)),
        ("0", Decimal(0)),
    ],
)
def test_numbers_are_read_as_vietnamese_write_them(typed: str, value: Decimal) -> None:
    assert parse_vietnamese_number(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "1e999999", "NaN", "Infinity", "1" * 41, "12a"])
def test_what_is_not_a_plain_number_is_refused(typed: str) -> None:
    with pytest.raises(NotANumber):
        parse_vietnamese_number(typed)


def test_the_district_form_asks_numerators_and_denominators_of_ratios() -> None:
    spec = load_builtin_plan("plan-2016-2020").spec
    definition = form_definition(spec, spec.task("district-implementation"))
    keys = [f.key for f in definition.fields]
    assert keys[:4] == [
        "indicator.informed.numerator",
        "indicator.informed.denominator",
        "indicator.applying.numerator",
        "indicator.applying.denominator",
    ]
    assert "indicator.training_events.value" in keys
    assert "funding.local_budget" in keys
    assert definition.enterprises


def test_a_draft_may_be_partial_but_a_submission_may_not() -> None:
    spec = load_builtin_plan("plan-2016-2020").spec
    definition = form_definition(spec, spec.task("district-implementation"))
    assert parse_form(definition, {"section.results": "x"}, submitting=False).ok
    submitted = parse_form(definition, {"section.results": "x"}, submitting=True)
    assert "indicator.informed.numerator" in submitted.errors


def test_money_must_be_whole_dong_and_counts_must_not_be_negative() -> None:
    spec = load_builtin_plan("plan-2016-2020").spec
    definition = form_definition(spec, spec.task("district-implementation"))
    parsed = parse_form(
        definition, {"funding.local_budget": "1.000,5", "indicator.informed.numerator": "-3"}, submitting=False
    )
    assert set(parsed.errors) == {"funding.local_budget", "indicator.informed.numerator"}


def _definition():  # type: ignore[no-untyped-def]
    spec = load_builtin_plan("plan-2016-2020").spec
    return form_definition(spec, spec.task("district-implementation"))


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("indicator.informed.numerator", "12.345.678.901.234.567.890.123.456"),  # the 26 digits of finding 3
        ("indicator.informed.numerator", "1.000.000.001"),  # a count beyond any province's
        ("funding.local_budget", "1.000.000.000.000.001"),  # more đồng than a province spends
    ],
)
def test_every_figure_has_a_bound_the_form_enforces(key: str, typed: str) -> None:
    # Finding 3 of issue 12: the form accepted a 26-digit number, and the report then failed.
    parsed = parse_form(_definition(), {key: typed}, submitting=False)
    assert key in parsed.errors
    vietnamese, english = parsed.errors[key]
    assert "từ 0 đến 1.000.000.000" in vietnamese  # the bound, written as the field is typed
    assert "from 0 to 1.000.000.000" in english


def test_the_bounds_themselves_are_accepted() -> None:
    parsed = parse_form(
        _definition(),
        {"indicator.informed.numerator": "1.000.000.000", "funding.local_budget": "1.000.000.000.000.000"},
        submitting=False,
    )
    assert parsed.ok
    assert parsed.values["funding.local_budget"] == 10**15


def test_every_number_field_states_its_bound() -> None:
    for spec_field in _definition().fields:
        if spec_field.kind in ("integer", "money", "number"):
            assert spec_field.bound is not None
            assert spec_field.bound.hint("vi").startswith("Từ 0 đến ")
            assert spec_field.bound.hint("en").startswith("From 0 to ")


def test_a_percentage_is_between_0_and_100() -> None:
    from sxsh_flow.engine.report_form import FieldDef, FormDefinition

    share = FieldDef("field.share", "Tỷ lệ", "number", "%")
    definition = FormDefinition("t", "t", (share,), enterprises=False, attachments=False)
    assert "field.share" in parse_form(definition, {"field.share": "100,5"}, submitting=False).errors
    assert parse_form(definition, {"field.share": "99,75"}, submitting=False).values["field.share"] == "99.75"


def test_a_decimal_is_stored_exactly_as_its_canonical_text() -> None:
    # `number` fields were floats: beyond 17 digits, what was typed was not what was stored.
    from sxsh_flow.engine.report_form import FieldDef, FormDefinition

    weight = FieldDef("field.weight", "Khối lượng", "number", "tấn")
    definition = FormDefinition("t", "t", (weight,), enterprises=False, attachments=False)
    typed = {"field.weight": "123.456.789.012,123456"}
    stored = parse_form(definition, typed, submitting=False).values["field.weight"]
    assert stored == "123456789012.123456"  # JSON keeps text exactly; a float would keep 17 digits
    assert Decimal(stored) == Decimal("123456789012.123456")
    assert parse_form(definition, {"field.weight": "6,0"}, submitting=False).values["field.weight"] == 6


def test_a_date_is_read_within_a_sane_range() -> None:
    from sxsh_flow.engine.report_form import FieldDef, FormDefinition

    day = FieldDef("field.day", "Ngày", "date")
    definition = FormDefinition("t", "t", (day,), enterprises=False, attachments=False)
    for typed in ("31/12/9999", "01/01/0001", "9999-12-31", "1/1/" + "9" * 5000):
        assert "field.day" in parse_form(definition, {"field.day": typed}, submitting=False).errors
    assert parse_form(definition, {"field.day": "21/12/2017"}, submitting=False).values["field.day"] == "2017-12-21"


def test_each_line_typed_is_one_line_stored() -> None:
    # Browsers send a textarea's line breaks as CR LF; Word then wrote two breaks for each.
    parsed = parse_form(_definition(), {"section.results": "một\r\nhai\rba\nbốn"}, submitting=False)
    assert parsed.values["section.results"] == "một\nhai\nba\nbốn"

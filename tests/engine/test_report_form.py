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

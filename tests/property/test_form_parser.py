"""The report form's parser and the Vietnamese number reader, on anything a browser can post."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sxsh_flow.engine.report_form import (
    FieldDef,
    FormDefinition,
    NotANumber,
    form_definition,
    parse_form,
    parse_vietnamese_number,
)
from sxsh_flow.words import words
from sxsh_flow.workflows import load_builtin_plan

PLAN = load_builtin_plan("plan-2016-2020").spec
# Every field kind a plan may ask for, in one form: the built-in plan has no date field.
EVERY_KIND = FormDefinition(
    "every-kind",
    "Every kind of field",
    tuple(
        FieldDef(f"field.{kind}", kind, kind, required=True)
        for kind in ("integer", "number", "money", "text", "textarea", "date")
    ),
    enterprises=True,
    attachments=True,
)
FORMS = [*(form_definition(PLAN, task) for task in PLAN.tasks), EVERY_KIND]
ANY_TEXT = st.text(max_size=60)
NUMBER_LIKE = st.text(alphabet="0123456789.,- \u00a0", max_size=40)
DATE_LIKE = st.builds("{}/{}/{}".format, st.integers(-5, 40), st.integers(-1, 14), st.integers(0, 10**25))


@settings(max_examples=300)
@given(st.one_of(ANY_TEXT, NUMBER_LIKE))
def test_the_number_reader_returns_a_finite_decimal_or_says_not_a_number(text: str) -> None:
    try:
        number = parse_vietnamese_number(text)
    except NotANumber:
        return
    assert isinstance(number, Decimal)
    assert number.is_finite()


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**15))
def test_a_whole_number_written_the_vietnamese_way_reads_back_as_itself(value: int) -> None:
    written = words("vi").number(value, 0)  # 1.234.567

    assert parse_vietnamese_number(written) == value


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_a_decimal_with_a_comma_reads_back_as_itself(whole: int, hundredths: int) -> None:
    written = f"{words('vi').number(whole, 0)},{hundredths:02d}"  # 1.234,05

    assert parse_vietnamese_number(written) == Decimal(whole) + Decimal(hundredths) / 100


def posted(form: FormDefinition) -> st.SearchStrategy[dict[str, str]]:
    """What a client may post to ``form``: any subset of its fields with any text, and unknown keys."""
    keys = [field.key for field in form.fields]
    values = st.one_of(
        ANY_TEXT, NUMBER_LIKE, DATE_LIKE, st.sampled_from(["1.234", "8,5", "21/12/2016", "2016-12-21", ""])
    )
    return st.dictionaries(st.sampled_from([*keys, "enterprises.0.name", "x"]), values, max_size=len(keys) + 2)


@settings(max_examples=300)
@given(st.data(), st.booleans())
def test_the_form_parser_never_raises_and_keeps_each_value_in_its_kind(data: st.DataObject, submitting: bool) -> None:
    form = data.draw(st.sampled_from(FORMS))
    typed = data.draw(posted(form))

    parsed = parse_form(form, typed, submitting=submitting)

    kinds = {field.key: field.kind for field in form.fields}
    for key, value in parsed.values.items():
        if kinds.get(key) in ("integer", "money"):
            assert isinstance(value, int | Decimal)
            assert value >= 0
        elif kinds.get(key) == "number":
            # Stored exactly: an int when whole, else the decimal's canonical text (never a float).
            assert isinstance(value, int) or (
                isinstance(value, str) and value == format(Decimal(value).normalize(), "f")
            )
    for key, (vietnamese, english) in parsed.errors.items():
        assert key in kinds or key.startswith(("enterprise", "attachments")), key
        assert vietnamese
        assert english


@pytest.mark.parametrize("kind", ["integer", "number", "money", "text", "textarea", "date"])
@settings(max_examples=150)
@given(text=st.one_of(ANY_TEXT, NUMBER_LIKE, DATE_LIKE))
def test_each_kind_of_field_reads_any_text_or_says_what_to_type(kind: str, text: str) -> None:
    form = FormDefinition("one", "One field", (FieldDef("field", kind, kind),), enterprises=False, attachments=False)

    parsed = parse_form(form, {"field": text}, submitting=True)

    assert ("field" in parsed.values) != ("field" in parsed.errors) or not text.strip()

"""Words: every message a person reads is in the catalogues, translated, and formatted per locale."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from sxsh_flow.words import DOMAINS, EXTRACT_KEYWORDS, LOCALE_FOLDER, Words, words

ROOT = Path(__file__).resolve().parents[2]


def _catalog(language: str, domain: str) -> Catalog:
    with (LOCALE_FOLDER / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file)


def _key(message: Message) -> tuple[str | None, str]:
    """A message as gettext finds it: its context (pgettext) and its singular msgid."""
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {_key(m) for m in catalog if m.id}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_message_of_the_code_is_in_both_catalogues_of_its_layer(domain: str, tmp_path: Path) -> None:
    pot = tmp_path / f"{domain}.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    keywords = [part for keyword in EXTRACT_KEYWORDS for part in ("-k", keyword)]
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(pot), *DOMAINS[domain]],
        cwd=ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as file:
        extracted = _ids(read_po(file))
    for language in ("vi", "en"):
        missing = extracted - _ids(_catalog(language, domain))
        assert not missing, f"{language}/{domain}.po lacks {sorted(missing)}: run `make catalogues`"


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_vietnamese_message_is_translated_and_none_is_fuzzy(domain: str) -> None:
    catalog = _catalog("vi", domain)
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_no_message_is_translated_two_ways_by_two_layers() -> None:
    seen: dict[tuple[str | None, str], tuple[str, object]] = {}
    for domain in DOMAINS:
        for message in _catalog("vi", domain):
            if not message.id:
                continue
            key = _key(message)
            if key in seen:
                assert seen[key][1] == message.string, f"{key!r}: {seen[key][0]} and {domain} disagree"
            seen[key] = (domain, message.string)


def test_the_compiled_catalogues_are_those_of_the_po_files() -> None:
    # A stale .mo would show yesterday's words: `make test` compiles before pytest, and so does install.
    for po in LOCALE_FOLDER.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run `bash .ci/catalogues compile`"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po"


@pytest.mark.parametrize(
    ("language", "number", "money", "ratio", "day", "long_day"),
    [
        ("vi", "1.023.600.000", "1.023.600.000 đồng", "8,5", "05/02/2017", "Chủ Nhật, 05/02/2017"),
        ("en", "1,023,600,000", "1,023,600,000 VND", "8.5", "5 February 2017", "Sunday, 5 February 2017"),
    ],
)
def test_one_formatter_per_locale_writes_numbers_money_and_dates(
    language: str, number: str, money: str, ratio: str, day: str, long_day: str
) -> None:
    said = words(language)
    assert said.number(1_023_600_000) == number
    assert said.money(1_023_600_000) == money
    assert said.number(Decimal("8.45"), 1) == ratio  # half up, as people round by hand
    assert said.date(date(2017, 2, 5)) == day
    assert said.long_date(date(2017, 2, 5)) == long_day


def test_a_word_said_in_a_context_can_have_its_own_translation() -> None:
    # No catalogue entry yet for this context: gettext falls back to the English word.
    assert words("vi").pgettext("nonexistent context", "Scheduled") == "Scheduled"


def test_vietnamese_counts_take_one_form_and_english_two() -> None:
    assert [words("vi").working_days(n) for n in (1, 3)] == ["1 ngày làm việc", "3 ngày làm việc"]
    assert [words("en").working_days(n) for n in (1, 3)] == ["1 working day", "3 working days"]


def test_a_language_we_do_not_speak_falls_back_to_vietnamese() -> None:
    assert words("fr") == Words("vi")
    assert words("fr").cycle_name("2017-H2") == "6 tháng cuối năm 2017"


# --- the formatter, case by case (formerly notifications/formatting.py's tests)

# One week, Monday 19/12/2016 to Sunday 25/12/2016.
WEEK = [
    (date(2016, 12, 19), "Thứ Hai", "Monday"),
    (date(2016, 12, 20), "Thứ Ba", "Tuesday"),
    (date(2016, 12, 21), "Thứ Tư", "Wednesday"),
    (date(2016, 12, 22), "Thứ Năm", "Thursday"),
    (date(2016, 12, 23), "Thứ Sáu", "Friday"),
    (date(2016, 12, 24), "Thứ Bảy", "Saturday"),
    (date(2016, 12, 25), "Chủ Nhật", "Sunday"),
]


@pytest.mark.parametrize(("day", "vietnamese", "english"), WEEK, ids=[english for _, _, english in WEEK])
def test_weekday_names(day: date, vietnamese: str, english: str) -> None:
    assert words("vi").weekday(day) == vietnamese
    assert words("en").weekday(day) == english


def test_weekday_names_are_precomposed_unicode() -> None:
    # Decomposed diacritics look the same but break search, sorting and some fonts.
    assert all(unicodedata.is_normalized("NFC", words("vi").weekday(day)) for day, _, _ in WEEK)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2016, 12, 21), "21/12/2016"),
        (date(2009, 9, 7), "07/09/2009"),
        (date(2020, 1, 1), "01/01/2020"),
    ],
)
def test_vietnamese_short_dates_have_leading_zeros(day: date, expected: str) -> None:
    assert words("vi").date(day) == expected


def test_long_dates_name_the_weekday() -> None:
    assert words("vi").long_date(date(2016, 12, 21)) == "Thứ Tư, 21/12/2016"
    assert words("vi").long_date(date(2017, 1, 1)) == "Chủ Nhật, 01/01/2017"
    assert words("en").long_date(date(2016, 12, 21)) == "Wednesday, 21 December 2016"
    assert words("en").date(date(2009, 9, 7)) == "7 September 2009"


def test_a_datetime_is_formatted_as_its_date() -> None:
    assert words("vi").long_date(datetime(2016, 12, 21, 16, 30)) == "Thứ Tư, 21/12/2016"


@pytest.mark.parametrize(
    ("value", "decimals", "vietnamese", "english"),
    [
        (0, None, "0", "0"),
        (999, None, "999", "999"),
        (1000, None, "1.000", "1,000"),
        (Decimal("123000000"), None, "123.000.000", "123,000,000"),
        (Decimal("5.089"), None, "5,089", "5.089"),
        (-2800, None, "-2.800", "-2,800"),
        (5 / 9 * 100, 1, "55,6", "55.6"),
        (0.05, 1, "0,1", "0.1"),  # half up, as people round
        (2.25, 1, "2,3", "2.3"),  # Babel alone would give 2,2 (half even)
        (100, 1, "100,0", "100.0"),
        (1234.5, 0, "1.235", "1,235"),
    ],
)
def test_numbers(value: float | Decimal, decimals: int | None, vietnamese: str, english: str) -> None:
    assert words("vi").number(value, decimals) == vietnamese
    assert words("en").number(value, decimals) == english


@pytest.mark.parametrize(
    ("label", "vietnamese", "english"),
    [
        ("2016", "năm 2016", "2016"),
        ("2017-H1", "6 tháng đầu năm 2017", "first half of 2017"),
        ("2017-H2", "6 tháng cuối năm 2017", "second half of 2017"),
    ],
)
def test_cycle_names(label: str, vietnamese: str, english: str) -> None:
    assert words("vi").cycle_name(label) == vietnamese
    assert words("en").cycle_name(label) == english


@pytest.mark.parametrize(
    ("number", "vietnamese", "english"),
    [
        ("1419/QĐ-TTg", "Quyết định", "Decision"),
        ("09/2019/NĐ-CP", "Nghị định", "Decree"),
        ("221/2012/TTLT-BTC-BCT", "Thông tư liên tịch", "Joint Circular"),
        ("12/BC-SCT", "Báo cáo", "Report"),
        ("15", "Văn bản", "Document"),
    ],
)
def test_document_kind_comes_from_the_symbol(number: str, vietnamese: str, english: str) -> None:
    assert words("vi").document_kind(number) == vietnamese
    assert words("en").document_kind(number) == english


@dataclass(frozen=True)
class _Reference:
    number: str
    date: date
    issuer: str


def test_legal_references() -> None:
    strategy = _Reference(number="1419/QĐ-TTg", date=date(2009, 9, 7), issuer="Thủ tướng Chính phủ")
    assert words("vi").legal_reference(strategy) == (
        "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ"
    )
    assert words("en").legal_reference(strategy) == (
        "Decision No. 1419/QĐ-TTg of 7 September 2009 by the Prime Minister"
    )
    provincial = _Reference(number="3182/QĐ-UBND", date=date(2016, 12, 9), issuer="UBND tỉnh Sơn La")
    # An issuer the English catalogue does not know keeps its Vietnamese name.
    assert words("en").legal_reference(provincial) == (
        "Decision No. 3182/QĐ-UBND of 9 December 2016 by UBND tỉnh Sơn La"
    )


@pytest.mark.parametrize(
    ("value", "decimals", "vietnamese"),
    [
        (12_345_678_901_234_567_890_123_456, None, "12.345.678.901.234.567.890.123.456"),
        (12_345_678_901_234_567_890_123_456, 1, "12.345.678.901.234.567.890.123.456,0"),
        (Decimal("1E+40"), 0, "10" + ".000" * 13),
        (Decimal("12345678901234567890.123456789"), 2, "12.345.678.901.234.567.890,12"),
        (1.7e308, None, "170" + ".000" * 102),
        (Decimal("1E+5000"), None, "1E+5000"),
        (float("inf"), 1, "∞"),
        (Decimal("NaN"), 0, "NaN"),
    ],
)
def test_any_number_is_written_however_large_or_odd(
    value: float | Decimal, decimals: int | None, vietnamese: str
) -> None:
    # Finding 3 of issue 12: Decimal's 28-digit context made the formatter raise on a 26-digit figure.
    assert words("vi").number(value, decimals) == vietnamese
    assert words("en").number(value, decimals)  # written, whatever the language

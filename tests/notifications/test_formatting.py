"""Dates, weekdays, numbers and legal references read the way Vietnamese administrative letters write them."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pytest

from sxsh_flow.engine.message import LegalReference
from sxsh_flow.notifications.formatting import (
    cycle_name,
    document_kind,
    en_date,
    en_long_date,
    en_number,
    en_weekday,
    legal_reference,
    vn_date,
    vn_long_date,
    vn_number,
    vn_weekday,
    working_days,
)

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
    assert vn_weekday(day) == vietnamese
    assert en_weekday(day) == english


def test_weekday_names_are_precomposed_unicode() -> None:
    # Decomposed diacritics look the same but break search, sorting and some fonts.
    assert all(unicodedata.is_normalized("NFC", vn_weekday(day)) for day, _, _ in WEEK)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2016, 12, 21), "21/12/2016"),
        (date(2009, 9, 7), "07/09/2009"),
        (date(2017, 2, 5), "05/02/2017"),
        (date(2020, 1, 1), "01/01/2020"),
    ],
)
def test_short_dates_have_leading_zeros(day: date, expected: str) -> None:
    assert vn_date(day) == expected


def test_long_dates_name_the_weekday() -> None:
    assert vn_long_date(date(2016, 12, 21)) == "Thứ Tư, 21/12/2016"
    assert vn_long_date(date(2017, 1, 1)) == "Chủ Nhật, 01/01/2017"
    assert en_long_date(date(2016, 12, 21)) == "Wednesday, 21 December 2016"
    assert en_date(date(2009, 9, 7)) == "7 September 2009"


def test_a_datetime_is_formatted_as_its_date() -> None:
    assert vn_long_date(datetime(2016, 12, 21, 16, 30)) == "Thứ Tư, 21/12/2016"


@pytest.mark.parametrize(
    ("value", "decimals", "vietnamese", "english"),
    [
        (0, None, "0", "0"),
        (999, None, "999", "999"),
        (1000, None, "1.000", "1,000"),
        (1234567, None, "1.234.567", "1,234,567"),
        (1023600000, None, "1.023.600.000", "1,023,600,000"),
        (Decimal("123000000"), None, "123.000.000", "123,000,000"),
        (8.5, None, "8,5", "8.5"),
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
    assert vn_number(value, decimals) == vietnamese
    assert en_number(value, decimals) == english


@pytest.mark.parametrize(
    ("label", "vietnamese", "english"),
    [
        ("2016", "năm 2016", "2016"),
        ("2017-H1", "6 tháng đầu năm 2017", "first half of 2017"),
        ("2017-H2", "6 tháng cuối năm 2017", "second half of 2017"),
    ],
)
def test_cycle_names(label: str, vietnamese: str, english: str) -> None:
    assert cycle_name(label, "vi") == vietnamese
    assert cycle_name(label, "en") == english


@pytest.mark.parametrize(
    ("number", "vietnamese", "english"),
    [
        ("1419/QĐ-TTg", "Quyết định", "Decision"),
        ("09/2019/NĐ-CP", "Nghị định", "Decree"),
        ("221/2012/TTLT-BTC-BCT", "Thông tư liên tịch", "Joint Circular"),
        ("12/BC-SCT", "Báo cáo", "Report"),
        ("38/QĐ-SCT", "Quyết định", "Decision"),
        ("15", "Văn bản", "Document"),
    ],
)
def test_document_kind_comes_from_the_symbol(number: str, vietnamese: str, english: str) -> None:
    assert document_kind(number, "vi") == vietnamese
    assert document_kind(number, "en") == english


def test_legal_references() -> None:
    strategy = LegalReference(number="1419/QĐ-TTg", date=date(2009, 9, 7), issuer="Thủ tướng Chính phủ")
    assert legal_reference(strategy) == "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ"
    assert legal_reference(strategy, "en") == "Decision No. 1419/QĐ-TTg of 7 September 2009 by the Prime Minister"
    provincial = LegalReference(number="3182/QĐ-UBND", date=date(2016, 12, 9), issuer="UBND tỉnh Sơn La")
    # An issuer the English catalogue does not know keeps its Vietnamese name.
    assert legal_reference(provincial, "en") == "Decision No. 3182/QĐ-UBND of 9 December 2016 by UBND tỉnh Sơn La"


def test_working_days() -> None:
    assert working_days(3) == "3 ngày làm việc"
    assert working_days(1) == "1 ngày làm việc"
    assert working_days(1, "en") == "1 working day"
    assert working_days(3, "en") == "3 working days"

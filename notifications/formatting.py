"""Dates, numbers and legal references as people read them, in Vietnamese and in English.

Templates use these as Jinja filters. Weekday and month names and digit grouping come from Babel
(Unicode CLDR), whose Vietnamese data matches administrative usage: "Thứ Hai" … "Thứ Bảy",
"Chủ Nhật"; "1.234.567" and "8,5". Short dates are written by hand because Decree 30/2020/NĐ-CP
wants the fixed dd/mm/yyyy form with leading zeros, which no CLDR pattern name guarantees.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from sxsh_flow.engine.message import LegalReference

Number = int | float | Decimal

# The kind of an administrative document is the code before the first "-" in the last part of its
# number and symbol: 1419/QĐ-TTg is a decision, 09/2019/NĐ-CP a decree (Decree 30/2020, App. I).
_DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "QĐ": ("Quyết định", "Decision"),
    "NĐ": ("Nghị định", "Decree"),
    "NQ": ("Nghị quyết", "Resolution"),
    "CT": ("Chỉ thị", "Directive"),
    "TT": ("Thông tư", "Circular"),
    "TTLT": ("Thông tư liên tịch", "Joint Circular"),
    "KH": ("Kế hoạch", "Plan"),
    "BC": ("Báo cáo", "Report"),
    "TB": ("Thông báo", "Notice"),
    "CV": ("Công văn", "Official Letter"),
}

_ISSUERS_IN_ENGLISH = {
    "Thủ tướng Chính phủ": "the Prime Minister",
    "Chính phủ": "the Government",
    "Bộ Công Thương": "the Ministry of Industry and Trade",
    "Bộ Tài chính": "the Ministry of Finance",
    "Bộ Tài nguyên và Môi trường": "the Ministry of Natural Resources and Environment",
}


def vn_date(day: date) -> str:
    """21/12/2016: day and month always on two digits."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def vn_weekday(day: date) -> str:
    """Thứ Hai … Thứ Bảy, Chủ Nhật."""
    return format_date(day, "EEEE", locale="vi")


def vn_long_date(day: date) -> str:
    """Thứ Tư, 21/12/2016."""
    return f"{vn_weekday(day)}, {vn_date(day)}"


def vn_number(value: Number, decimals: int | None = None) -> str:
    """1.234.567 and 8,5; with ``decimals``, rounded half up to that many places (55,6)."""
    return _format_number(value, decimals, "vi")


def en_date(day: date) -> str:
    """21 December 2016."""
    return format_date(day, "d MMMM y", locale="en")


def en_weekday(day: date) -> str:
    """Monday … Sunday."""
    return format_date(day, "EEEE", locale="en")


def en_long_date(day: date) -> str:
    """Wednesday, 21 December 2016."""
    return f"{en_weekday(day)}, {en_date(day)}"


def en_number(value: Number, decimals: int | None = None) -> str:
    """1,234,567 and 8.5; with ``decimals``, rounded half up to that many places."""
    return _format_number(value, decimals, "en")


def _format_number(value: Number, decimals: int | None, locale: str) -> str:
    if decimals is None:
        return format_decimal(value, locale=locale)
    # Half up, as people round by hand; Babel's default is half even, and floats carry binary noise.
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(exact, format=pattern, locale=locale)


def cycle_name(label: str, language: str = "vi") -> str:
    """A reporting cycle's label ("2016", "2017-H1") as words: "năm 2016", "6 tháng đầu năm 2017"."""
    year, _, half = label.partition("-")
    english = language == "en"
    if half == "H1":
        return f"first half of {year}" if english else f"6 tháng đầu năm {year}"
    if half == "H2":
        return f"second half of {year}" if english else f"6 tháng cuối năm {year}"
    return year if english else f"năm {year}"


def document_kind(number: str, language: str = "vi") -> str:
    """The kind of document a number and symbol denotes ("1419/QĐ-TTg" → "Quyết định")."""
    code = number.rsplit("/", 1)[-1].split("-", 1)[0].strip().upper()
    vietnamese, english = _DOCUMENT_KINDS.get(code, ("Văn bản", "Document"))
    return english if language == "en" else vietnamese


def legal_reference(reference: LegalReference, language: str = "vi") -> str:
    """Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ (or its English form)."""
    kind = document_kind(reference.number, language)
    if language == "en":
        issuer = _ISSUERS_IN_ENGLISH.get(reference.issuer, reference.issuer)
        return f"{kind} No. {reference.number} of {en_date(reference.date)} by {issuer}"
    return f"{kind} số {reference.number} ngày {vn_date(reference.date)} của {reference.issuer}"


def working_days(count: int, language: str = "vi") -> str:
    """3 ngày làm việc · 1 working day · 3 working days."""
    if language == "en":
        return f"{count} working day" if count == 1 else f"{count} working days"
    return f"{count} ngày làm việc"

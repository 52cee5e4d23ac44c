"""What Decree 30/2020/NĐ-CP fixes in the words of an administrative document, whatever renders it.

The national name and the motto, the place and date line, the number and symbol line and the
"Nơi nhận" list are written the same way on the page, in the Word file and in the workbook; they
are Vietnamese in every language of the report, as the document they head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS = "Nơi nhận"
NUMBER_BLANK = " " * 6  # where the clerk writes the number when the report is registered


def place_and_date(place: str, day: date) -> str:
    """ "Hải Dương, ngày 05 tháng 02 năm 2017": Decree 30 writes a 0 before days below 10 and months
    below 3 (so "tháng 02", but "tháng 3" and "tháng 12"), to keep the date from being altered by hand."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number_symbol: str) -> str:
    """ "Số:      /BC-SCT": a report not yet registered keeps a blank before "/" wide enough for its number."""
    text = " ".join(number_symbol.split())
    blank = re.fullmatch(r"(Số:)\s*/\s*(\S+)", text)
    if blank:
        return f"{blank.group(1)}{NUMBER_BLANK}/{blank.group(2)}"
    return text


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "- Như trên;" ... "- Lưu: VT, SCT.": a dash before each, a semicolon after it, a full stop after the last."""
    cleaned = [item.strip().lstrip("-").strip().rstrip(";.").strip() for item in recipients]
    cleaned = [item for item in cleaned if item]
    return [f"- {item}{'.' if index == len(cleaned) - 1 else ';'}" for index, item in enumerate(cleaned)]

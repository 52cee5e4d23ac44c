"""A thin re-export of ``sxsh_flow.words`` under the names the report renderers and the CLI still use.

Words and formats have one owner now, ``sxsh_flow.words.words(language)``; notifications/ and web/
call it directly. ``reports/`` and ``cli/`` switch in their own change: delete this module then.
"""

from __future__ import annotations

from datetime import date

from sxsh_flow.engine.message import LegalReference
from sxsh_flow.words import Number, words


def vn_date(day: date) -> str:
    return words("vi").date(day)


def vn_number(value: Number, decimals: int | None = None) -> str:
    return words("vi").number(value, decimals)


def en_number(value: Number, decimals: int | None = None) -> str:
    return words("en").number(value, decimals)


def cycle_name(label: str, language: str = "vi") -> str:
    return words(language).cycle_name(label)


def legal_reference(reference: LegalReference, language: str = "vi") -> str:
    return words(language).legal_reference(reference)

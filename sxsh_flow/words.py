"""Every word a person reads: gettext catalogues per layer, and one formatter per locale.

Messages are written in English in the code (``gettext("Deadline")``, ``N_("...")`` where the
language is chosen later) and translated from the catalogues in ``sxsh_flow/locale``: one ``.po``
file per layer and language (``base``, ``cli``, ``mail``, ``web``, ``reports``), edited with
Babel's ``pybabel extract/update`` (``make catalogues``) and compiled to ``.mo`` files when the
package is built or installed. A layer owns its catalogue; one language's catalogues load merged, so
a caller never names a domain.

``Words(language)`` also writes numbers, money, dates and weekdays the way that language writes
them (Babel's CLDR data): 1.234.567 and 8,5 in Vietnamese, 1,234,567 and 8.5 in English; dates
dd/mm/yyyy in Vietnamese, as Decree 30/2020/NĐ-CP wants them, with leading zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_FOLDER = Path(__file__).parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# One catalogue per layer that speaks, and the folders its messages are extracted from (.ci/catalogues).
DOMAINS: dict[str, tuple[str, ...]] = {
    "base": ("sxsh_flow", "agencies", "engine"),
    "mail": ("notifications",),
    "reports": ("reports",),
    "web": ("web",),
    "cli": ("cli", "workflows"),
}

# The calls `pybabel extract` reads messages from (.ci/catalogues; tests/base/test_words.py).
EXTRACT_KEYWORDS = ("N_", "gettext", "ngettext:1,2", "pgettext:1c,2", "NP_:1c,2")

Number = int | float | Decimal
# More digits than this before the decimal point are written in scientific form (Words.number).
WIDEST_NUMBER = 400


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark ``message`` for the catalogues without translating it yet (the language is chosen later)."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - as N_, with a context (pgettext)
    """Mark ``message`` said in ``context`` for the catalogues; translate later with ``pgettext``."""
    return message


class CataloguesMissing(RuntimeError):
    """The compiled catalogues are not there: the package was not built (``make catalogues``)."""


def language_of(value: str | None) -> str:
    """``value`` if it is a language we speak, else the default (Vietnamese)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """The merged catalogues of ``language`` (every layer's domain in one lookup)."""
    language = language_of(language)
    merged: Translations | None = None
    for domain in DOMAINS:
        mo = LOCALE_FOLDER / language / "LC_MESSAGES" / f"{domain}.mo"
        po = mo.with_suffix(".po")
        if not po.exists():
            continue
        if not mo.exists():
            raise CataloguesMissing(
                f"{mo} is missing: compile the catalogues with `make catalogues` (pybabel compile), "
                "or reinstall the package, which compiles them"
            )
        with mo.open("rb") as file:
            loaded = Translations(file, domain=domain)
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged or NullTranslations()


class _Reference(Protocol):
    """A legal document as a message or a report cites it."""

    @property
    def number(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def issuer(self) -> str: ...


# The kind of an administrative document is the code before the first "-" in the last part of its
# number and symbol: 1419/QĐ-TTg is a decision, 09/2019/NĐ-CP a decree (Decree 30/2020, App. I).
_DOCUMENT_KINDS: dict[str, str] = {
    "QĐ": N_("Decision"),
    "NĐ": N_("Decree"),
    "NQ": N_("Resolution"),
    "CT": N_("Directive"),
    "TT": N_("Circular"),
    "TTLT": N_("Joint Circular"),
    "KH": N_("Plan"),
    "BC": N_("Report"),
    "TB": N_("Notice"),
    "CV": N_("Official Letter"),
}
_ANY_DOCUMENT = N_("Document")
_ISSUERS: dict[str, str] = {  # issuers known by name in both languages; others are cited as written
    "Thủ tướng Chính phủ": N_("the Prime Minister"),
    "Chính phủ": N_("the Government"),
    "Bộ Công Thương": N_("the Ministry of Industry and Trade"),
    "Bộ Tài chính": N_("the Ministry of Finance"),
    "Bộ Tài nguyên và Môi trường": N_("the Ministry of Natural Resources and Environment"),
}


@dataclass(frozen=True)
class Words:
    """One language's words and formats; ``words(language)`` gives the shared instance."""

    language: str

    @property
    def english(self) -> bool:
        return self.language == "en"

    def gettext(self, message: str, **params: Any) -> str:
        """``message`` (an English msgid) in this language, with ``{name}`` fields filled in."""
        text = translations(self.language).gettext(message)
        return text.format(**params) if params else text

    def pgettext(self, context: str, message: str, **params: Any) -> str:
        """``message`` as said in ``context`` (one English word, two Vietnamese ones: a *scheduled*
        cycle is "chưa mở", a *scheduled* task run "chưa đến kỳ")."""
        text = str(translations(self.language).pgettext(context, message))
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, count: int, **params: Any) -> str:
        text = translations(self.language).ngettext(singular, plural, count)
        return text.format(count=count, **params)

    # --- numbers and money

    def number(self, value: Number, decimals: int | None = None) -> str:
        """1.234.567 and 8,5 (vi); 1,234,567 and 8.5 (en). With ``decimals``, rounded half up.

        Any value is written, however large: a stored figure must never stop a report. Decimal's
        default context holds 28 digits and rounding a longer number raises, so the rounding is done
        in a context as wide as the number; a number of more than ``WIDEST_NUMBER`` digits (no
        figure of a province has them) is written in scientific form, 1,234568E+5000.
        """
        # str() of a float is its shortest exact form (8.5, not 8.4999...): the digits a person typed.
        exact = value if isinstance(value, Decimal) else Decimal(value if isinstance(value, int) else str(value))
        if not exact.is_finite():
            return format_decimal(exact, locale=self.language)  # ∞, NaN: written, never raised on
        if exact.adjusted() > WIDEST_NUMBER:
            mantissa, _, exponent = format(exact, ".6E").partition("E")
            return self.number(Decimal(mantissa)) + "E" + exponent
        with localcontext() as context:
            context.prec = max(context.prec, exact.adjusted() + (decimals or 0) + 30)
            if decimals is None:
                return format_decimal(exact, locale=self.language)
            # Half up, as people round by hand; Babel's default is half even.
            rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return format_decimal(rounded, format=pattern, locale=self.language)

    def money(self, amount: Number) -> str:
        """1.023.600.000 đồng · 1,023,600,000 VND."""
        return self.gettext("{amount} VND", amount=self.number(amount))

    # --- dates

    def date(self, day: dt.date) -> str:
        """21/12/2016 (vi, day and month always on two digits) · 21 December 2016 (en)."""
        if self.english:
            return format_date(day, "d MMMM y", locale="en")
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"

    def weekday(self, day: dt.date) -> str:
        """Thứ Hai … Thứ Bảy, Chủ Nhật · Monday … Sunday."""
        return format_date(day, "EEEE", locale=self.language)

    def long_date(self, day: dt.date) -> str:
        """Thứ Tư, 21/12/2016 · Wednesday, 21 December 2016."""
        return f"{self.weekday(day)}, {self.date(day)}"

    # --- the plan's own words

    def cycle_name(self, label: str) -> str:
        """A reporting cycle's label ("2016", "2017-H1") as words: "năm 2016", "6 tháng đầu năm 2017"."""
        year, _, half = label.partition("-")
        if half == "H1":
            return self.gettext("first half of {year}", year=year)
        if half == "H2":
            return self.gettext("second half of {year}", year=year)
        return self.gettext("year {year}", year=year)

    def working_days(self, count: int) -> str:
        """3 ngày làm việc · 1 working day · 3 working days."""
        return self.ngettext("{count} working day", "{count} working days", count)

    def calendar_days(self, count: int) -> str:
        """3 ngày · 1 day · 3 days."""
        return self.ngettext("{count} day", "{count} days", count)

    def document_kind(self, number: str) -> str:
        """The kind of document a number and symbol denotes ("1419/QĐ-TTg" → "Quyết định")."""
        code = number.rsplit("/", 1)[-1].split("-", 1)[0].strip().upper()
        return self.gettext(_DOCUMENT_KINDS.get(code, _ANY_DOCUMENT))

    def legal_reference(self, reference: _Reference) -> str:
        """Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ (or its English form)."""
        issuer = self.gettext(_ISSUERS[reference.issuer]) if reference.issuer in _ISSUERS else reference.issuer
        return self.gettext(
            "{kind} No. {number} of {date} by {issuer}",
            kind=self.document_kind(reference.number),
            number=reference.number,
            date=self.date(reference.date),
            issuer=issuer,
        )


@cache
def words(language: str) -> Words:
    """The words of ``language`` (anything we do not speak falls back to Vietnamese)."""
    return Words(language_of(language))

"""The consolidated report's outline, defined once: its parts, items and appendices, numbered.

The Word file, the HTML page and the workbook follow this outline, and anything that points into
the report ("xem mục I.5" in the CLI, "Phụ lục II" in the body) takes the number from here, so no
output can have a section another lacks or number it otherwise. Parts are numbered I, II ... and
their items 1, 2 ..., as officials number a report by hand (Decree 30/2020/NĐ-CP, Appendix I);
appendices I, II ... after the signature, those without rows left out.

The body's numbers are fixed (a section with nothing in it says so rather than disappearing);
only the appendices depend on the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from sxsh_flow.engine.report_form import SECTION_LABELS, form_label
from sxsh_flow.engine.spec import Section
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.words import N_, words

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# The body, in order: (key, the part it belongs to or None for a part, its title). The titles of
# parts II-IV are the form's own section names, the words agencies wrote them under.
BODY: tuple[tuple[str, str | None, str], ...] = (
    ("results", None, N_("RESULTS")),
    ("indicators", "results", N_("The plan's indicators")),
    ("work_volume", "results", N_("Work volume")),
    ("funding", "results", N_("Implementation funding")),
    ("activities", "results", N_("What the agencies did")),
    ("reporting", "results", N_("How the agencies reported")),
    (Section.DIFFICULTIES.value, None, ""),
    (Section.RECOMMENDATIONS.value, None, ""),
    (Section.NEXT_TASKS.value, None, ""),
)
# The section of the form whose texts each heading shows (I.4 is what agencies wrote as results).
TEXT_SECTIONS: dict[str, str] = {
    "activities": Section.RESULTS.value,
    Section.DIFFICULTIES.value: Section.DIFFICULTIES.value,
    Section.RECOMMENDATIONS.value: Section.RECOMMENDATIONS.value,
    Section.NEXT_TASKS.value: Section.NEXT_TASKS.value,
}
APPENDICES: tuple[tuple[str, str], ...] = (
    ("enterprises", N_("ENTERPRISES TAKING PART")),
    ("funding_by_agency", N_("FUNDING PER AGENCY AND SOURCE")),
    ("indicators_by_agency", N_("INDICATORS PER AGENCY")),
)


@dataclass(frozen=True)
class Heading:
    key: str
    reference: str  # "I", "I.5", or an appendix's "I"
    title: str  # in the report's language, as the catalogue writes it
    level: int  # 1: a part; 2: an item of a part; 0: an appendix
    label: str  # how the document writes the heading: "I. KẾT QUẢ THỰC HIỆN", "5. Tình hình ...", "Phụ lục I"

    @property
    def appendix(self) -> bool:
        return self.level == 0


def body_outline(language: str = "vi") -> tuple[Heading, ...]:
    """The parts and items of the body, numbered, in ``language``."""
    w = words(language)
    headings: list[Heading] = []
    parts = items = 0
    for key, part, title in BODY:
        text = w.gettext(title) if title else form_label(SECTION_LABELS[Section(key)], language)
        if part is None:
            parts, items = parts + 1, 0
            roman = ROMAN[parts - 1]
            headings.append(Heading(key, roman, text, 1, f"{roman}. {text.upper()}"))
        else:
            items += 1
            headings.append(Heading(key, f"{ROMAN[parts - 1]}.{items}", text, 2, f"{items}. {text}"))
    return tuple(headings)


def appendix_keys(report: ConsolidatedReport) -> tuple[str, ...]:
    """The appendices ``report`` has: the enterprises always (seed 003's appendix, "none" if none), the
    funding per agency and the indicators per agency when they have rows."""
    present = {
        "enterprises": True,
        "funding_by_agency": bool(report.funding_by_agency),
        "indicators_by_agency": any(indicator.by_agency for indicator in report.indicators),
    }
    return tuple(key for key, _ in APPENDICES if present[key])


def outline(report: ConsolidatedReport) -> tuple[Heading, ...]:
    """Every heading of ``report``: the body's, then its appendices'."""
    w = words(report.language)
    titles = dict(APPENDICES)
    appendices = [
        Heading(key, ROMAN[index], w.gettext(titles[key]), 0, w.gettext("Appendix {number}", number=ROMAN[index]))
        for index, key in enumerate(appendix_keys(report))
    ]
    return (*body_outline(report.language), *appendices)


def heading(report: ConsolidatedReport, key: str) -> Heading:
    """The heading of ``key`` in ``report``; KeyError for a section it does not have."""
    for found in outline(report):
        if found.key == key:
            return found
    raise KeyError(key)


def reference(key: str) -> str:
    """The number of a body section, "I.5" for the reporting: what a message points to."""
    for found in body_outline():
        if found.key == key:
            return found.reference
    raise KeyError(key)

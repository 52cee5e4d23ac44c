"""A plan's agency codes and selectors checked against a province's directory, each with its place.

A plan file is valid on its own when every selector is well formed; whether ``SCTT`` names an
agency only the province's directory can say. ``agency_problems`` reads every selector of the file
(the plan's lead, the reporting recipient, each task's lead, partners and recipient, the selector
changes) and reports the codes the directory does not have, with the codes and names they resemble,
and the agencies that exist only outside the plan's years, with their dates.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from sxsh_flow.agencies.directory import Agency, Directory
from sxsh_flow.agencies.kinds import KIND_SELECTOR_PREFIX, AgencyKind
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.datafile import LoadedDocument, format_path
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.problems import Problem
from sxsh_flow.words import N_

_Path = tuple[int | str, ...]

_USE_A_DIRECTORY_CODE = N_("use an agency code of the province's directory (sxsh-flow agencies list)")
_NAME_ONE_IN_FORCE = N_("name an agency in force during the plan: the one that holds these duties then")


def selectors_in(data: Any) -> Iterator[tuple[_Path, str]]:
    """Every agency selector a plan document names, with its path, in the order of the file."""
    if not isinstance(data, dict):
        return
    yield from _at(("lead",), data.get("lead"))
    reporting = data.get("reporting")
    if isinstance(reporting, dict):
        yield from _at(("reporting", "recipient"), reporting.get("recipient"))
    for index, task in enumerate(_list(data.get("tasks"))):
        if isinstance(task, dict):
            for field in ("lead", "partners", "recipient"):
                yield from _at(("tasks", index, field), task.get(field))
    for index, change in enumerate(_list(data.get("selector_changes"))):
        if isinstance(change, dict):
            for field in ("selector", "becomes"):
                yield from _at(("selector_changes", index, field), change.get(field))


def agency_problems(document: LoadedDocument, spec: PlanSpec, registry: Registry, province: str) -> list[Problem]:
    """What in the plan ``document`` (already valid as ``spec``) the directory of ``province`` does not know.

    ``becomes`` of a selector change is read in the province that holds the plan on its ``since``
    (Hải Phòng after the 2025 merger), as the run reads it.
    """
    start = spec.effective_from or date(spec.period.first_year, 1, 1)
    end = date(spec.period.last_year, 12, 31)
    problems = []
    for path, selector in selectors_in(document.data):
        home = province
        if path[0] == "selector_changes" and path[-1] == "becomes":
            since = spec.selector_changes[int(path[1])].since
            home = registry.province_on(province, since).code
        problem = _problem(registry, home, selector, start, end)
        if problem is not None:
            msgid, hint, params = problem
            problems.append(
                Problem.phrased(document.source, format_path(path), document.line_of(path), msgid, hint, **params)
            )
    return problems


def suggestions(directory: Directory, code: str) -> list[str]:
    """The codes ``code`` may have meant: codes that look like it, then agencies whose name does.

    Codes are short, so only a close likeness counts (SCTT is SCT; STNMT is not). A name is compared
    without diacritics and with '-' as a space: SO-CONG-THUONG is Sở Công Thương.
    """
    codes = [agency.code for agency in directory.agencies]
    found = difflib.get_close_matches(code.upper(), codes, n=3, cutoff=0.75)
    names = {_plain(name): agency.code for agency in directory.agencies for name in _names(agency)}
    for name in difflib.get_close_matches(_plain(code), list(names), n=3, cutoff=0.6):
        if names[name] not in found:
            found.append(names[name])
    return found[:3]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d").replace("-", " "))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _problem(
    registry: Registry, home: str, selector: str, start: date, end: date
) -> tuple[str, str, dict[str, str | int | date]] | None:
    if home not in registry:
        return None  # a province the directories loaded do not reach: nothing to check against
    directory = registry.directory(home)
    if selector.startswith(KIND_SELECTOR_PREFIX):
        kind = selector.removeprefix(KIND_SELECTOR_PREFIX)
        if any(agency.kind is AgencyKind(kind) for agency in directory.agencies):
            return None
        return (
            N_("the directory of {province} has no agency of kind {kind}"),
            N_("check the kind, or import the province's directory with those agencies"),
            {"province": home, "kind": kind},
        )
    holder = registry.agency(selector, home)
    if holder is None:
        near = suggestions(directory, selector)
        if near:
            return (
                N_("unknown agency code '{code}' in the directory of {province}; did you mean {suggestions}?"),
                _USE_A_DIRECTORY_CODE,
                {"code": selector, "province": home, "suggestions": ", ".join(near)},
            )
        return (
            N_("unknown agency code '{code}' in the directory of {province}"),
            _USE_A_DIRECTORY_CODE,
            {"code": selector, "province": home},
        )
    agency = holder.agency
    if agency.valid_to is not None and agency.valid_to < start:
        successors = ", ".join(agency.successors)
        return (
            N_(
                "agency {code} ended on {valid_to}, before the plan begins on {start}; "
                "its duties passed to {successors}"
            )
            if successors
            else N_("agency {code} ended on {valid_to}, before the plan begins on {start}"),
            _NAME_ONE_IN_FORCE,
            {"code": selector, "valid_to": agency.valid_to, "start": start, "successors": successors},
        )
    if agency.valid_from is not None and agency.valid_from > end:
        return (
            N_("agency {code} begins on {valid_from}, after the plan ends on {end}"),
            _NAME_ONE_IN_FORCE,
            {"code": selector, "valid_from": agency.valid_from, "end": end},
        )
    return None


def _names(agency: Agency) -> list[str]:
    return [name for name in (agency.name, agency.short_name) if name]


def _at(path: _Path, value: object) -> Iterator[tuple[_Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*path, index), item


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []

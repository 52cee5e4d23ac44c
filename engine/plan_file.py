"""Load and validate plan files: every problem at once, with its line and a hint; never half-load.

Checks come in two passes over the same document. The structural pass (pydantic) checks types,
required fields and allowed values. The cross-field pass reads the raw mapping defensively, so it
runs even when the structural pass failed and a file with both kinds of problem shows them all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sxsh_flow.datafile import LoadedDocument, as_date, read_text, read_yaml, validate_document
from sxsh_flow.engine.spec import DEFAULT_ANNUAL_CUTOFF, MONTH_DAY_PATTERN, Cadence, Cutoff, PlanSpec
from sxsh_flow.errors import Phrase
from sxsh_flow.problems import InvalidPlan, Problem, Saying
from sxsh_flow.words import N_

_Path = tuple[int | str, ...]


@dataclass(frozen=True)
class LoadedPlan:
    """A valid plan and where it came from; ``content_hash`` pins the exact content a run used."""

    spec: PlanSpec
    source: str
    content_hash: str


def content_hash(spec: PlanSpec) -> str:
    """SHA-256 of the plan's canonical JSON: formatting and comments do not change it."""
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_plan_text(text: str, source: str) -> LoadedPlan | list[Problem]:
    document = read_yaml(text, source)
    if isinstance(document, Problem):
        return [document]
    structural = validate_document(document, PlanSpec)
    cross_field = [document.problem(path, message, hint) for path, message, hint in _cross_field_problems(document)]
    problems = (structural if isinstance(structural, list) else []) + cross_field
    if problems or isinstance(structural, list):
        return sorted(problems, key=lambda p: (p.line or 0, p.path))
    return LoadedPlan(structural, source, content_hash(structural))


def load_plan_text(text: str, source: str) -> LoadedPlan:
    result = check_plan_text(text, source)
    if isinstance(result, list):
        raise InvalidPlan(source, result)
    return result


def load_plan_file(path: Path) -> LoadedPlan:
    try:
        text = read_text(path)
    except OSError as exc:
        raise InvalidPlan(
            str(path),
            [Problem(str(path), "", None, Saying(N_("cannot read the file: {reason}"), reason=str(exc.strerror)))],
        ) from exc
    except UnicodeDecodeError as exc:
        raise InvalidPlan(
            str(path), [Problem(str(path), "", None, N_("the file is not UTF-8 text"), N_("save it as UTF-8"))]
        ) from exc
    return load_plan_text(text, str(path))


_RATIO_PARTS = {"numerator": N_("numerator"), "denominator": N_("denominator")}


# --- cross-field checks over the raw mapping -------------------------------------------------


def _cross_field_problems(document: LoadedDocument) -> Iterator[tuple[_Path, str, str]]:
    data = document.data if isinstance(document.data, dict) else {}
    first_year, last_year = _period(data)
    if first_year is not None and last_year is not None and first_year > last_year:
        yield (
            ("period", "last_year"),
            Saying(N_("the period ends ({last}) before it starts ({first})"), last=last_year, first=first_year),
            N_("swap the years"),
        )
    yield from _check_month_days(data)
    yield from _check_deadline(
        data.get("reporting", {}).get("deadline") if isinstance(data.get("reporting"), dict) else None,
        ("reporting", "deadline"),
    )
    indicators = _list(data.get("indicators"))
    yield from _duplicates(indicators, "code", ("indicators",), N_("indicator code"))
    known_indicators = {
        item.get("code") for item in indicators if isinstance(item, dict) and _hashable(item.get("code"))
    }
    for index, indicator in enumerate(indicators):
        if isinstance(indicator, dict):
            yield from _check_indicator(indicator, ("indicators", index), first_year, last_year)
    tasks = _list(data.get("tasks"))
    yield from _duplicates(tasks, "key", ("tasks",), N_("task key"))
    for index, task in enumerate(tasks):
        if isinstance(task, dict):
            yield from _check_task(
                task, ("tasks", index), known_indicators, _reporting_span(data, first_year, last_year)
            )
    yield from _check_effective_from(as_date(data.get("effective_from")), first_year, last_year)
    reminders = data.get("reminders")
    if isinstance(reminders, dict):
        yield from _check_reminders(reminders)


def _check_effective_from(
    effective: object, first_year: int | None, last_year: int | None
) -> Iterator[tuple[_Path, str, str]]:
    if not isinstance(effective, date) or first_year is None or last_year is None:
        return
    if not first_year - 1 <= effective.year <= last_year:
        message = Saying(
            N_("{day} lies outside the period {first}–{last}"),
            day=effective.isoformat(),
            first=first_year,
            last=last_year,
        )
        yield ("effective_from",), message, N_("use a date inside the plan period")


def _reporting_span(data: dict[str, Any], first_year: int | None, last_year: int | None) -> tuple[date, date] | None:
    """From the first annual cut-off's start to the last one's end: where tasks done once may fall."""
    if first_year is None or last_year is None or first_year > last_year:
        return None
    reporting = data.get("reporting")
    given = reporting.get("cutoff_annual") if isinstance(reporting, dict) else None
    try:
        cutoff = Cutoff.model_validate(given) if given is not None else DEFAULT_ANNUAL_CUTOFF
        return cutoff.period_of(first_year)[0], cutoff.period_of(last_year)[1]
    except ValueError:
        return None  # the cut-off itself is reported by the other checks


def _period(data: dict[str, Any]) -> tuple[int | None, int | None]:
    period = data.get("period")
    if not isinstance(period, dict):
        return None, None
    first, last = period.get("first_year"), period.get("last_year")
    return (first if isinstance(first, int) else None, last if isinstance(last, int) else None)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _one_or_many(value: object) -> list[Any]:
    return [value] if isinstance(value, str) else _list(value)


def _hashable(value: object) -> bool:
    return value is not None and not isinstance(value, dict | list)


def _duplicates(items: Sequence[Any], field: str, where: _Path, what: str) -> Iterator[tuple[_Path, str, str]]:
    # A value that is not a scalar (a list, a map) is the structural check's to report, not counted here.
    counts = Counter(item.get(field) for item in items if isinstance(item, dict) and _hashable(item.get(field)))
    seen: set[object] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        value = item.get(field)
        if _hashable(value) and counts.get(value, 0) > 1:
            if value in seen:
                yield (
                    (*where, index, field),
                    Saying(N_("duplicate {what} '{value}'"), what=Phrase(what), value=value),
                    Saying(N_("each {what} must be unique"), what=Phrase(what)),
                )
            seen.add(value)


def _check_month_days(data: dict[str, Any]) -> Iterator[tuple[_Path, str, str]]:
    reporting = data.get("reporting")
    if not isinstance(reporting, dict):
        return
    for cutoff_key in ("cutoff_annual", "cutoff_six_monthly"):
        cutoff = reporting.get(cutoff_key)
        if isinstance(cutoff, dict):
            for end in ("start", "end"):
                yield from _check_month_day(cutoff.get(end), ("reporting", cutoff_key, end))


def _check_month_day(value: object, path: _Path) -> Iterator[tuple[_Path, str, str]]:
    if not isinstance(value, str) or not re.match(MONTH_DAY_PATTERN, value):
        return  # the structural pass reports the form
    try:
        month, day = int(value[:2]), int(value[3:])
        date(2001, month, day)  # a common year: 02-29 would not exist in most years
    except ValueError:
        yield (
            path,
            Saying(N_("'{value}' is not a day that exists every year"), value=value),
            N_("use a real MM-DD such as 12-14"),
        )


def _check_deadline(deadline: object, path: _Path) -> Iterator[tuple[_Path, str, str]]:
    if not isinstance(deadline, dict):
        return
    has_offset = deadline.get("days_after_cutoff") is not None
    has_fixed = deadline.get("on_day") is not None
    if has_offset == has_fixed:
        yield (
            path,
            N_("a deadline needs exactly one of 'days_after_cutoff' or 'on_day'"),
            'e.g. days_after_cutoff: 5, or on_day: "12-20"',
        )
    yield from _check_month_day(deadline.get("on_day"), (*path, "on_day"))


def _check_indicator(
    indicator: dict[str, Any], path: _Path, first_year: int | None, last_year: int | None
) -> Iterator[tuple[_Path, str, str]]:
    if indicator.get("aggregation") == "ratio":
        for part in ("numerator", "denominator"):
            if not indicator.get(part):
                yield (
                    (*path, part),
                    Saying(N_("a ratio indicator needs its {part}"), part=Phrase(_RATIO_PARTS[part])),
                    Saying(N_("describe what is counted as the {part}"), part=Phrase(_RATIO_PARTS[part])),
                )
    target = indicator.get("target")
    if not isinstance(target, dict):
        return
    stages = _list(target.get("stages"))
    low, high = target.get("min"), target.get("max")
    if low is None and high is None and not stages:
        yield (*path, "target"), N_("a target needs 'min', 'max' or both"), N_("e.g. min: 90, or min: 8 and max: 13")
    else:
        yield from _check_range(low, high, (*path, "target"))
    yield from _check_stages(stages, (*path, "target", "stages"), first_year, last_year)


def _check_range(low: object, high: object, path: _Path) -> Iterator[tuple[_Path, str, str]]:
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        yield path, Saying(N_("the range {low}–{high} is empty"), low=low, high=high), N_("min must not exceed max")


def _check_stages(
    stages: list[Any], path: _Path, first_year: int | None, last_year: int | None
) -> Iterator[tuple[_Path, str, str]]:
    """Each stage asks something, ends inside the plan's period, and after the stage before it."""
    previous: int | None = None
    for index, stage in enumerate(stages):
        if not isinstance(stage, dict):
            continue  # the structural pass reports it
        where = (*path, index)
        low, high = stage.get("min"), stage.get("max")
        if low is None and high is None:
            yield where, N_("a stage needs 'min', 'max' or both"), N_("e.g. until_year: 2025, min: 70")
        yield from _check_range(low, high, where)
        year = stage.get("until_year")
        if not isinstance(year, int) or isinstance(year, bool):
            continue
        if first_year is not None and last_year is not None and not first_year <= year <= last_year:
            yield (
                (*where, "until_year"),
                Saying(N_("{day} lies outside the period {first}–{last}"), day=year, first=first_year, last=last_year),
                N_("end each stage in a year of the plan"),
            )
        if previous is not None and year <= previous:
            yield (
                (*where, "until_year"),
                Saying(
                    N_("this stage ends in {year}, not after the stage before it ({previous})"),
                    year=year,
                    previous=previous,
                ),
                N_("list the stages in increasing years"),
            )
        previous = year


def _check_task(
    task: dict[str, Any],
    path: _Path,
    known_indicators: set[object],
    span: tuple[date, date] | None,
) -> Iterator[tuple[_Path, str, str]]:
    cadence = task.get("cadence", Cadence.ANNUAL.value)
    due = as_date(task.get("due")) or task.get("due")
    if cadence == Cadence.ONCE.value:
        if due is None:
            yield (*path, "cadence"), N_("a task done once needs its 'due' date"), N_("add due: YYYY-MM-DD")
        elif isinstance(due, date) and span is not None and not span[0] <= due <= span[1]:
            yield (
                (*path, "due"),
                Saying(
                    N_("{day} lies outside the plan's reporting periods ({start} to {end})"),
                    day=due.isoformat(),
                    start=span[0].isoformat(),
                    end=span[1].isoformat(),
                ),
                N_("use a date inside one of the plan's annual cut-off periods"),
            )
        if task.get("deadline") is not None:
            yield (
                (*path, "deadline"),
                N_("a task done once has a 'due' date, not a deadline rule"),
                N_("remove 'deadline'"),
            )
    elif due is not None:
        yield (
            (*path, "due"),
            Saying(N_("'due' is only for tasks done once; this one is {cadence}"), cadence=cadence),
            N_("remove 'due' or set cadence: once"),
        )
    yield from _check_deadline(task.get("deadline"), (*path, "deadline"))
    report = task.get("report")
    if isinstance(report, dict):
        for index, code in enumerate(_list(report.get("indicators"))):
            if isinstance(code, str) and code not in known_indicators:  # others: the structural check's
                known = ", ".join(sorted(str(c) for c in known_indicators if c)) or "none defined"
                yield (
                    (*path, "report", "indicators", index),
                    Saying(N_("unknown indicator '{code}'"), code=code),
                    Saying(N_("known indicators: {known}"), known=known),
                )
        yield from _duplicates(_list(report.get("fields")), "key", (*path, "report", "fields"), "field key")
    leads = _one_or_many(task.get("lead"))
    partners = task.get("partners")
    for index, partner in enumerate(_one_or_many(partners)):
        if partner in leads:
            where = (*path, "partners", index) if isinstance(partners, list) else (*path, "partners")
            yield (
                where,
                Saying(N_("'{partner}' is already a lead of this task"), partner=partner),
                N_("list it once, as lead or as partner"),
            )


def _check_reminders(reminders: dict[str, Any]) -> Iterator[tuple[_Path, str, str]]:
    before = _list(reminders.get("before_due"))
    for index, days in enumerate(before):
        if isinstance(days, int) and days <= 0:
            yield (
                ("reminders", "before_due", index),
                Saying(N_("{days} is not a number of days before the deadline"), days=days),
                N_("use positive numbers; on_due covers the day itself"),
            )
    if len(set(map(str, before))) != len(before):
        yield ("reminders", "before_due"), N_("the same day is listed twice"), N_("list each day once")
    hours = reminders.get("office_hours")
    if isinstance(hours, list) and len(hours) == 2 and all(isinstance(h, int) for h in hours):
        start, end = hours
        if not 0 <= start < end <= 24:
            yield (
                ("reminders", "office_hours"),
                Saying(N_("office hours {start}–{end} are not a span of the day"), start=start, end=end),
                N_("e.g. [8, 17]"),
            )

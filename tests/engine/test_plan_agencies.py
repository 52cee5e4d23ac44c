"""A plan's agency selectors, each with its place, checked against a directory: unknown codes with
what they resemble, kinds the province lacks, agencies that exist only outside the plan's years."""

from __future__ import annotations

from importlib import resources

from sxsh_flow.agencies.loader import builtin_directory, builtin_history
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.datafile import LoadedDocument, read_yaml
from sxsh_flow.engine.plan_agencies import agency_problems, selectors_in, suggestions
from sxsh_flow.engine.plan_file import load_plan_text

PLAN_TEXT = (resources.files("sxsh_flow.workflows") / "plans" / "plan-2016-2020.yaml").read_text(encoding="utf-8")
HD = builtin_directory("HD")


def check(text: str) -> list[tuple[str, str]]:
    document = read_yaml(text, "plan.yaml")
    assert isinstance(document, LoadedDocument)
    spec = load_plan_text(text, "plan.yaml").spec
    problems = agency_problems(document, spec, Registry(builtin_history("HD")), "HD")
    return [(problem.path, problem.message) for problem in problems]


def test_every_selector_of_a_plan_is_found_with_its_path() -> None:
    data = {
        "lead": "SCT",
        "reporting": {"recipient": "UBND-TINH"},
        "tasks": [{"lead": ["SCT", "kind:district"], "partners": "BQLKCN", "recipient": "SCT"}],
        "selector_changes": [{"selector": "STNMT", "becomes": "SNNMT", "since": "2025-03-01"}],
    }

    assert list(selectors_in(data)) == [
        (("lead",), "SCT"),
        (("reporting", "recipient"), "UBND-TINH"),
        (("tasks", 0, "lead", 0), "SCT"),
        (("tasks", 0, "lead", 1), "kind:district"),
        (("tasks", 0, "partners"), "BQLKCN"),
        (("tasks", 0, "recipient"), "SCT"),
        (("selector_changes", 0, "selector"), "STNMT"),
        (("selector_changes", 0, "becomes"), "SNNMT"),
    ]


def test_a_code_is_suggested_by_its_likeness_or_by_its_agencys_name_without_diacritics() -> None:
    assert suggestions(HD, "SCTT") == ["SCT"]
    assert suggestions(HD, "SKHCM") == ["SKHCN"]
    assert "SCT" in suggestions(HD, "SO-CONG-THUONG")
    assert suggestions(HD, "XYZ") == []


def test_the_built_in_plan_has_no_problem_against_its_sample_directory() -> None:
    assert check(PLAN_TEXT) == []


def test_unknown_codes_and_agencies_outside_the_plans_years_are_reported() -> None:
    text = PLAN_TEXT.replace("lead: SKHCN", "lead: SKHCM", 1).replace("lead: STNMT", "lead: SNNMT", 1)

    problems = check(text)

    assert [message for _, message in problems] == [
        "unknown agency code 'SKHCM' in the directory of HD; did you mean SKHCN?",
        "agency SNNMT begins on 1 March 2025, after the plan ends on 31 December 2020",
    ]
    assert all(path.startswith("tasks[") and path.endswith("].lead") for path, _ in problems)


def test_an_agency_that_ended_before_the_plan_is_reported_with_its_date_and_successors() -> None:
    # The same plan moved to 2025–2026, after STNMT ended (28/02/2025) and passed its duties to SNNMT.
    text = (
        PLAN_TEXT.replace("first_year: 2016", "first_year: 2025")
        .replace("last_year: 2020", "last_year: 2026")
        .replace("effective_from: 2016-09-01", "effective_from: 2025-04-01")
        .replace("2017-06-30", "2025-06-30")  # a one-off task's deadline, moved with the years
    )

    problems = dict(check(text))

    stnmt = next(message for message in problems.values() if message.startswith("agency STNMT"))
    assert stnmt == (
        "agency STNMT ended on 28 February 2025, before the plan begins on 1 April 2025; its duties passed to SNNMT"
    )

"""Loading plan files: the built-in plan, the content hash, and every problem of a broken file at once.

Each kind of problem has its own test on a small plan (see ``conftest.py``): it checks the path,
the line (found by searching the dumped text), the message and the hint a coordinator reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.datafile import format_path
from sxsh_flow.engine.plan_file import LoadedPlan, check_plan_text, content_hash, load_plan_file, load_plan_text
from sxsh_flow.errors import UnknownPlan
from sxsh_flow.problems import InvalidDataFile, InvalidPlan, Problem
from sxsh_flow.workflows import builtin_plan_keys, load_builtin_plan, resolve_plan

SOURCE = "plan.yaml"
Plan = dict[str, Any]  # plan data from the `plan` fixture (conftest.py)
BUILTIN_KEY = "plan-2016-2020"
PlanText = Callable[..., str]


def builtin_text() -> str:
    return (resources.files("sxsh_flow.workflows") / "plans" / f"{BUILTIN_KEY}.yaml").read_text(
        encoding="utf-8",
    )


def rejected(text: str) -> list[Problem]:
    result = check_plan_text(text, SOURCE)
    assert isinstance(result, list), "the plan should have been rejected"
    assert all(problem.source == SOURCE for problem in result)
    return result


def lines_of(text: str, fragment: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line]


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the only line containing ``fragment``."""
    numbers = lines_of(text, fragment)
    assert len(numbers) == 1, f"{fragment!r} is on lines {numbers}"
    return numbers[0]


# --- the built-in plan ----------------------------------------------------------------------------

HAI_DUONG_INDICATORS = [
    "informed",
    "applying",
    "saving",
    "officers_trained",
    "quick_assessments",
    "detailed_assessments",
    "training_events",
    "leaflets",
]


@pytest.fixture(scope="module")
def builtin() -> LoadedPlan:
    return load_builtin_plan(BUILTIN_KEY)


def test_the_builtin_plan_is_listed() -> None:
    assert BUILTIN_KEY in builtin_plan_keys()


def test_the_builtin_plan_loads_with_its_sixteen_tasks(builtin: LoadedPlan) -> None:
    spec = builtin.spec
    assert spec.key == BUILTIN_KEY
    assert spec.province == "HD"
    assert (spec.period.first_year, spec.period.last_year) == (2016, 2020)
    assert len(spec.tasks) == 16
    assert len({task.key for task in spec.tasks}) == 16
    assert builtin.source == f"{BUILTIN_KEY} (built-in)"


def test_the_builtin_plan_names_the_indicators_of_the_hai_duong_plan(builtin: LoadedPlan) -> None:
    assert [indicator.code for indicator in builtin.spec.indicators] == HAI_DUONG_INDICATORS


@pytest.mark.parametrize(
    ("code", "low", "high"),
    [("informed", 90, None), ("applying", 50, None), ("saving", 8, 13), ("officers_trained", 100, None)],
)
def test_the_builtin_plan_keeps_the_targets_of_the_provincial_plan(
    builtin: LoadedPlan,
    code: str,
    low: float,
    high: float | None,
) -> None:
    target = builtin.spec.indicator(code).target
    assert target is not None
    assert (target.min, target.max) == (low, high)


def test_the_builtin_plan_rests_on_decision_1419(builtin: LoadedPlan) -> None:
    first = builtin.spec.legal_basis[0]
    assert (first.number, first.date) == ("1419/QĐ-TTg", date(2009, 9, 7))


def test_the_builtin_plan_assigns_tasks_to_every_agency_of_the_hai_duong_plan(builtin: LoadedPlan) -> None:
    leads = {selector for task in builtin.spec.tasks for selector in task.lead}
    assert leads == {"SCT", "SKHCN", "STC", "STNMT", "SKHDT", "BQLKCN", "kind:district"}


def test_the_builtin_plan_names_only_agencies_of_the_builtin_directory(builtin: LoadedPlan) -> None:
    registry = Registry([builtin_directory(builtin.spec.province)])
    spec = builtin.spec
    selectors = {spec.lead, spec.reporting.recipient}
    for task in spec.tasks:
        selectors |= {*task.lead, *task.partners, spec.recipient_of(task)}
    effective = spec.effective_from or date(spec.period.first_year, 1, 1)
    unanswered = sorted(s for s in selectors if not registry.holders(s, spec.province, effective))
    assert unanswered == []


def test_an_unknown_plan_key_lists_the_builtin_plans() -> None:
    with pytest.raises(UnknownPlan) as error:
        load_builtin_plan("plan-2099")
    assert error.value.key == "plan-2099"
    assert BUILTIN_KEY in error.value.message("en")
    assert isinstance(error.value, LookupError)


def test_resolve_plan_reads_a_plan_file_whose_key_matches(
    tmp_path: Path,
    plan: Plan,
    plan_text: PlanText,
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(plan_text(plan), encoding="utf-8")
    assert resolve_plan("demo-plan", path).spec.key == "demo-plan"
    assert resolve_plan(None, path).source == str(path)
    with pytest.raises(UnknownPlan):
        resolve_plan(BUILTIN_KEY, path)


def test_resolve_plan_without_key_or_file_lists_the_builtin_plans() -> None:
    with pytest.raises(UnknownPlan, match=BUILTIN_KEY):
        resolve_plan(None, None)
    assert resolve_plan(BUILTIN_KEY, None).spec.key == BUILTIN_KEY


# --- the content hash -----------------------------------------------------------------------------


def test_the_content_hash_is_the_sha256_of_the_spec(builtin: LoadedPlan) -> None:
    assert len(builtin.content_hash) == 64
    assert set(builtin.content_hash) <= set("0123456789abcdef")
    assert builtin.content_hash == content_hash(builtin.spec)


def test_the_content_hash_is_stable_across_loads(builtin: LoadedPlan) -> None:
    assert load_builtin_plan(BUILTIN_KEY).content_hash == builtin.content_hash
    assert load_plan_text(builtin_text(), "elsewhere.yaml").content_hash == builtin.content_hash


@pytest.mark.parametrize(
    "dump",
    [
        lambda data: yaml.safe_dump(
            data,
            sort_keys=True,
            default_flow_style=True,
            allow_unicode=False,
            width=10_000,
        ),
        lambda data: yaml.safe_dump(
            data,
            sort_keys=False,
            default_flow_style=False,
            allow_unicode=True,
            indent=4,
        ),
    ],
    ids=["flow-sorted-escaped", "block-indent-4"],
)
def test_the_content_hash_ignores_comments_and_formatting(
    builtin: LoadedPlan,
    dump: Callable[[Any], str],
) -> None:
    def comments(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.lstrip().startswith("#")]

    redumped = dump(yaml.safe_load(builtin_text()))
    assert comments(builtin_text())
    assert not comments(redumped)
    assert load_plan_text(redumped, "redumped.yaml").content_hash == builtin.content_hash


def test_spelling_out_a_default_does_not_change_the_content_hash(builtin: LoadedPlan) -> None:
    data = yaml.safe_load(builtin_text())
    data["tasks"][0]["cadence"] = "annual"
    data["tasks"][0]["report"]["funding"] = True
    redumped = load_plan_text(yaml.safe_dump(data, allow_unicode=True), SOURCE)
    assert redumped.content_hash == builtin.content_hash


def _retitle(data: dict[str, Any]) -> None:
    data["tasks"][0]["title"] += " (sửa đổi)"


def _raise_target(data: dict[str, Any]) -> None:
    data["indicators"][0]["target"]["min"] = 95


def _add_partner(data: dict[str, Any]) -> None:
    data["tasks"][1]["partners"] = ["STC"]


def _new_version(data: dict[str, Any]) -> None:
    data["version"] = "2016.2"


@pytest.mark.parametrize("change", [_retitle, _raise_target, _add_partner, _new_version])
def test_the_content_hash_changes_with_the_content(
    builtin: LoadedPlan,
    change: Callable[[dict[str, Any]], None],
) -> None:
    data = yaml.safe_load(builtin_text())
    change(data)
    redumped = load_plan_text(yaml.safe_dump(data, allow_unicode=True), SOURCE)
    assert redumped.content_hash != builtin.content_hash


# --- a valid plan ---------------------------------------------------------------------------------


def test_a_valid_plan_gives_a_loaded_plan(plan: Plan, plan_text: PlanText) -> None:
    result = check_plan_text(plan_text(plan), SOURCE)
    assert isinstance(result, LoadedPlan)
    assert result.source == SOURCE
    assert result.spec.key == "demo-plan"
    assert result.content_hash == content_hash(result.spec)


def test_load_plan_file_reads_utf8_text(tmp_path: Path, plan: Plan, plan_text: PlanText) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(plan_text(plan), encoding="utf-8")
    loaded = load_plan_file(path)
    assert loaded.source == str(path)
    assert loaded.spec.title == plan["title"]


def test_load_plan_text_raises_invalid_plan_carrying_every_problem(plan: Plan, plan_text: PlanText) -> None:
    del plan["title"]
    plan["tasks"][1]["due"] = date(2017, 6, 30)
    text = plan_text(plan)
    with pytest.raises(InvalidPlan) as error:
        load_plan_text(text, SOURCE)
    assert error.value.problems == tuple(rejected(text))
    assert len(error.value.problems) == 2
    assert error.value.source == SOURCE
    assert error.value.exit_code == 65
    assert "2 problem(s)" in error.value.message("en")
    assert isinstance(error.value, InvalidDataFile)


# --- problems reading the file --------------------------------------------------------------------


def test_a_yaml_syntax_error_is_the_only_problem_and_carries_its_line() -> None:
    text = "format: 1\nkey: demo-plan\n  version: '1'\ntitle: Demo\n"
    [problem] = rejected(text)
    assert problem.line == 3
    assert problem.path == ""
    assert problem.message.startswith("YAML syntax error")
    assert "indentation" in problem.hint


def test_an_unclosed_list_is_a_syntax_error_near_where_the_parser_gave_up() -> None:
    text = "format: 1\nkey: demo-plan\ntasks: [one, two\nlead: SCT\n"
    [problem] = rejected(text)
    assert problem.message.startswith("YAML syntax error")
    assert problem.line in (3, 4)


@pytest.mark.parametrize("text", ["- one\n- two\n", "just text\n", ""], ids=["list", "scalar", "empty"])
def test_a_file_that_is_not_a_mapping_is_one_problem(text: str) -> None:
    [problem] = rejected(text)
    assert "mapping at the top level" in problem.message


def test_a_missing_file_is_an_invalid_plan(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(InvalidPlan) as error:
        load_plan_file(path)
    [problem] = error.value.problems
    assert problem.source == str(path)
    assert "cannot read the file" in problem.message


def test_a_file_that_is_not_utf8_is_an_invalid_plan(tmp_path: Path, plan: Plan, plan_text: PlanText) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(plan_text(plan).encode("utf-16"))
    with pytest.raises(InvalidPlan) as error:
        load_plan_file(path)
    [problem] = error.value.problems
    assert problem.message == "the file is not UTF-8 text"
    assert problem.hint == "save it as UTF-8"


# --- one test per kind of problem -----------------------------------------------------------------


def test_a_missing_required_field(plan: Plan, plan_text: PlanText) -> None:
    del plan["tasks"][1]["title"]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[1].title"
    assert problem.line == line_of(text, "- key: district-report")
    assert problem.message == "this field is required"
    assert problem.hint == "add this field"


def test_a_missing_top_level_field_points_at_the_start_of_the_document(
    plan: Plan,
    plan_text: PlanText,
) -> None:
    del plan["title"]
    [problem] = rejected(plan_text(plan))
    assert (problem.path, problem.line, problem.hint) == ("title", 1, "add this field")


def test_an_unknown_field_suggests_the_field_it_resembles(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][0]["titel"] = "Tuyên truyền"
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[0].titel"
    assert problem.line == line_of(text, "titel:")
    assert problem.message == "this field is not allowed here"
    assert problem.hint == "did you mean 'title'?"


def test_an_unknown_top_level_field_suggests_the_field_it_resembles(plan: Plan, plan_text: PlanText) -> None:
    plan["legal_basics"] = []
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("legal_basics", line_of(text, "legal_basics:"))
    assert problem.hint == "did you mean 'legal_basis'?"


def test_an_unknown_field_unlike_any_lists_the_allowed_ones(plan: Plan, plan_text: PlanText) -> None:
    plan["period"]["colour"] = "green"
    [problem] = rejected(plan_text(plan))
    assert problem.path == "period.colour"
    assert problem.hint == "allowed here: first_year, last_year"


def test_an_unknown_field_deep_in_a_report_form_suggests_from_that_form(
    plan: Plan,
    plan_text: PlanText,
) -> None:
    plan["tasks"][0]["report"]["fields"] = [{"key": "tours", "lable": "Số đoàn"}]
    problems = rejected(plan_text(plan))
    by_path = {problem.path: problem for problem in problems}
    assert by_path["tasks[0].report.fields[0].lable"].hint == "did you mean 'label'?"
    assert by_path["tasks[0].report.fields[0].label"].message == "this field is required"


def test_a_value_of_the_wrong_type(plan: Plan, plan_text: PlanText) -> None:
    plan["period"]["first_year"] = "hai nghìn"
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "period.first_year"
    assert problem.line == line_of(text, "period:")
    assert problem.message == "a whole number is expected"
    assert problem.hint == "write a whole number"


@pytest.mark.parametrize(
    ("change", "path", "hint"),
    [
        ({"cadence": "monthly"}, "tasks[0].cadence", "use one of the listed values"),
        ({"cadence": "once", "due": "30/06/2017"}, "tasks[0].due", "write the date as YYYY-MM-DD"),
        ({"report": {"funding": "có"}}, "tasks[0].report.funding", "write true or false"),
        ({"key": "Tuyên truyền"}, "tasks[0].key", "see the allowed form"),
        ({"title": ""}, "tasks[0].title", ""),
    ],
    ids=["cadence", "due", "funding", "key", "title"],
)
def test_a_task_field_with_a_value_it_cannot_take(
    plan: Plan,
    plan_text: PlanText,
    change: dict[str, Any],
    path: str,
    hint: str,
) -> None:
    plan["tasks"][0].update(change)
    [problem] = rejected(plan_text(plan))
    assert problem.path == path
    assert problem.hint.startswith(hint)


def test_a_bad_agency_selector(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][0]["lead"] = ["SCT", "sct"]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path.startswith("tasks[0].lead")
    assert problem.line == line_of(text, "lead: [SCT, sct]")
    assert "'sct' is neither an agency code" in problem.message
    assert "kind:district" in problem.message


def test_a_bad_plan_lead_and_recipient_are_reported_too(plan: Plan, plan_text: PlanText) -> None:
    plan["lead"] = "Sở Công Thương"
    plan["tasks"][1]["recipient"] = "kind:people"
    text = plan_text(plan)
    problems = {problem.path: problem for problem in rejected(text)}
    assert set(problems) == {"lead", "tasks[1].recipient"}
    assert problems["lead"].line == line_of(text, "lead: Sở Công Thương")
    assert problems["tasks[1].recipient"].line == line_of(text, "recipient:")


def test_a_bad_kind_selector_lists_the_kinds(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1]["lead"] = ["kind:distric"]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path.startswith("tasks[1].lead")
    assert problem.line == line_of(text, "kind:distric")
    assert "'kind:distric' names no agency kind" in problem.message
    assert "kind:district" in problem.message.split("use one of:")[1]


def test_a_duplicate_task_key_is_reported_at_the_second_one(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1]["key"] = "dissemination"
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[1].key"
    assert problem.line == lines_of(text, "key: dissemination")[1]
    assert problem.message == "duplicate task key 'dissemination'"
    assert problem.hint == "each task key must be unique"


def test_a_duplicate_indicator_code_is_reported_at_the_second_one(plan: Plan, plan_text: PlanText) -> None:
    plan["indicators"].append(dict(plan["indicators"][1], name="Tờ rơi (lần hai)"))
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "indicators[2].code"
    assert problem.line == lines_of(text, "code: leaflets")[1]
    assert problem.message == "duplicate indicator code 'leaflets'"
    assert problem.hint == "each indicator code must be unique"


def test_a_report_form_naming_an_unknown_indicator(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][0]["report"]["indicators"] = ["informed", "enterprises_assessed"]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[0].report.indicators[1]"
    assert problem.line == line_of(text, "enterprises_assessed")
    assert problem.message == "unknown indicator 'enterprises_assessed'"
    assert problem.hint == "known indicators: informed, leaflets"


def test_a_task_done_once_without_a_due_date(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1]["cadence"] = "once"
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[1].cadence"
    assert problem.line == line_of(text, "cadence: once")
    assert "needs its 'due' date" in problem.message
    assert problem.hint == "add due: YYYY-MM-DD"


def test_a_task_done_once_with_a_due_date_in_the_period_is_valid(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1].update(cadence="once", due=date(2017, 6, 30))
    assert isinstance(check_plan_text(plan_text(plan), SOURCE), LoadedPlan)


def test_a_task_done_once_due_outside_the_period(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1].update(cadence="once", due=date(2030, 1, 1))
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("tasks[1].due", line_of(text, "due: 2030-01-01"))
    assert "2030-01-01 lies outside the plan's reporting periods" in problem.message


def test_a_task_done_once_with_a_deadline_rule(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1].update(cadence="once", due=date(2017, 6, 30), deadline={"days_after_cutoff": 5})
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("tasks[1].deadline", line_of(text, "deadline:"))
    assert problem.hint == "remove 'deadline'"


@pytest.mark.parametrize("cadence", [None, "annual", "six_monthly"])
def test_a_due_date_on_a_recurring_task(plan: Plan, plan_text: PlanText, cadence: str | None) -> None:
    if cadence is not None:
        plan["tasks"][1]["cadence"] = cadence
    plan["tasks"][1]["due"] = date(2017, 6, 30)
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[1].due"
    assert problem.line == line_of(text, "due: 2017-06-30")
    assert problem.message == f"'due' is only for tasks done once; this one is {cadence or 'annual'}"
    assert problem.hint == "remove 'due' or set cadence: once"


@pytest.mark.parametrize(
    "deadline",
    [{"days_after_cutoff": 5, "on_day": "12-20"}, {"working_days": True}, {}],
    ids=["both", "neither", "empty"],
)
def test_a_deadline_needs_exactly_one_of_days_after_cutoff_or_on(
    plan: Plan,
    plan_text: PlanText,
    deadline: dict[str, Any],
) -> None:
    plan["tasks"][1]["deadline"] = deadline
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[1].deadline"
    assert problem.line == line_of(text, "deadline:")
    assert problem.message == "a deadline needs exactly one of 'days_after_cutoff' or 'on_day'"


def test_the_plan_wide_deadline_is_checked_like_a_task_deadline(plan: Plan, plan_text: PlanText) -> None:
    plan["reporting"] = {"deadline": {"days_after_cutoff": 5, "on_day": "12-20"}}
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("reporting.deadline", line_of(text, "deadline:"))


@pytest.mark.parametrize(
    ("reporting", "path", "fragment"),
    [
        (
            {"cutoff_annual": {"start": "02-30", "end": "12-14"}},
            "reporting.cutoff_annual.start",
            "cutoff_annual:",
        ),
        (
            {"cutoff_six_monthly": {"start": "12-15", "end": "04-31"}},
            "reporting.cutoff_six_monthly.end",
            "cutoff_six",
        ),
        ({"deadline": {"on_day": "02-29"}}, "reporting.deadline.on_day", "deadline:"),
    ],
    ids=["cutoff-start-02-30", "cutoff-end-04-31", "deadline-on-02-29"],
)
def test_a_month_day_that_does_not_exist_every_year(
    plan: Plan,
    plan_text: PlanText,
    reporting: dict[str, Any],
    path: str,
    fragment: str,
) -> None:
    plan["reporting"] = reporting
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == path
    assert problem.line == line_of(text, fragment)
    assert "is not a day that exists every year" in problem.message
    assert problem.hint == "use a real MM-DD such as 12-14"


def test_an_impossible_month_day_in_a_task_deadline(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1]["deadline"] = {"on_day": "02-30"}
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("tasks[1].deadline.on_day", line_of(text, "02-30"))


def test_a_month_day_of_the_wrong_form_is_a_pattern_problem(plan: Plan, plan_text: PlanText) -> None:
    plan["reporting"] = {"cutoff_annual": {"start": "12/15", "end": "12-14"}}
    text = plan_text(plan)
    problems = rejected(text)
    assert [problem.path for problem in problems] == ["reporting.cutoff_annual.start"]
    assert problems[0].line == line_of(text, "cutoff_annual:")
    assert "does not have the expected form" in problems[0].message
    assert problems[0].hint.startswith("see the allowed form")


def test_a_period_that_ends_before_it_starts(plan: Plan, plan_text: PlanText) -> None:
    plan["period"] = {"first_year": 2020, "last_year": 2016}
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "period.last_year"
    assert problem.line == line_of(text, "period:")
    assert problem.message == "the period ends (2016) before it starts (2020)"
    assert problem.hint == "swap the years"


def test_an_effective_date_outside_the_period(plan: Plan, plan_text: PlanText) -> None:
    plan["effective_from"] = date(2022, 1, 1)
    text = plan_text(plan)
    [problem] = rejected(text)
    assert (problem.path, problem.line) == ("effective_from", line_of(text, "effective_from:"))


def test_a_target_whose_min_exceeds_its_max(plan: Plan, plan_text: PlanText) -> None:
    plan["indicators"][0]["target"] = {"min": 13, "max": 8}
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "indicators[0].target"
    assert problem.line == line_of(text, "target:")
    assert problem.message == "the range 13–8 is empty"
    assert problem.hint == "min must not exceed max"


def test_a_target_with_neither_min_nor_max(plan: Plan, plan_text: PlanText) -> None:
    plan["indicators"][0]["target"] = {"scope": "annual"}
    [problem] = rejected(plan_text(plan))
    assert problem.path == "indicators[0].target"
    assert problem.message == "a target needs 'min', 'max' or both"


@pytest.mark.parametrize("part", ["numerator", "denominator"])
def test_a_ratio_indicator_without_its_numerator_or_denominator(
    plan: Plan,
    plan_text: PlanText,
    part: str,
) -> None:
    del plan["indicators"][0][part]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == f"indicators[0].{part}"
    assert problem.line == line_of(text, "- code: informed"), "the missing part's indicator"
    assert problem.message == f"a ratio indicator needs its {part}"


def test_a_partner_that_is_also_a_lead(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][0]["partners"] = ["BQLKCN", "SCT"]
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "tasks[0].partners[1]"
    assert problem.line == line_of(text, "partners: [BQLKCN, SCT]")
    assert problem.message == "'SCT' is already a lead of this task"
    assert problem.hint == "list it once, as lead or as partner"


@pytest.mark.parametrize(
    ("lead", "partners", "path"),
    [("SCT", ["BQLKCN", "SCT"], "tasks[0].partners[1]"), (["SCT"], "SCT", "tasks[0].partners")],
    ids=["lead-written-as-one-code", "partners-written-as-one-code"],
)
def test_a_partner_that_is_also_a_lead_written_as_a_single_code(
    plan: Plan,
    plan_text: PlanText,
    lead: Any,
    partners: Any,
    path: str,
) -> None:
    plan["tasks"][0].update(lead=lead, partners=partners)
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == path
    assert problem.line == line_of(text, "partners:")
    assert problem.message == "'SCT' is already a lead of this task"


@pytest.mark.parametrize("days", [0, -3])
def test_a_reminder_that_is_not_before_the_deadline(plan: Plan, plan_text: PlanText, days: int) -> None:
    plan["reminders"] = {"before_due": [7, days, 1]}
    text = plan_text(plan)
    [problem] = rejected(text)
    assert problem.path == "reminders.before_due[1]"
    assert problem.line == line_of(text, "before_due:")
    assert problem.message == f"{days} is not a number of days before the deadline"
    assert "on_due" in problem.hint


def test_a_reminder_day_listed_twice(plan: Plan, plan_text: PlanText) -> None:
    plan["reminders"] = {"before_due": [7, 3, 7]}
    [problem] = rejected(plan_text(plan))
    assert (problem.path, problem.message) == ("reminders.before_due", "the same day is listed twice")


@pytest.mark.parametrize("hours", [[17, 8], [8, 25], [-1, 17]])
def test_office_hours_that_are_not_a_span_of_the_day(
    plan: Plan,
    plan_text: PlanText,
    hours: list[int],
) -> None:
    plan["reminders"] = {"office_hours": hours}
    [problem] = rejected(plan_text(plan))
    assert problem.path == "reminders.office_hours"


# --- every problem at once ------------------------------------------------------------------------


def test_a_file_with_many_problems_reports_them_all_sorted_by_line(plan: Plan, plan_text: PlanText) -> None:
    del plan["version"]  # missing field
    plan["period"] = {"first_year": 2020, "last_year": 2016}  # reversed
    plan["indicators"][0]["target"] = {"min": 13, "max": 8}  # empty range
    plan["indicators"][1]["aggregation"] = "average"  # not an allowed value
    plan["tasks"][0]["titel"] = "Tuyên truyền"  # unknown field
    plan["tasks"][0]["partners"] = ["SCT"]  # also a lead
    plan["tasks"][0]["report"]["indicators"] = ["informed", "leaflet"]  # unknown indicator
    plan["tasks"][1]["lead"] = ["kind:distric"]  # bad kind
    plan["tasks"][1]["cadence"] = "once"  # without due
    plan["tasks"].append(dict(plan["tasks"][1], lead=["STC"]))  # duplicate key, once without due
    plan["reporting"] = {"cutoff_annual": {"start": "02-30", "end": "12-14"}}  # impossible day
    plan["reminders"] = {"before_due": [7, 0]}  # not before the deadline
    text = plan_text(plan)
    district_keys = lines_of(text, "key: district-report")
    cadences = lines_of(text, "cadence: once")
    expected = [
        (1, "version"),
        (line_of(text, "period:"), "period.last_year"),
        (line_of(text, "target:"), "indicators[0].target"),
        (line_of(text, "aggregation: average"), "indicators[1].aggregation"),
        (line_of(text, "titel:"), "tasks[0].titel"),
        (line_of(text, "partners: [SCT]"), "tasks[0].partners[0]"),
        (line_of(text, "[informed, leaflet]"), "tasks[0].report.indicators[1]"),
        (line_of(text, "kind:distric'"), "tasks[1].lead[0]"),
        (cadences[0], "tasks[1].cadence"),
        (district_keys[1], "tasks[2].key"),
        (cadences[1], "tasks[2].cadence"),
        (line_of(text, "cutoff_annual:"), "reporting.cutoff_annual.start"),
        (line_of(text, "before_due:"), "reminders.before_due[1]"),
    ]
    problems = rejected(text)
    assert [(problem.line, problem.path) for problem in problems] == sorted(expected)
    assert all(problem.message for problem in problems)


def test_structural_and_cross_field_problems_of_one_task_are_both_reported(
    plan: Plan,
    plan_text: PlanText,
) -> None:
    plan["tasks"][1].update(title="", cadence="once")
    paths = [problem.path for problem in rejected(plan_text(plan))]
    assert paths == ["tasks[1].title", "tasks[1].cadence"]


# --- how a problem reads --------------------------------------------------------------------------


def test_a_problem_reads_as_file_line_path_message_and_hint(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1]["due"] = date(2017, 6, 30)
    text = plan_text(plan)
    [problem] = rejected(text)
    line = line_of(text, "due:")
    assert problem.place() == f"plan.yaml:{line}: tasks[1].due"
    assert str(problem) == (
        f"plan.yaml:{line}: tasks[1].due: 'due' is only for tasks done once; this one is annual "
        "(hint: remove 'due' or set cadence: once)"
    )


def test_a_problem_without_line_or_path_names_only_the_file() -> None:
    problem = Problem("plan.yaml", "", None, "cannot read the file")
    assert str(problem) == "plan.yaml: cannot read the file"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("tasks", 3, "lead"), "tasks[3].lead"),
        (("reminders", "before_due", 0), "reminders.before_due[0]"),
        (("title",), "title"),
        ((), ""),
    ],
)
def test_format_path_writes_indexes_in_brackets(path: tuple[int | str, ...], text: str) -> None:
    assert format_path(path) == text


# --- known bugs -----------------------------------------------------------------------------------


def test_a_quoted_due_date_outside_the_period_is_reported_too(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][1].update(cadence="once", due="2030-01-01")
    problems = check_plan_text(plan_text(plan), SOURCE)
    assert isinstance(problems, list)
    assert [problem.path for problem in problems] == ["tasks[1].due"]


def test_a_quoted_effective_date_outside_the_period_is_reported_too(plan: Plan, plan_text: PlanText) -> None:
    plan["effective_from"] = "2030-01-01"
    problems = check_plan_text(plan_text(plan), SOURCE)
    assert isinstance(problems, list)
    assert [problem.path for problem in problems] == ["effective_from"]


def test_a_bad_selector_in_a_block_list_points_at_the_bad_item(plan: Plan, plan_text: PlanText) -> None:
    plan["tasks"][0]["lead"] = ["SCT", "sct"]
    text = plan_text(plan, block_style=True)
    [problem] = rejected(text)
    assert problem.path == "tasks[0].lead[1]"
    assert problem.line == line_of(text, "- sct")


@pytest.mark.parametrize("field", ["tasks", "legal_basis"])
def test_a_mapping_or_text_where_a_list_belongs_gets_a_hint(
    plan: Plan,
    plan_text: PlanText,
    field: str,
) -> None:
    plan[field] = "see the annex"
    [problem] = rejected(plan_text(plan))
    assert problem.path == field
    assert problem.hint == "write a list (items starting with '- ')"


def _reverse_target(data: dict[str, Any]) -> tuple[str, str]:
    data["indicators"][0]["target"] = {"min": 13, "max": 8}
    return "indicators[0].target", "target:"


def _drop_last_year(data: dict[str, Any]) -> tuple[str, str]:
    del data["period"]["last_year"]
    return "period.last_year", "period:"


@pytest.mark.parametrize(
    "break_plan",
    [_reverse_target, _drop_last_year],
    ids=["target-range", "missing-last-year"],
)
def test_a_problem_about_a_block_style_mapping_points_at_its_key(
    plan: Plan,
    plan_text: PlanText,
    break_plan: Callable[[dict[str, Any]], tuple[str, str]],
) -> None:
    path, key_fragment = break_plan(plan)
    text = plan_text(plan, block_style=True)
    [problem] = rejected(text)
    assert problem.path == path
    assert problem.line == line_of(text, key_fragment)


def test_a_month_day_of_the_wrong_form_is_reported_once(plan: Plan, plan_text: PlanText) -> None:
    plan["reporting"] = {"cutoff_annual": {"start": "15/12", "end": "12-14"}}
    problems = rejected(plan_text(plan))
    assert [problem.message for problem in problems if "exists every year" in problem.message] == []
    assert len(problems) == 1


def test_a_deadline_written_with_a_bare_on_key_points_to_on_day(plan: Plan, plan_text: PlanText) -> None:
    text = plan_text(plan) + 'reporting:\n  deadline: {on: "12-20"}\n'
    problems = {problem.path: problem for problem in rejected(text)}
    assert "reporting.deadline.on" in problems
    assert "on_day" in problems["reporting.deadline.on"].hint


# --- targets per stage ------------------------------------------------------------------------------


def staged(plan: Plan, *stages: dict[str, Any], **target: Any) -> Plan:
    """The plan with its first indicator's target given per stage (the plan runs 2016–2020)."""
    plan["indicators"][0]["target"] = {**target, "stages": list(stages)}
    return plan


def test_a_target_given_only_per_stage_is_valid(plan: Plan, plan_text: PlanText) -> None:
    text = plan_text(staged(plan, {"until_year": 2018, "min": 70}, {"until_year": 2020, "min": 100}))
    loaded = load_plan_text(text, SOURCE)
    target = loaded.spec.indicator("informed").target
    assert target is not None
    assert [(stage.until_year, stage.min) for stage in target.stages] == [(2018, 70), (2020, 100)]


def test_a_stage_ending_outside_the_period(plan: Plan, plan_text: PlanText) -> None:
    text = plan_text(staged(plan, {"until_year": 2018, "min": 70}, {"until_year": 2021, "min": 100}))
    [problem] = rejected(text)
    assert problem.path == "indicators[0].target.stages[1].until_year"
    assert problem.line == line_of(text, "until_year: 2021")
    assert problem.message == "2021 lies outside the period 2016–2020"
    assert problem.hint == "end each stage in a year of the plan"


def test_stages_out_of_order(plan: Plan, plan_text: PlanText) -> None:
    text = plan_text(staged(plan, {"until_year": 2019, "min": 70}, {"until_year": 2019, "min": 100}))
    [problem] = rejected(text)
    assert problem.path == "indicators[0].target.stages[1].until_year"
    assert problem.message == "this stage ends in 2019, not after the stage before it (2019)"
    assert problem.hint == "list the stages in increasing years"


def test_a_stage_asking_nothing_or_an_empty_range(plan: Plan, plan_text: PlanText) -> None:
    text = plan_text(staged(plan, {"until_year": 2018}, {"until_year": 2020, "min": 10, "max": 7}))
    problems = rejected(text)
    assert [(p.path, p.message) for p in problems] == [
        ("indicators[0].target.stages[0]", "a stage needs 'min', 'max' or both"),
        ("indicators[0].target.stages[1]", "the range 10–7 is empty"),
    ]


def test_a_target_without_stages_hashes_as_before_stages_existed(builtin: LoadedPlan) -> None:
    """Runs store the plan's JSON and its hash: a plan without stages must dump exactly as it did."""
    dumped = builtin.spec.model_dump(mode="json")
    assert dumped["indicators"][0]["target"] == {"min": 90, "max": None, "scope": "plan"}
    assert all("stages" not in (indicator["target"] or {}) for indicator in dumped["indicators"])

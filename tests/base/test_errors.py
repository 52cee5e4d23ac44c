"""Errors: each carries an English msgid and its ids, and reads in the reader's language from the catalogue."""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.errors import ConfigurationError, NoAgencyForTask, Phrase, PlanAlreadyStarted, SxshError, UnknownAgency
from sxsh_flow.problems import InvalidPlan, Problem
from sxsh_flow.words import N_


def test_an_unknown_agency_reads_as_it_always_did_in_vietnamese_and_in_english() -> None:
    error = UnknownAgency("SXX", "HD")
    assert error.message("vi") == "Không có cơ quan mã 'SXX' trong danh bạ tỉnh HD. Xem: sxsh-flow agencies list"
    assert (
        error.message("en") == "No agency with code 'SXX' in the directory of province HD. See: sxsh-flow agencies list"
    )
    assert UnknownAgency("SXX").message("vi") == "Không có cơ quan mã 'SXX'. Xem: sxsh-flow agencies list"


def test_a_plan_started_twice_names_its_run_in_both_languages() -> None:
    error = PlanAlreadyStarted("plan-2016-2020", "HD", 7)
    assert error.message("vi") == (
        "Kế hoạch plan-2016-2020 đã được khởi động cho tỉnh HD (lượt 7); không tạo gì thêm. Xem: sxsh-flow status 7"
    )
    assert error.message("en") == (
        "Plan plan-2016-2020 is already started for province HD (run 7); nothing was created. See: sxsh-flow status 7"
    )


def test_a_configuration_hint_is_read_in_the_language_of_the_message_around_it() -> None:
    error = ConfigurationError("SXSH_LANG", "fr", N_("use vi or en"))
    assert error.message("vi") == "Cấu hình SXSH_LANG='fr' không dùng được: dùng vi hoặc en"
    assert error.message("en") == "Setting SXSH_LANG='fr' is unusable: use vi or en"


def test_a_hint_with_parameters_and_a_hint_that_is_a_function_of_the_language() -> None:
    counted = ConfigurationError("-o", "x.pdf", N_("cannot write it ({reason})"), reason="disk full")
    assert counted.message("vi").endswith("không ghi được tệp (disk full)")
    spoken = ConfigurationError("S", "v", lambda language: "tiếng Việt" if language == "vi" else "English")
    assert spoken.message("vi").endswith(": tiếng Việt")
    assert spoken.message("en").endswith(": English")


def test_what_kind_of_data_file_is_wrong_is_said_in_the_language_of_the_message() -> None:
    problem = Problem("plan.yaml", "tasks[0]", 3, "missing")
    error = InvalidPlan("plan.yaml", [problem, problem])
    assert error.message("vi") == "Tệp kế hoạch plan.yaml có 2 lỗi; chưa có gì được ghi."
    assert error.message("en") == "Plan file plan.yaml has 2 problem(s); nothing was written."


def test_the_day_a_task_found_no_agency_is_written_dd_mm_yyyy() -> None:
    error = NoAgencyForTask("p", "t1", "kind:commune", "HD", date(2016, 9, 1))
    assert "còn hoạt động ngày 01/09/2016." in error.message("vi")
    assert "in existence on 01/09/2016." in error.message("en")


def test_logs_and_tracebacks_read_english_and_a_language_we_do_not_speak_reads_vietnamese() -> None:
    error = UnknownAgency("SXX")
    assert str(error) == error.message("en")
    assert error.message("fr") == error.message("vi")
    assert isinstance(error, SxshError)
    assert isinstance(error, LookupError)


@pytest.mark.parametrize(("language", "expected"), [("vi", "Tệp rỗng."), ("en", "The file is empty.")])
def test_a_phrase_is_translated_when_it_is_read(language: str, expected: str) -> None:
    assert Phrase(N_("The file is empty."))(language) == expected

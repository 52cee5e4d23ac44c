"""deadline.ics: one all-day event per deadline, stable UIDs, the same bytes for the same input."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from icalendar.parser import Contentline

from sxsh_flow.notifications.calendar_file import PRODUCT_ID, _folded, calendar_shape, deadline_calendar, event_uid

from .conftest import PLAN, RESEARCH, TECHNOLOGY

STAMP = datetime(2016, 11, 21, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
AGENCY = "Sở Khoa học và Công nghệ tỉnh Hải Dương"
LATER_TASK = dataclasses.replace(TECHNOLOGY, task_run_id=205, cycle_label="2017", due_on=date(2017, 12, 21))


def _parse(text: str) -> Calendar:
    return Calendar.from_ical(text)


def test_the_calendar_is_published_not_an_invitation() -> None:
    calendar = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP))

    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == PRODUCT_ID == "-//sxsh-flow//vi"
    assert calendar["VERSION"] == "2.0"


def test_one_all_day_event_per_deadline() -> None:
    calendar = _parse(deadline_calendar([RESEARCH, LATER_TASK], PLAN, AGENCY, stamp=STAMP))
    events = calendar.walk("VEVENT")

    assert [event.decoded("DTSTART") for event in events] == [date(2016, 12, 21), date(2017, 12, 21)]
    assert [event.decoded("DTEND") for event in events] == [date(2016, 12, 22), date(2017, 12, 22)]
    # Dates, not datetimes: an all-day event in every time zone.
    assert all(type(event.decoded("DTSTART")) is date for event in events)
    assert [str(event["SUMMARY"]) for event in events] == [
        f"Hạn nộp báo cáo: {RESEARCH.title}",
        f"Hạn nộp báo cáo: {TECHNOLOGY.title}",
    ]


def test_the_description_names_the_plan_the_agency_and_the_data_period() -> None:
    event = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP)).walk("VEVENT")[0]
    description = str(event["DESCRIPTION"])

    assert PLAN.title in description
    assert AGENCY in description
    assert "Thời gian chốt số liệu: từ ngày 15/12/2015 đến ngày 14/12/2016" in description
    assert f"Báo cáo trực tuyến: {RESEARCH.reply_url}" in description
    assert str(event["URL"]) == RESEARCH.reply_url


def test_english_summaries() -> None:
    event = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP, language="en")).walk("VEVENT")[0]

    assert str(event["SUMMARY"]) == f"Report due: {RESEARCH.title}"
    assert "Deadline: 21 December 2016" in str(event["DESCRIPTION"])


def test_each_event_reminds_a_day_before() -> None:
    event = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP)).walk("VEVENT")[0]
    (alarm,) = event.walk("VALARM")

    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)


def test_uids_depend_only_on_the_plan_and_the_task_run() -> None:
    moved = dataclasses.replace(RESEARCH, title="Tên mới", due_on=date(2016, 12, 30), reply_url=None)
    first = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP)).walk("VEVENT")[0]
    again = _parse(deadline_calendar([moved], PLAN, "Tên khác", stamp=STAMP + timedelta(days=9))).walk("VEVENT")[0]

    assert str(first["UID"]) == str(again["UID"]) == event_uid(PLAN.key, 101) == "plan-2016-2020.task-run-101@sxsh-flow"
    other_plan = dataclasses.replace(PLAN, key="plan-2021-2025")
    assert event_uid(other_plan.key, 101) != event_uid(PLAN.key, 101)


def test_the_same_input_gives_the_same_document() -> None:
    first = deadline_calendar([RESEARCH, LATER_TASK], PLAN, AGENCY, stamp=STAMP)
    second = deadline_calendar([RESEARCH, LATER_TASK], PLAN, AGENCY, stamp=STAMP)

    assert first == second


def test_dtstamp_is_the_stamp_given_in_utc() -> None:
    first = deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP)
    later = deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP + timedelta(hours=1))

    event = _parse(first).walk("VEVENT")[0]
    assert event.decoded("DTSTAMP") == datetime(2016, 11, 21, 1, 0, tzinfo=UTC)
    assert "DTSTAMP:20161121T010000Z\r\n" in first
    changed = [line for line, other in zip(first.splitlines(), later.splitlines(), strict=True) if line != other]
    assert changed == ["DTSTAMP:20161121T010000Z"]


def test_lines_end_with_crlf() -> None:
    text = deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP)

    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_a_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=datetime(2016, 11, 21, 8, 0))


def test_two_installations_never_share_an_event_uid() -> None:
    """Issue 12: run and task-run numbers start at 1 everywhere, so the UID names the installation."""
    here = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP, installation="a1b2c3")).walk("VEVENT")[0]
    there = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP, installation="d4e5f6")).walk("VEVENT")[0]
    again = _parse(deadline_calendar([RESEARCH], PLAN, AGENCY, stamp=STAMP, installation="a1b2c3")).walk("VEVENT")[0]

    assert str(here["UID"]) != str(there["UID"])
    assert str(here["UID"]) == str(again["UID"])  # a later reminder updates the same event


# A calendar's shape, filled per message, is the calendar built for that message.
NAMES = [AGENCY, "A", "Ủy ban nhân dân phường số 3, tỉnh Hải Dương; Văn phòng \\ Ban N", "x" * 90, ""]
LINKS = [
    "https://sxsh.example/r/abc.def-ghi_jkl",
    "https://sxsh.example/r/" + "Zz9-_" * 30 + "?a=1,b=2;c=\\N",
    None,
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("installation", ["", "a1b2c3"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_filled_calendar_shape_is_the_calendar_of_its_values(
    name: str, link: str | None, installation: str, language: str
) -> None:
    tasks = [
        dataclasses.replace(RESEARCH, reply_url=link),
        dataclasses.replace(LATER_TASK, reply_url="https://sxsh.example/r/later"),
    ]
    shape = calendar_shape(tasks, PLAN, "Tên khác" if name else "", stamp=STAMP, language=language,
                           installation=installation)  # fmt: skip

    for ids in [(1, 2), (9_999_999, 123_456_789_012)]:
        filled = [dataclasses.replace(task, task_run_id=ids[i]) for i, task in enumerate(tasks)]
        expected = deadline_calendar(filled, PLAN, name, stamp=STAMP, language=language, installation=installation)
        assert shape.fill(filled, name) == expected


def test_a_calendar_shape_refuses_values_that_do_not_fit_it() -> None:
    shape = calendar_shape([RESEARCH], PLAN, AGENCY, stamp=STAMP)

    with pytest.raises(ValueError, match="shape"):
        shape.fill([dataclasses.replace(RESEARCH, reply_url=None)], AGENCY)
    with pytest.raises(ValueError, match="shape"):
        shape.fill([RESEARCH], "")
    with pytest.raises(ValueError, match="line break"):
        shape.fill([RESEARCH], "Sở\nKhoa học")


def test_lines_are_folded_as_icalendar_folds_them() -> None:
    rng = random.Random(14)
    alphabet = "ab ,;:\\^Nnếẫệ\u0300𝄞"
    for length in [*range(60, 160), 400]:
        for _ in range(20):
            line = "DESCRIPTION:" + "".join(rng.choice(alphabet) for _ in range(length))
            assert _folded(line) == Contentline(line).to_ical().decode("utf-8")

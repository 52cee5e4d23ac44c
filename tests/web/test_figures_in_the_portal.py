"""Figures, dates and numbers as the portal takes and shows them (findings 3 and 9 of issue 12)."""

from __future__ import annotations

from sqlalchemy import select

from sxsh_flow.engine.models import Submission
from sxsh_flow.engine.states import TaskRunState

from .conftest import REPORT, Portal, error_next_to, form_fields


def test_a_26_digit_figure_is_refused_next_to_the_field_with_the_bound(portal: Portal) -> None:
    # A denominator: the numerator stays below it, so only the bound can refuse it (main stored it).
    page = portal.submit({**REPORT, "indicator.informed.denominator": "12.345.678.901.234.567.890.123.456"})

    assert page.status_code == 422
    assert "từ 0 đến 1.000.000.000" in error_next_to(page.text, "indicator.informed.denominator")
    assert portal.outbox("receipt") == []
    assert portal.task_state() is TaskRunState.OPEN


def test_the_form_states_each_figure_s_bound(portal: Portal) -> None:
    page = portal.open().text
    assert '<p class="hint" id="f-funding-local_budget-hint">Từ 0 đến 1.000.000.000.000.000.</p>' in page
    assert 'aria-describedby="f-funding-local_budget-hint"' in page


def test_a_huge_year_in_the_extension_date_is_a_format_error_not_a_server_error(portal: Portal) -> None:
    form = {**form_fields(portal.open().text, "/extension"), "reason": "Chờ số liệu.", "proposed_until": "31/12/9999"}

    answer = portal.http.post(portal.url(suffix="/extension"), data=form)

    assert answer.status_code == 422
    assert "Nhập ngày theo dạng dd/mm/yyyy" in answer.text


def test_a_decimal_comes_back_in_the_prefilled_form_with_every_digit(portal: Portal) -> None:
    typed = "123.456.789.012,123456"  # 18 digits: a float keeps 17
    portal.post_report({**portal.report_form(), "indicator.training_events.value": typed}, action="draft")

    assert portal.report_form()["indicator.training_events.value"] == typed


def test_a_stored_number_beyond_28_digits_is_prefilled_unrounded(portal: Portal) -> None:
    portal.post_report({**portal.report_form(), "section.results": "Đang tổng hợp."}, action="draft")
    huge = 10**30 + 1  # older rows, from before the form had bounds
    with portal.store.session() as session:
        draft = session.scalars(select(Submission)).one()
        draft.values = {**draft.values, "funding.local_budget": huge}
        session.commit()

    assert portal.report_form()["funding.local_budget"] == "1" + ".000" * 9 + ".001"

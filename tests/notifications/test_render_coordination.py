"""How the letters of coordination render: partners' letters, the coordinator's emails, the full digest.

(A companion of test_render.py for what issue 13 added, kept apart so that file stays readable.)
"""

from __future__ import annotations

import dataclasses
import html
from datetime import date

from sxsh_flow.engine.message import AgencyProgress, MessageKind, PartnerTask
from sxsh_flow.notifications.render import render

from .conftest import DESK, DIGEST_CYCLE, DUE, RESEARCH, make_context

PARTNERED = PartnerTask(
    task_key="sct-technical-support",
    title="Hỗ trợ kỹ thuật áp dụng SXSH cho các cơ sở sản xuất công nghiệp",
    description="",
    cycle_label="2016",
    cutoff_start=date(2015, 12, 15),
    cutoff_end=date(2016, 12, 14),
    due_on=DUE,
    leads=("Sở Công Thương tỉnh Hải Dương",),
)


def test_a_partner_only_request_is_for_coordination_with_no_link() -> None:
    rendered = render(make_context(MessageKind.REQUEST, tasks=(), partner_tasks=(PARTNERED,)))

    assert "Thông báo để phối hợp" in rendered.subject
    assert PARTNERED.title in rendered.subject
    for body in (rendered.text, html.unescape(rendered.html)):
        assert "Đơn vị chủ trì: Sở Công Thương tỉnh Hải Dương" in body
        assert "không phải gửi báo cáo" in body
        assert "21/12/2016" in body
        assert "Báo cáo trực tuyến" not in body
    assert rendered.calendar is None


def test_a_partner_only_kickoff_renders_in_english_too() -> None:
    rendered = render(make_context(MessageKind.KICKOFF, tasks=(), partner_tasks=(PARTNERED,)), "en")

    assert "For coordination" in rendered.subject
    assert "Lead agencies: Sở Công Thương tỉnh Hải Dương" in rendered.text


def test_the_leads_letter_names_the_partners_of_each_task() -> None:
    task = dataclasses.replace(RESEARCH, partners=("Sở Công Thương tỉnh Hải Dương", "Sở Tài chính tỉnh Hải Dương"))
    rendered = render(make_context(MessageKind.KICKOFF, tasks=(task,)))

    line = "Đơn vị phối hợp: Sở Công Thương tỉnh Hải Dương, Sở Tài chính tỉnh Hải Dương"
    assert line in rendered.text
    assert line in html.unescape(rendered.html)


def test_an_agency_with_both_roles_reads_both_parts_in_one_letter() -> None:
    rendered = render(make_context(MessageKind.REQUEST, partner_tasks=(PARTNERED,)))

    text = rendered.text
    assert text.index(RESEARCH.title) < text.index("Ngoài ra, để phối hợp") < text.index(PARTNERED.title)
    assert "Đề nghị báo cáo" in rendered.subject


def test_the_extension_request_links_to_the_desk() -> None:
    rendered = render(make_context(MessageKind.EXTENSION_REQUEST))

    assert "Ủy ban" not in rendered.subject  # the agency in the context is Sở KH&CN
    assert "Sở Khoa học và Công nghệ tỉnh Hải Dương" in rendered.subject
    assert f"{DESK}/desk/runs/1/extensions" in rendered.text
    assert f'href="{DESK}/desk/runs/1/extensions"' in rendered.html
    assert "Thời hạn đề nghị: Thứ Sáu, 30/12/2016" in rendered.text


def test_the_digest_lists_thirty_units_due_soon_and_later_without_cutting() -> None:
    units = tuple(
        AgencyProgress(f"UBND-X{n}", f"Ủy ban nhân dân xã Số {n}", "Triển khai kế hoạch", DUE, "chờ báo cáo")
        for n in range(30)
    )
    later_unit = "Sở Công Thương tỉnh Hải Dương"
    last = AgencyProgress("SCT", later_unit, "Báo cáo tổng hợp", date(2016, 12, 28), "chờ")
    cycle = dataclasses.replace(DIGEST_CYCLE, due_next=(*units, last), soon_until=date(2016, 12, 23))
    rendered = render(make_context(MessageKind.DIGEST, cycles=(cycle,), extra={"board_url": f"{DESK}/desk/runs/1"}))

    for unit in units:
        assert f"- {unit.agency_name}: " in rendered.text
        assert unit.agency_name in rendered.html
    assert "Sắp đến hạn, đến ngày 23/12/2016 (30):" in rendered.text
    assert "Chưa đến hạn (1):\n- Sở Công Thương tỉnh Hải Dương" in rendered.text
    assert f"{DESK}/desk/runs/1" in rendered.text
    # The HTML part groups the same way: each heading, then a row per unit with its deadline.
    soon = rendered.html.index("Sắp đến hạn, đến ngày 23/12/2016 (30)")
    later = rendered.html.index("Chưa đến hạn (1)")
    assert soon < rendered.html.index(units[-1].agency_name) < later
    assert later_unit in rendered.html[later:]
    assert rendered.html.count("<tr><td") == 31 + len(cycle.overdue) + len(cycle.reported_late)

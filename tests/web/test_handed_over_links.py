"""The link of a duty that passed to a successor no longer works: the calm page says who took over.

Huyện Tứ Kỳ ends on 27/11/2016, the day before the portal's clock, and its duties pass to two
communes of the city of Hải Phòng. Its focal point still holds the link of its 2016 report: the
link answers the dead-link page, naming the communes and the day, for GET and for every POST, and
nothing is stored through it. Whether the directory change has been followed yet (the task run
handed over) or not (the agency merely ended) makes no difference. A guessed token learns nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.models import TaskRun
from sxsh_flow.engine.services.agencies import import_directory
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import TaskRunState

from .conftest import OTHER_DISTRICT, REPORT, Portal

HAI_PHONG = Directory(
    Province(code="HP", name="Hải Phòng", kind=ProvinceKind.CITY),
    (
        Agency(
            code="XA-TANKY",
            name="Ủy ban nhân dân xã Tân Kỳ",
            kind=AgencyKind.COMMUNE,
            contacts=(Contact(name="Vũ Văn Nam", email="sxsh@tanky.haiphong.example", role=ContactRole.FOCAL_POINT),),
        ),
        Agency(code="XA-DAIDONG", name="Ủy ban nhân dân xã Đại Đồng", kind=AgencyKind.COMMUNE),
    ),
)
SUCCESSORS = "Ủy ban nhân dân xã Tân Kỳ, Ủy ban nhân dân xã Đại Đồng"


def end_tu_ky(portal: Portal, *, last_day: date, successors: tuple[str, ...], hand_over: bool) -> None:
    """Import a directory in which Tứ Kỳ ends on ``last_day``; with ``hand_over``, its 2016 duty moves too."""
    sample = builtin_directory("HD")
    agencies = tuple(
        a.model_copy(update={"valid_to": last_day, "successors": successors}) if a.code == "UBND-TUKY" else a
        for a in sample.agencies
    )
    with portal.store.session() as session:
        now = portal.clock.now()
        import_directory(session, Directory(sample.province, agencies), now=now)
        import_directory(session, HAI_PHONG, now=now)
        if hand_over:
            task_run = session.get_one(TaskRun, portal.task_run_id)
            fire(session, task_run, "hand_over", actor="test", now=now, reason="directory change #1")


def the_dead_link_page(portal: Portal) -> str:
    page = portal.open("WzEsIm5vIl0.not-a-signature")
    assert page.status_code == 404
    return page.text


@pytest.mark.parametrize("hand_over", [True, False], ids=["handed over", "agency ended, not yet followed"])
def test_the_link_of_an_ended_agency_answers_the_calm_page_naming_who_took_over(
    portal: Portal, hand_over: bool
) -> None:
    end_tu_ky(portal, last_day=date(2016, 11, 27), successors=("HP:XA-TANKY", "HP:XA-DAIDONG"), hand_over=hand_over)

    page = portal.open()

    assert page.status_code == 404
    assert "Đường liên kết không dùng được" in page.text
    assert f"Nhiệm vụ này đã được chuyển giao cho {SUCCESSORS} kể từ ngày 28/11/2016." in page.text
    assert "cơ quan, đơn vị tiếp nhận nhiệm vụ thực hiện báo cáo" in page.text
    assert '<div class="other-language" lang="en">' in page.text
    assert f"This duty passed to {SUCCESSORS} on 28 November 2016." in page.text
    for secret in ("Triển khai Kế hoạch SXSH", "csrf_token", portal.token):
        assert secret not in page.text


def test_a_duty_handed_over_before_the_agencys_last_day_names_the_day_its_successors_take_it(
    portal: Portal,
) -> None:
    end_tu_ky(portal, last_day=date(2016, 12, 31), successors=("HP:XA-TANKY", "HP:XA-DAIDONG"), hand_over=True)

    page = portal.open()

    assert page.status_code == 404
    assert f"Nhiệm vụ này đã được chuyển giao cho {SUCCESSORS} kể từ ngày 01/01/2017." in page.text


def test_every_post_through_it_is_refused_with_the_same_page_and_stores_nothing(portal: Portal) -> None:
    form = {**portal.report_form(), **REPORT}  # opened while the link still worked
    end_tu_ky(portal, last_day=date(2016, 11, 27), successors=("HP:XA-TANKY", "HP:XA-DAIDONG"), hand_over=True)
    shown = portal.open()
    before = portal.counts()

    posted = portal.post_report(form)
    extension = portal.http.post(
        portal.url(suffix="/extension"), data={**form, "reason": "x", "proposed_until": "30/12/2016"}
    )
    forward = portal.http.post(
        portal.url(suffix="/forward"), data={**form, "name": "A", "email": "a@tuky.haiduong.example"}
    )

    for answer in (posted, extension, forward):
        assert (answer.status_code, answer.text) == (404, shown.text)
    assert portal.counts() == before
    assert portal.task_state() is TaskRunState.HANDED_OVER


def test_a_guessed_token_learns_nothing_of_the_successors(portal: Portal) -> None:
    dead = the_dead_link_page(portal)
    end_tu_ky(portal, last_day=date(2016, 11, 27), successors=("HP:XA-TANKY", "HP:XA-DAIDONG"), hand_over=True)
    middle = len(portal.token) // 2
    tampered = portal.token[:middle] + ("A" if portal.token[middle] != "A" else "B") + portal.token[middle + 1 :]
    unknown = str(portal.signer._serializer.dumps([portal.link_id, "not-its-nonce"]))

    for token in (tampered, unknown):
        answer = portal.open(token)
        assert (answer.status_code, answer.text) == (404, dead)


def test_an_agency_that_ended_with_no_successor_known_gets_the_plain_dead_link_page(portal: Portal) -> None:
    dead = the_dead_link_page(portal)
    end_tu_ky(portal, last_day=date(2016, 11, 27), successors=(), hand_over=False)

    answer = portal.open()

    assert (answer.status_code, answer.text) == (404, dead)


def test_the_links_of_agencies_that_did_not_end_still_work(portal: Portal) -> None:
    end_tu_ky(portal, last_day=date(2016, 11, 27), successors=("HP:XA-TANKY", "HP:XA-DAIDONG"), hand_over=True)

    assert portal.open(portal.link_of(OTHER_DISTRICT)).status_code == 200

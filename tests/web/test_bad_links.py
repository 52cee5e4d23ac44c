"""Every link that does not work gets one page and one status, whatever the reason, for GET and POST.

The page must not tell a guesser which tokens exist: a tampered token, a well-signed one for a link
that never existed, an expired, a revoked link and the link of a contact who left all answer the
very same bytes, and nothing is stored through them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from sxsh_flow.engine.models import ContactRecord, ReplyLink
from sxsh_flow.engine.services.links import revoke_links

from .conftest import REPORT, Portal


def tampered(portal: Portal) -> str:
    middle = len(portal.token) // 2
    replacement = "A" if portal.token[middle] != "A" else "B"
    return portal.token[:middle] + replacement + portal.token[middle + 1 :]


def unknown_but_well_signed(portal: Portal) -> str:
    return str(portal.signer._serializer.dumps([portal.link_id + 10_000, "no-such-nonce"]))


def expired(portal: Portal) -> str:
    with portal.store.session() as session:
        expires_at = session.get_one(ReplyLink, portal.link_id).expires_at
    portal.clock.instant = expires_at + timedelta(seconds=1)
    return portal.token


def revoked(portal: Portal) -> str:
    with portal.store.session() as session:
        revoke_links(
            session, now=portal.clock.now(), actor="coordinator", reason="resent", task_run_id=portal.task_run_id
        )
    return portal.token


def of_a_retired_contact(portal: Portal) -> str:
    with portal.store.session() as session:
        session.execute(update(ContactRecord).where(ContactRecord.id == portal.contact_id).values(active=False))
    return portal.token


BREAKAGES: dict[str, Callable[[Portal], str]] = {
    "tampered": tampered,
    "unknown but well signed": unknown_but_well_signed,
    "expired": expired,
    "revoked": revoked,
    "of a retired contact": of_a_retired_contact,
}


def the_dead_link_page(portal: Portal) -> str:
    page = portal.open("WzEsIm5vIl0.not-a-signature")
    assert page.status_code == 404
    return page.text


def test_the_dead_link_page_is_calm_bilingual_and_says_nothing_about_the_task(portal: Portal) -> None:
    page = the_dead_link_page(portal)

    assert "Đường liên kết không dùng được" in page
    assert '<div class="other-language" lang="en">' in page
    assert "This link cannot be used" in page
    for secret in ("Tứ Kỳ", "Triển khai Kế hoạch SXSH", "csrf_token", portal.token):
        assert secret not in page


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_link_gets_the_same_page_for_get_and_post_and_stores_nothing(portal: Portal, breakage: str) -> None:
    dead = the_dead_link_page(portal)
    form = {**portal.report_form(), **REPORT}  # opened while the link still worked
    token = BREAKAGES[breakage](portal)
    before = portal.counts()

    opened = portal.open(token)
    posted = portal.post_report(form, token=token)
    extension = portal.http.post(
        portal.url(token, "/extension"), data={**form, "reason": "x", "proposed_until": "30/12/2016"}
    )
    forward = portal.http.post(
        portal.url(token, "/forward"), data={**form, "name": "A", "email": "a@tuky.haiduong.example"}
    )

    for answer in (opened, posted, extension, forward):
        assert answer.status_code == 404
        assert answer.text == dead
    assert portal.counts() == before


def test_an_unknown_address_looks_like_a_dead_link(portal: Portal) -> None:
    dead = the_dead_link_page(portal)
    for path in ("/", "/r/", "/r/abc/def/ghi", "/admin"):
        answer = portal.http.get(portal.base_url + path)
        assert (answer.status_code, answer.text) == (404, dead)

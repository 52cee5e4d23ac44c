"""Signing in to the coordinator's desk: a one-time link by email, then a session cookie.

Sở Công Thương's focal point (sxsh@sct.haiduong.example) coordinates the Hải Dương plan: the
sample directory names no coordinator, so the lead's focal points stand in, as for the digest.
"""

from __future__ import annotations

from sqlalchemy import func, select

from sxsh_flow.engine.models import DeskSession, OutboxMessage, SignInLink

from .conftest import SECRET, Portal, form_fields
from .desk_support import COORDINATOR, ask_for_link, later, sign_in, sign_in_links


def test_a_desk_page_without_a_session_asks_for_an_address_and_comes_back_after(portal: Portal) -> None:
    page = portal.http.get(f"{portal.base_url}/desk/runs/1")

    assert page.status_code == 401
    assert "Đăng nhập" in page.text
    assert form_fields(page.text, "/desk/sign-in")["next"] == "/desk/runs/1"
    landed = sign_in(portal, next_path="/desk/runs/1")
    assert landed.status_code == 200
    assert str(landed.url).endswith("/desk/runs/1")
    assert "Kế hoạch" in landed.text


def test_the_link_goes_to_the_registered_address_only_and_the_page_says_the_same_either_way(portal: Portal) -> None:
    known = ask_for_link(portal, COORDINATOR.upper())
    unknown = ask_for_link(portal, "someone@example.org")
    district = ask_for_link(portal, "sxsh@tuky.haiduong.example")  # a district's focal point: no coordinator

    def said(page_text: str, address: str) -> str:
        return page_text.replace(address, "ADDRESS")

    assert said(known.text, COORDINATOR.upper()) == said(unknown.text, "someone@example.org")
    with portal.store.session() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign_in")))
        assert [row.to for row in rows] == [[{"name": "Lê Văn Cường", "email": COORDINATOR}]]
        assert session.scalar(select(func.count()).select_from(SignInLink)) == 1
    assert district.status_code == 200


def test_opening_the_link_changes_nothing_and_pressing_the_button_uses_it_once(portal: Portal) -> None:
    ask_for_link(portal)
    (link,) = sign_in_links(portal)
    for _ in range(3):  # a mail scanner, a preview, the person
        assert portal.http.get(link).status_code == 200
    with portal.store.session() as session:
        assert session.scalar(select(SignInLink.used_at)) is None

    first = portal.http.post(link)
    again = portal.http.post(link)
    opened_again = portal.http.get(link)

    assert first.status_code == 303
    assert again.status_code == 404
    assert opened_again.status_code == 404
    assert "không dùng được" in opened_again.text


def test_the_link_is_stored_hashed_and_expires_after_twenty_minutes(portal: Portal) -> None:
    ask_for_link(portal)
    (link,) = sign_in_links(portal)
    token = link.rsplit("/", 1)[1]
    with portal.store.session() as session:
        stored = session.scalars(select(SignInLink)).one()
        assert token not in stored.token_hash
        assert len(stored.token_hash) == 64

    later(portal, minutes=21)

    assert portal.http.get(link).status_code == 404
    assert portal.http.post(link).status_code == 404


def test_a_wrong_or_altered_link_gets_a_calm_page(portal: Portal) -> None:
    ask_for_link(portal)
    (link,) = sign_in_links(portal)
    for bad in (link[:-1] + ("A" if link[-1] != "A" else "B"), link + "x", f"{portal.base_url}/desk/sign-in/nothing"):
        page = portal.http.get(bad)
        assert page.status_code == 404
        assert "Traceback" not in page.text
        assert "/desk/sign-in" in page.text  # a way to ask for a new one


def test_the_session_cookie_is_http_only_same_site_and_ends_after_half_an_hour_idle(portal: Portal) -> None:
    landed = sign_in(portal)
    cookie = landed.history[0].headers["set-cookie"]
    for flag in ("HttpOnly", "SameSite=lax", "Path=/"):
        assert flag in cookie
    assert "Secure" not in cookie  # the test portal is plain http; SXSH_BASE_URL https:// makes it Secure
    with portal.store.session() as session:
        stored = session.scalars(select(DeskSession)).one()
        assert portal.http.cookies["sxsh_desk"] not in stored.session_hash

    later(portal, minutes=29)
    assert portal.http.get(f"{portal.base_url}/desk").status_code == 200
    later(portal, minutes=29)  # active: the idle clock started again
    assert portal.http.get(f"{portal.base_url}/desk").status_code == 200
    later(portal, minutes=31)
    assert portal.http.get(f"{portal.base_url}/desk").status_code == 401


def test_signing_out_ends_the_session(portal: Portal) -> None:
    landed = sign_in(portal)
    fields = form_fields(landed.text, "/desk/sign-out")
    kept = portal.http.cookies["sxsh_desk"]

    out = portal.http.post(f"{portal.base_url}/desk/sign-out", data=fields)

    assert out.status_code == 200
    assert "sxsh_desk" not in portal.http.cookies  # the browser forgets it
    portal.http.cookies.set("sxsh_desk", kept)  # and a copy of it opens nothing
    assert portal.http.get(f"{portal.base_url}/desk").status_code == 401
    with portal.store.session() as session:
        assert session.scalars(select(DeskSession)).one().ended_at is not None


def test_a_session_cookie_over_https_is_secure(portal: Portal) -> None:
    from starlette.responses import Response

    from sxsh_flow.engine.settings import Settings
    from sxsh_flow.web.desk.context import Desk
    from sxsh_flow.web.pages import Pages

    settings = Settings.from_env(
        {"SXSH_HOME": str(portal.settings.home), "SXSH_SECRET_KEY": SECRET, "SXSH_BASE_URL": "https://sxsh.example"}
    )
    desk = Desk(portal.store, settings, portal.clock, Pages("vi"))
    response = Response()
    desk.set_session_cookie(response, "secret")

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-sxsh_desk=")
    for flag in ("Secure", "HttpOnly", "SameSite=lax"):
        assert flag in cookie

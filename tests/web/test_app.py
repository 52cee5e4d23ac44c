"""The app as a whole: health, the English switch, and no server error for anything a client sends."""

from __future__ import annotations

import logging

import httpx
import pytest

from .conftest import REPORT, Portal


def test_health_answers_ok_when_the_database_does(portal: Portal) -> None:
    answer = portal.http.get(portal.base_url + "/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_the_english_switch_is_remembered(portal: Portal) -> None:
    vietnamese = portal.open()
    assert f'href="/r/{portal.token}?lang=en"' in vietnamese.text

    english = portal.open(lang="en")
    assert '<html lang="en">' in english.text
    assert "Deadline" in english.text
    assert "Wednesday, 21 December 2016" in english.text
    assert "Save draft" in english.text
    assert f'href="/r/{portal.token}?lang=vi"' in english.text

    remembered = portal.open()  # the client keeps the cookie, as a browser does
    assert '<html lang="en">' in remembered.text
    refused = portal.submit({**REPORT, "section.results": ""})
    assert "Please fill in this field." in refused.text

    back = portal.open(lang="vi")
    assert "Hạn nộp" in back.text
    assert "Hạn nộp" in portal.open().text


def test_numbers_stay_vietnamese_on_the_english_page(portal: Portal) -> None:
    portal.post_report({**portal.report_form(), **REPORT}, action="draft")
    english = portal.open(lang="en").text
    assert 'value="1.234"' in english  # "1,234" would be read back as 1.234
    assert "a dot between thousands, a comma before decimals" in english


ODD_TOKENS = ["", "x" * 5000, "ẞ🙂", "%00", "..%2F..%2Fetc%2Fpasswd", "W10.abc", "WzEsMl0"]


def test_odd_tokens_get_the_dead_link_page(portal: Portal) -> None:
    for token in ODD_TOKENS:
        for answer in (
            portal.http.get(f"{portal.base_url}/r/{token}"),
            portal.http.post(f"{portal.base_url}/r/{token}"),
        ):
            assert answer.status_code == 404, token


def test_odd_posts_never_cause_a_server_error(portal: Portal) -> None:
    form = {**portal.report_form(), **REPORT}
    url = portal.url()
    answers = [
        portal.http.post(url, content=b'{"action": "submit"}', headers={"Content-Type": "application/json"}),
        portal.http.post(url, content=b"--x\r\ngarbage", headers={"Content-Type": "multipart/form-data; boundary=x"}),
        portal.http.post(url, content=b"a=b", headers={"Content-Type": "multipart/form-data"}),
        portal.http.post(
            url, content=b"\xff\xfe\x00=\x00", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        portal.http.post(url, data={**form, "action": "delete everything"}),  # an unknown button saves a draft
        portal.http.post(
            url,
            data={**form, "section.results": "a\x00b", "enterprise.0.name": "A", "enterprise.0.participation": "boss"},
        ),
        portal.http.post(url, data={**form, "indicator.informed.numerator": "1e999999"}),
        portal.http.post(url, data={**form, "indicator.informed.numerator": "-5"}),
        portal.http.post(url, data={**form, "field.unknown": "x", "enterprise.0.name": "A" * 100_000}),
        portal.http.put(url, data=form),
        portal.http.post(portal.url(suffix="/extension"), data={**form, "proposed_until": "99/99/99999"}),
        portal.http.post(portal.url(suffix="/forward"), data={**form, "email": "\x00@\x00"}),
    ]
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
    assert answers[4].status_code == 200  # an unknown button saves a draft
    assert answers[5].status_code == 422  # the participation is not one of the list
    assert "Nhập một số nguyên" in answers[6].text  # an exponent is not how people write a count
    assert [a.status_code for a in answers[6:8]] == [422, 422]
    assert answers[9].status_code == 405


def test_a_real_bug_still_answers_500_and_is_logged_without_the_link(
    portal: Portal, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sxsh_flow.web import replies

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(replies, "form_state", broken)
    with caplog.at_level(logging.ERROR, logger="sxsh_flow.web"):
        answer = httpx.get(portal.url())  # not the fixture's client: it rejects every 5xx
    assert answer.status_code == 500
    assert "Hệ thống đang gặp sự cố" in answer.text
    assert "RuntimeError" not in answer.text
    assert answer.headers["referrer-policy"] == "no-referrer"
    (record,) = [r for r in caplog.records if r.name == "sxsh_flow.web"]
    assert "/r/{token}" in record.getMessage()
    assert portal.token not in record.getMessage()


def test_access_logs_do_not_carry_link_tokens(portal: Portal) -> None:
    access = logging.getLogger("uvicorn.access")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    keep, level = Keep(), access.level
    access.addHandler(keep)
    access.setLevel(logging.INFO)  # `sxsh-flow serve` logs at info; the tests' server at warning
    try:
        portal.open()
    finally:
        access.removeHandler(keep)
        access.setLevel(level)
    assert any("GET /r/…" in line for line in lines), lines
    assert not any(portal.token in line for line in lines)

"""SXSH_SMTP_URL: every accepted form, every refusal (with the password masked), and display."""

from __future__ import annotations

from typing import Any

import pytest

from sxsh_flow.errors import ConfigurationError
from sxsh_flow.notifications.smtp_url import SmtpSettings, mask_password, parse_smtp_url

HOST = "mail.example.vn"


def settings(**fields: Any) -> SmtpSettings:
    base: dict[str, Any] = {"host": HOST, "port": 25}
    return SmtpSettings(**(base | fields))


ACCEPTED = [
    ("smtp://mail.example.vn", settings()),
    ("smtp://mail.example.vn/", settings()),
    ("  smtp://mail.example.vn  ", settings()),
    ("SMTP://Mail.Example.VN", settings()),
    ("smtp://mail.example.vn:2525", settings(port=2525)),
    ("smtp://mail.example.vn?starttls=0", settings()),
    ("smtp://mail.example.vn?starttls=1", settings(port=587, security="starttls")),
    ("smtp://mail.example.vn:25?starttls=true", settings(port=25, security="starttls")),
    (
        "smtp://user:pass@mail.example.vn:587?starttls=1",
        settings(port=587, security="starttls", username="user", password="pass"),
    ),
    ("smtps://user:pass@mail.example.vn", settings(port=465, security="tls", username="user", password="pass")),
    ("smtps://mail.example.vn:2465?starttls=0", settings(port=2465, security="tls")),
    ("smtp://relay@mail.example.vn", settings(username="relay")),
    ("smtp://relay:@mail.example.vn", settings(username="relay")),
    (
        "smtp://sct%40haiduong.gov.vn:p%40ss%3Aw%2Fd%20%C4%91@mail.example.vn",
        settings(username="sct@haiduong.gov.vn", password="p@ss:w/d đ"),
    ),
    ("smtp://mail.example.vn?timeout=12.5", settings(timeout=12.5)),
    ("smtp://mail.example.vn?timeout=5", settings(timeout=5.0)),
    ("smtp://mail.example.vn?pool=8", settings(pool_size=8)),
    ("smtp://mail.example.vn?pool=1", settings(pool_size=1)),
    ("smtp://mail.example.vn?from=sct%40haiduong.gov.vn", settings(sender="sct@haiduong.gov.vn")),
    ("smtp://mail.example.vn?from=ops+sxsh@haiduong.gov.vn", settings(sender="ops+sxsh@haiduong.gov.vn")),
    (
        "smtp://mail.example.vn?from=S%E1%BB%9F%20C%C3%B4ng%20Th%C6%B0%C6%A1ng%20%3Csct%40hd.gov.vn%3E",
        settings(sender="Sở Công Thương <sct@hd.gov.vn>"),
    ),
    ("smtp://mail.example.vn?helo=sxsh.haiduong.gov.vn", settings(helo_name="sxsh.haiduong.gov.vn")),
    ("smtp://mail.example.vn?starttls=1&verify=0", settings(port=587, security="starttls", verify_tls=False)),
    ("smtp://mail.example.vn?verify=1", settings()),
    ("smtp://mail.example.vn?&pool=2&", settings(pool_size=2)),
    ("smtp://127.0.0.1:1025", SmtpSettings(host="127.0.0.1", port=1025)),
    ("smtp://[::1]:1025", SmtpSettings(host="::1", port=1025)),
    (
        "smtp://u:p@mail.example.vn:2587?starttls=1&timeout=3&pool=2&from=a%40b.vn&helo=me.vn&verify=0",
        settings(
            port=2587,
            security="starttls",
            username="u",
            password="p",
            timeout=3.0,
            pool_size=2,
            sender="a@b.vn",
            helo_name="me.vn",
            verify_tls=False,
        ),
    ),
]


@pytest.mark.parametrize(("url", "expected"), ACCEPTED, ids=[url.strip() for url, _ in ACCEPTED])
def test_accepted_forms(url: str, expected: SmtpSettings) -> None:
    assert parse_smtp_url(url) == expected


REFUSED = [
    ("", "no mail server given"),
    ("   ", "no mail server given"),
    ("http://mail.example.vn", "use smtp://"),
    ("mail.example.vn:587", "use smtp://"),
    ("submission://mail.example.vn", "use smtp://"),
    ("smtp://", "server name is missing"),
    ("smtp://:587", "server name is missing"),
    ("smtp://bad host.vn", "server name is missing or malformed"),
    ("smtp://u:s3cret@[::1:25", "cannot read the URL"),
    ("smtp://mail.example.vn:abc", "port must be a number"),
    ("smtp://mail.example.vn:0", "port must be a number"),
    ("smtp://mail.example.vn:70000", "port must be a number"),
    ("smtp://user:s3cret@mail.example.vn:-1", "port must be a number"),
    ("smtp://mail.example.vn/outbox", "has no path"),
    ("smtp://mail.example.vn#top", "has no path"),
    ("smtp://user:s3cr/et@mail.example.vn", "has no path"),
    ("smtp://:s3cret@mail.example.vn", "a password without a user name"),
    ("smtp://mail.example.vn?tls=1", "there is no parameter 'tls'"),
    ("smtp://mail.example.vn?password=s3cret", "there is no parameter 'password'"),
    ("smtp://mail.example.vn?starttls", "needs a value"),
    ("smtp://mail.example.vn?pool=2&pool=3", "given twice"),
    ("smtp://mail.example.vn?starttls=yes", "starttls takes 0 or 1"),
    ("smtp://mail.example.vn?starttls=", "starttls takes 0 or 1"),
    ("smtps://user:s3cret@mail.example.vn?starttls=1", "already uses TLS"),
    ("smtp://mail.example.vn?timeout=abc", "timeout is a number of seconds"),
    ("smtp://mail.example.vn?timeout=0", "timeout is a number of seconds"),
    ("smtp://mail.example.vn?timeout=-5", "timeout is a number of seconds"),
    ("smtp://mail.example.vn?timeout=inf", "timeout is a number of seconds"),
    ("smtp://mail.example.vn?timeout=nan", "timeout is a number of seconds"),
    ("smtp://mail.example.vn?pool=0", "pool is a number of connections"),
    ("smtp://mail.example.vn?pool=101", "pool is a number of connections"),
    ("smtp://mail.example.vn?pool=2.5", "pool is a number of connections"),
    ("smtp://mail.example.vn?pool=four", "pool is a number of connections"),
    ("smtp://mail.example.vn?from=nobody", "from must be a mail address"),
    ("smtp://mail.example.vn?from=a%40b.vn%0D%0ARCPT", "from must be a mail address"),
    ("smtp://mail.example.vn?helo=bad%20name", "helo must be a host name"),
    ("smtp://mail.example.vn?verify=maybe", "verify takes 0 or 1"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED, ids=[url or "<empty>" for url, _ in REFUSED])
def test_refused_forms(url: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_smtp_url(url)
    error = caught.value
    assert error.setting == "SXSH_SMTP_URL"
    assert reason in error.message("en")
    assert error.message("vi").startswith("Cấu hình SXSH_SMTP_URL=")
    assert error.message("vi") != error.message("en")
    assert error.exit_code == 78
    assert "s3cr" not in error.message("vi") + error.message("en") + error.value


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("smtp://user:s3cret@host:587", "smtp://user:***@host:587"),
        ("smtp://user@host", "smtp://user@host"),
        ("smtp://host?from=a%40b.vn", "smtp://host?from=a%40b.vn"),
        ("smtp://u:p@ss@host", "smtp://u:***@host"),
        ("smtp://u:pa?ss@host:25?pool=2", "smtp://u:***@host:25?pool=2"),
        ("smtp://u:pa/ss@host", "smtp://u:***@host"),
        ("smtp://host?password=s3cret&pool=2", "smtp://host?password=***&pool=2"),
        ("not a url", "not a url"),
    ],
)
def test_mask_password_hides_every_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (settings(), "smtp://mail.example.vn:25"),
        (
            settings(port=587, security="starttls", username="sct@hd.gov.vn", password="p@ss"),
            "smtp://sct%40hd.gov.vn:***@mail.example.vn:587?starttls=1",
        ),
        (settings(port=465, security="tls", username="relay"), "smtps://relay@mail.example.vn:465"),
        (SmtpSettings(host="::1", port=1025), "smtp://[::1]:1025"),
        (
            settings(timeout=12.5, pool_size=8, sender="Sở <s@hd.vn>", helo_name="me.vn", verify_tls=False),
            "smtp://mail.example.vn:25?timeout=12.5&pool=8&from=S%E1%BB%9F%20%3Cs%40hd.vn%3E&helo=me.vn&verify=0",
        ),
    ],
)
def test_redacted_shows_everything_but_the_password(given: SmtpSettings, shown: str) -> None:
    assert given.redacted() == shown


@pytest.mark.parametrize(("url", "expected"), ACCEPTED, ids=[url.strip() for url, _ in ACCEPTED])
def test_redacted_reads_back_as_the_same_settings_without_the_password(url: str, expected: SmtpSettings) -> None:
    again = parse_smtp_url(expected.redacted())
    assert again.password == ("***" if expected.password is not None else None)
    assert again == SmtpSettings(**(vars(expected) | {"password": again.password}))


def test_the_password_never_shows_in_repr() -> None:
    parsed = parse_smtp_url("smtp://user:s3cret@mail.example.vn")
    assert parsed.password == "s3cret"
    assert "s3cret" not in repr(parsed)

"""Settings are built from the environment mapping they are given: every default, every refusal.

Nothing here touches ``os.environ``: each case passes a plain dict, as the process entry points
pass theirs (the CLI, the web app and the Prefect worker call ``Settings.from_env(os.environ)``).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.settings import Settings
from sxsh_flow.errors import ConfigurationError

HOME = "/srv/sxsh"


def settings(**environ: str) -> Settings:
    return Settings.from_env({"SXSH_HOME": HOME, **environ})


# --- defaults -------------------------------------------------------------------------------------


def test_with_only_a_home_every_setting_has_its_default() -> None:
    built = settings()

    assert built == Settings(
        home=Path(HOME),
        database_url=f"sqlite:///{HOME}/sxsh-flow.db",
        now=None,
        language="vi",
        smtp_url=None,
        mail_from=None,
        base_url="http://127.0.0.1:8000",
        secret_key_value=None,
        clock_rate=None,
    )
    assert built.attachments_folder == Path(HOME, "attachments")
    assert built.outbox_folder == Path(HOME, "outbox")


def test_the_home_defaults_to_the_xdg_data_folder() -> None:
    built = Settings.from_env({"XDG_DATA_HOME": "/home/an/.data", "HOME": "/home/an"})

    assert built.home == Path("/home/an/.data/sxsh-flow")
    assert built.database_url == "sqlite:////home/an/.data/sxsh-flow/sxsh-flow.db"


def test_without_xdg_the_home_is_under_the_users_local_share() -> None:
    assert Settings.from_env({"HOME": "/home/an"}).home == Path("/home/an/.local/share/sxsh-flow")


def test_empty_values_count_as_unset() -> None:
    # `export SXSH_SMTP_URL=` in a shell script means "none", not "an SMTP server named ''".
    built = Settings.from_env(
        {"HOME": "/home/an", "SXSH_HOME": "", "SXSH_DATABASE_URL": "", "SXSH_NOW": "", "SXSH_CLOCK_RATE": ""}
        | {"SXSH_SMTP_URL": "", "SXSH_MAIL_FROM": "", "SXSH_BASE_URL": ""}
    )

    assert built.home == Path("/home/an/.local/share/sxsh-flow")
    assert built.database_url == "sqlite:////home/an/.local/share/sxsh-flow/sxsh-flow.db"
    assert (built.now, built.clock_rate, built.smtp_url, built.mail_from) == (None, None, None, None)
    assert built.base_url == "http://127.0.0.1:8000"


# --- each setting as given ------------------------------------------------------------------------


def test_each_setting_is_taken_as_given() -> None:
    built = settings(
        SXSH_DATABASE_URL="postgresql://sxsh@db.example/sxsh",
        SXSH_NOW="2016-09-01T14:30+07:00",
        SXSH_LANG="en",
        SXSH_SMTP_URL="smtp://mail.example:587?starttls=1",
        SXSH_MAIL_FROM="sxsh@sct.haiduong.example",
        SXSH_BASE_URL="https://sxsh.haiduong.example",
        SXSH_SECRET_KEY="k" * 40,
        SXSH_CLOCK_RATE="21600",
    )

    assert built.database_url == "postgresql://sxsh@db.example/sxsh"
    assert built.now == datetime(2016, 9, 1, 14, 30, tzinfo=VIETNAM)
    assert built.language == "en"
    assert built.smtp_url == "smtp://mail.example:587?starttls=1"
    assert built.mail_from == "sxsh@sct.haiduong.example"
    assert built.base_url == "https://sxsh.haiduong.example"
    assert built.secret_key_value == "k" * 40
    assert built.clock_rate == 21600.0


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2016-09-01", datetime(2016, 9, 1, 8, 0, tzinfo=VIETNAM)),  # a day alone: its office opening
        ("2016-09-01T14:30", datetime(2016, 9, 1, 14, 30, tzinfo=VIETNAM)),  # no offset: Vietnam time
        ("2016-09-01T07:30+00:00", datetime(2016, 9, 1, 14, 30, tzinfo=VIETNAM)),
    ],
)
def test_now_is_an_aware_instant_read_in_vietnam_time(text: str, instant: datetime) -> None:
    now = settings(SXSH_NOW=text).now

    assert now == instant
    assert now is not None
    assert now.utcoffset() is not None


def test_a_trailing_slash_is_dropped_from_the_base_url() -> None:
    # Links are built as f"{base_url}/r/{token}": a kept slash would make "//r/".
    assert settings(SXSH_BASE_URL="https://sxsh.haiduong.example/portal/").base_url == (
        "https://sxsh.haiduong.example/portal"
    )


def test_a_home_with_a_tilde_is_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/an")

    assert settings(SXSH_HOME="~/sxsh").home == Path("/home/an/sxsh")


def test_settings_are_frozen() -> None:
    built = settings()

    with pytest.raises(dataclasses.FrozenInstanceError):
        built.language = "en"  # type: ignore[misc]


def test_the_secret_key_comes_from_the_setting_when_given(tmp_path: Path) -> None:
    built = Settings.from_env({"SXSH_HOME": str(tmp_path), "SXSH_SECRET_KEY": "settings-test-key-7Qm3v9x2LkP0aZt7YwR4"})

    assert built.secret_key() == "settings-test-key-7Qm3v9x2LkP0aZt7YwR4"
    assert not (tmp_path / "secret.key").exists()


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "hint_en"),
    [
        ("SXSH_NOW", "01/09/2016", "give a date such as 2016-09-01"),
        ("SXSH_NOW", "2016-02-30", "give a date such as 2016-09-01"),
        ("SXSH_LANG", "fr", "use vi or en"),
        ("SXSH_LANG", "VI", "use vi or en"),
        ("SXSH_BASE_URL", "sxsh.haiduong.example", "give an http(s)://... address"),
        ("SXSH_BASE_URL", "ftp://sxsh.haiduong.example", "give an http(s)://... address"),
        ("SXSH_CLOCK_RATE", "fast", "give a positive number"),
        ("SXSH_CLOCK_RATE", "0", "give a positive number"),
        ("SXSH_CLOCK_RATE", "-60", "give a positive number"),
        ("SXSH_CLOCK_RATE", "nan", "give a positive number"),
        ("SXSH_CLOCK_RATE", "inf", "give a positive number"),
        ("SXSH_CLOCK_RATE", "10000001", "give a positive number"),
    ],
)
def test_an_unusable_value_is_a_configuration_error_naming_it(name: str, value: str, hint_en: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        settings(**{name: value})

    error = refused.value
    assert (error.setting, error.value) == (name, value)
    assert error.exit_code == 78
    assert error.message("en").startswith(f"Setting {name}={value!r} is unusable: ")
    assert hint_en in error.message("en")
    assert error.message("vi").startswith(f"Cấu hình {name}={value!r} không dùng được: ")


@pytest.mark.parametrize("rate", ["0.5", "1", "21600", "10000000"])
def test_any_positive_clock_rate_up_to_ten_million_is_accepted(rate: str) -> None:
    assert settings(SXSH_CLOCK_RATE=rate).clock_rate == float(rate)

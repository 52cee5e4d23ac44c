"""The key that signs reply links: given and strong enough, or generated once into SXSH_HOME."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sxsh_flow.engine.secrets import KEY_FILE, MINIMUM_LENGTH, load_secret_key
from sxsh_flow.errors import ConfigurationError

STRONG = "Qm3v9x-2LkP0aZt7YwR4sN8eJ1uH6cB5dF0gK2mX"  # 40 random-looking characters


def test_a_strong_key_from_the_environment_is_used_as_it_is_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "home"

    assert load_secret_key(STRONG, home) == STRONG
    assert not home.exists()


def test_without_a_key_one_is_generated_into_the_home_readable_by_its_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "not-yet-made"

    key = load_secret_key(None, home)

    path = home / KEY_FILE
    assert path.read_text(encoding="utf-8") == key + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= MINIMUM_LENGTH


def test_the_generated_key_is_reused_so_links_already_sent_keep_working(tmp_path: Path) -> None:
    first = load_secret_key(None, tmp_path)
    modified = (tmp_path / KEY_FILE).stat().st_mtime_ns

    assert load_secret_key(None, tmp_path) == first
    assert (tmp_path / KEY_FILE).stat().st_mtime_ns == modified


def test_a_key_file_put_there_by_hand_is_read_without_its_line_end(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text(f"  {STRONG}\n", encoding="utf-8")
    (tmp_path / KEY_FILE).chmod(0o600)

    assert load_secret_key(None, tmp_path) == STRONG


def test_two_installations_get_different_keys(tmp_path: Path) -> None:
    assert load_secret_key(None, tmp_path / "one") != load_secret_key(None, tmp_path / "two")


def test_a_key_from_the_environment_wins_over_the_key_file(tmp_path: Path) -> None:
    generated = load_secret_key(None, tmp_path)

    assert load_secret_key(STRONG, tmp_path) == STRONG != generated


@pytest.mark.parametrize(
    "weak",
    [
        "",
        "changeme",
        "CHANGEME",
        " secret ",
        "your-secret-key",
        "x" * (MINIMUM_LENGTH - 1),
    ],
)
def test_a_short_or_placeholder_key_is_refused_without_echoing_it(weak: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_secret_key(weak, tmp_path)

    error = refused.value
    assert (error.setting, error.value) == ("SXSH_SECRET_KEY", "***")
    assert f"at least {MINIMUM_LENGTH} characters" in error.message("en")
    assert f"dài ít nhất {MINIMUM_LENGTH} ký tự" in error.message("vi")
    assert error.message("en").startswith("Setting SXSH_SECRET_KEY='***' is unusable: ")
    assert not (tmp_path / KEY_FILE).exists()  # a refused key is not replaced by a generated one


def test_a_key_of_exactly_the_minimum_length_is_accepted(tmp_path: Path) -> None:
    assert load_secret_key(STRONG[:MINIMUM_LENGTH], tmp_path) == STRONG[:MINIMUM_LENGTH]


# --- issue 12, finding 8 and the weak keys ---------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = tmp_path / KEY_FILE
    path.write_text(STRONG + "\n", encoding="utf-8")
    path.chmod(mode)

    with pytest.raises(ConfigurationError) as refused:
        load_secret_key(None, tmp_path)

    assert f"chmod 600 {path}" in refused.value.message("en")


@pytest.mark.parametrize("weak", ["x" * 40, "ab" * 24, "0123456" * 6])
def test_a_key_of_few_distinct_characters_is_refused_from_the_environment(weak: str) -> None:
    with pytest.raises(ConfigurationError):
        load_secret_key(weak, Path("/nonexistent"))


@pytest.mark.parametrize("weak", ["", "\n", "x" * 40 + "\n"])
def test_an_empty_or_weak_key_file_is_refused(tmp_path: Path, weak: str) -> None:
    path = tmp_path / KEY_FILE
    path.write_text(weak, encoding="utf-8")
    path.chmod(0o600)

    with pytest.raises(ConfigurationError) as refused:
        load_secret_key(None, tmp_path)

    assert str(path) in refused.value.message("en")


def test_a_generated_home_is_private_to_its_owner(tmp_path: Path) -> None:
    home = tmp_path / "a" / "home"

    load_secret_key(None, home)

    assert stat.S_IMODE(home.stat().st_mode) == 0o700

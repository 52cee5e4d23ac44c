"""Words: every message a person reads is in the catalogues, translated, and formatted per locale."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from sxsh_flow.words import DOMAINS, EXTRACT_KEYWORDS, LOCALE_FOLDER, Words, words

ROOT = Path(__file__).resolve().parents[2]


def _catalog(language: str, domain: str) -> Catalog:
    with (LOCALE_FOLDER / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file)


def _key(message: Message) -> tuple[str | None, str]:
    """A message as gettext finds it: its context (pgettext) and its singular msgid."""
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {_key(m) for m in catalog if m.id}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_message_of_the_code_is_in_both_catalogues_of_its_layer(domain: str, tmp_path: Path) -> None:
    pot = tmp_path / f"{domain}.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    keywords = [part for keyword in EXTRACT_KEYWORDS for part in ("-k", keyword)]
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(pot), *DOMAINS[domain]],
        cwd=ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as file:
        extracted = _ids(read_po(file))
    for language in ("vi", "en"):
        missing = extracted - _ids(_catalog(language, domain))
        assert not missing, f"{language}/{domain}.po lacks {sorted(missing)}: run `make catalogues`"


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_vietnamese_message_is_translated_and_none_is_fuzzy(domain: str) -> None:
    catalog = _catalog("vi", domain)
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_no_message_is_translated_two_ways_by_two_layers() -> None:
    seen: dict[tuple[str | None, str], tuple[str, object]] = {}
    for domain in DOMAINS:
        for message in _catalog("vi", domain):
            if not message.id:
                continue
            key = _key(message)
            if key in seen:
                assert seen[key][1] == message.string, f"{key!r}: {seen[key][0]} and {domain} disagree"
            seen[key] = (domain, message.string)


def test_the_compiled_catalogues_are_those_of_the_po_files() -> None:
    # A stale .mo would show yesterday's words: `make test` compiles before pytest, and so does install.
    for po in LOCALE_FOLDER.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run `bash .ci/catalogues compile`"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po"


@pytest.mark.parametrize(
    ("language", "number", "money", "ratio", "day", "long_day"),
    [
        ("vi", "1.023.600.000", "1.023.600.000 đồng", "8,5", "05/02/2017", "Chủ Nhật, 05/02/2017"),
        ("en", "1,023,600,000", "1,023,600,000 VND", "8.5", "5 February 2017", "Sunday, 5 February 2017"),
    ],
)
def test_one_formatter_per_locale_writes_numbers_money_and_dates(
    language: str, number: str, money: str, ratio: str, day: str, long_day: str
) -> None:
    said = words(language)
    assert said.number(1_023_600_000) == number
    assert said.money(1_023_600_000) == money
    assert said.number(Decimal("8.45"), 1) == ratio  # half up, as people round by hand
    assert said.date(date(2017, 2, 5)) == day
    assert said.long_date(date(2017, 2, 5)) == long_day


def test_a_word_said_in_a_context_can_have_its_own_translation() -> None:
    # No catalogue entry yet for this context: gettext falls back to the English word.
    assert words("vi").pgettext("nonexistent context", "Scheduled") == "Scheduled"


def test_vietnamese_counts_take_one_form_and_english_two() -> None:
    assert [words("vi").working_days(n) for n in (1, 3)] == ["1 ngày làm việc", "3 ngày làm việc"]
    assert [words("en").working_days(n) for n in (1, 3)] == ["1 working day", "3 working days"]


def test_a_language_we_do_not_speak_falls_back_to_vietnamese() -> None:
    assert words("fr") == Words("vi")
    assert words("fr").cycle_name("2017-H2") == "6 tháng cuối năm 2017"

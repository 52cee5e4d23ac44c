"""Amounts of money in Vietnamese words, by the reading rules of DOMAIN.md, as official reports write them."""

from __future__ import annotations

import random
import re

import pytest

from sxsh_flow.reports.money_words import amount_in_words

# Each line: the amount, and how an official writes it out. Grouped by the rule the line checks.
CASES: list[tuple[int, str]] = [
    # nothing, and single digits
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    # tens: "mười" for one ten, "mươi" after another digit
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    # "mốt" for a final 1 after tens of two or more; "lăm" for a final 5 after any ten; "bốn", not "tư"
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (55, "Năm mươi lăm đồng"),
    (91, "Chín mươi mốt đồng"),
    (99, "Chín mươi chín đồng"),
    # hundreds, and "linh" for a zero ten before a unit
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (505, "Năm trăm linh năm đồng"),
    # thousands; an inner group says all three digits, "không trăm" included
    (1_000, "Một nghìn đồng"),
    (1_005, "Một nghìn, không trăm linh năm đồng"),
    (1_015, "Một nghìn, không trăm mười lăm đồng"),
    (1_021, "Một nghìn, không trăm hai mươi mốt đồng"),
    (1_100, "Một nghìn, một trăm đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (2_800, "Hai nghìn, tám trăm đồng"),
    # millions: a group of three zeros is skipped, the next non-zero group still says "không trăm"
    (1_000_000, "Một triệu đồng"),
    (1_000_005, "Một triệu, không trăm linh năm đồng"),
    (1_005_000, "Một triệu, không trăm linh năm nghìn đồng"),
    (2_050_000, "Hai triệu, không trăm năm mươi nghìn đồng"),
    (50_000_000, "Năm mươi triệu đồng"),
    (123_000_000, "Một trăm hai mươi ba triệu đồng"),  # seed 003: central budget
    (143_000_000, "Một trăm bốn mươi ba triệu đồng"),  # seed 000: enterprises' counterpart share
    (561_000_000, "Năm trăm sáu mươi mốt triệu đồng"),  # seed 000: quick assessments
    (900_600_000, "Chín trăm triệu, sáu trăm nghìn đồng"),  # seed 003: local budget
    # billions
    (1_000_000_000, "Một tỷ đồng"),
    (1_023_600_000, "Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng"),  # seed 003: the total
    (1_000_000_001, "Một tỷ, không trăm linh một đồng"),
    (1_001_000_000, "Một tỷ, không trăm linh một triệu đồng"),
    (5_089_000_000, "Năm tỷ, không trăm tám mươi chín triệu đồng"),  # seed 002: Đắk Lắk's extension projects
    (10_000_000_001, "Mười tỷ, không trăm linh một đồng"),
    (
        12_345_678_901,
        "Mười hai tỷ, ba trăm bốn mươi lăm triệu, sáu trăm bảy mươi tám nghìn, chín trăm linh một đồng",
    ),
    # beyond: the names repeat on top of "tỷ"
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_005_000_000_000, "Một nghìn tỷ, không trăm linh năm tỷ đồng"),
    (21_000_000_000_015, "Hai mươi mốt nghìn tỷ, không trăm mười lăm đồng"),
    (1_000_000_000_000_000, "Một triệu tỷ đồng"),
    (10**18, "Một tỷ tỷ đồng"),
    (10**21 + 5, "Một nghìn tỷ tỷ, không trăm linh năm đồng"),
]


@pytest.mark.parametrize(("amount", "words"), CASES, ids=[f"{amount:,}".replace(",", ".") for amount, _ in CASES])
def test_amount_is_written_as_officials_write_it(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_a_zero_ten_may_be_read_le_instead_of_linh() -> None:
    assert amount_in_words(105, zero_ten="lẻ") == "Một trăm lẻ năm đồng"
    assert amount_in_words(1_000_005, zero_ten="lẻ") == "Một triệu, không trăm lẻ năm đồng"


def test_a_thousand_may_be_ngan() -> None:
    assert amount_in_words(1_005, thousand="ngàn") == "Một ngàn, không trăm linh năm đồng"
    assert amount_in_words(1_000_000_000_000, thousand="ngàn") == "Một ngàn tỷ đồng"


def test_another_currency_or_none() -> None:
    assert amount_in_words(21, currency="") == "Hai mươi mốt"
    assert amount_in_words(1_500, currency="đô la Mỹ") == "Một nghìn, năm trăm đô la Mỹ"


def test_negative_amounts_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        amount_in_words(-1)


@pytest.mark.parametrize("amount", [1.5, "100", True])
def test_only_whole_numbers_are_amounts(amount: object) -> None:
    with pytest.raises(TypeError, match="whole number"):
        amount_in_words(amount)  # type: ignore[arg-type]


# An independent reader of the words, strict about the rules: if it gives back the amount for every
# sample, no digit was left unsaid, no group was named twice, and each rule held everywhere.
_VALUES = {"không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_SCALES = {"nghìn": 10**3, "triệu": 10**6, "tỷ": 10**9}


def _read_group(tokens: list[str], *, leading: bool) -> int:
    rest = list(tokens)
    said_hundreds = len(rest) >= 2 and rest[1] == "trăm"
    hundreds = 0
    if said_hundreds:
        hundreds, rest = _VALUES[rest[0]], rest[2:]
    else:
        assert leading, f"an inner group must say its hundreds, even 'không trăm': {tokens}"
    if not rest:
        return hundreds * 100
    if rest[0] in ("linh", "lẻ"):
        assert said_hundreds, f"'linh' only after hundreds: {tokens}"
        assert len(rest) == 2, tokens
        assert rest[1] in _VALUES, tokens
        assert rest[1] != "không", tokens
        return hundreds * 100 + _VALUES[rest[1]]
    if rest[0] == "mười":
        tens, rest = 1, rest[1:]
    elif len(rest) >= 2 and rest[1] == "mươi":
        tens, rest = _VALUES[rest[0]], rest[2:]
        assert tens >= 2, f"one ten is 'mười': {tokens}"
    else:
        assert not said_hundreds, f"a unit after hundreds needs 'linh': {tokens}"
        assert len(rest) == 1, tokens
        assert rest[0] in _VALUES, tokens
        assert rest[0] != "không", tokens
        return _VALUES[rest[0]]
    units = 0
    if rest:
        (word,) = rest
        assert word not in ("năm", "không"), f"a final 5 after a ten is 'lăm': {tokens}"
        assert not (word == "một" and tens >= 2), f"a final 1 after tens ≥ 2 is 'mốt': {tokens}"
        assert not (word == "mốt" and tens == 1), f"'mười một', not 'mười mốt': {tokens}"
        units = {"lăm": 5, "mốt": 1}.get(word) or _VALUES[word]
    return hundreds * 100 + tens * 10 + units


def _read_amount(text: str) -> int:
    assert text.endswith(" đồng"), text
    assert text[0].isupper(), text
    words = text[0].lower() + text[1 : -len(" đồng")]
    if words == "không":
        return 0
    total, previous_scale = 0, None
    for index, group in enumerate(words.split(", ")):
        tokens = group.split(" ")
        scale = 1
        while tokens[-1] in _SCALES:
            scale *= _SCALES[tokens.pop()]
        assert previous_scale is None or scale < previous_scale, f"groups out of order in {text!r}"
        value = _read_group(tokens, leading=index == 0)
        assert 0 < value < 1000, f"a group of three zeros is skipped, never read: {text!r}"
        total += value * scale
        previous_scale = scale
    return total


def _samples() -> list[int]:
    every_small = list(range(0, 2_100))
    # Inner zeros at every level: one or two non-zero digits anywhere in up to 24 digits.
    sparse = [d * 10**i + e * 10**j for i in range(24) for j in range(i) for d in (1, 5) for e in (1, 4, 5)]
    rng = random.Random(20170205)
    scattered = [rng.randrange(10 ** rng.randrange(1, 25)) for _ in range(3_000)]
    return every_small + sparse + scattered


def test_reading_the_words_back_gives_the_amount_for_thousands_of_amounts() -> None:
    for amount in _samples():
        text = amount_in_words(amount)
        assert _read_amount(text) == amount, text


def test_words_are_single_spaced_and_in_composed_unicode() -> None:
    import unicodedata

    for amount in _samples()[::7]:
        text = amount_in_words(amount)
        assert "  " not in text, text
        assert not re.search(r"\s,", text), text
        assert unicodedata.is_normalized("NFC", text)

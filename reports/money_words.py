"""Amounts of money in Vietnamese words, as official documents write them under the figures.

"1.023.600.000 đồng" is written "Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng" (seed 003).
The rules, applied to each group of three digits:

- "mười" for a ten of one, "mươi" after any other digit: "mười", "hai mươi";
- a final 1 is "mốt" after tens of two or more ("hai mươi mốt"), "một" after "mười" and "linh";
- a final 5 is "lăm" after any ten ("mười lăm", "hai mươi lăm"), "năm" alone and after "linh";
- a final 4 is always "bốn": "tư" ("hai mươi tư") is as correct but optional, and one spelling
  everywhere is easier to check and to search;
- a zero ten before a unit is "linh" ("một trăm linh năm"), or "lẻ" where the reader prefers;
- a group below the highest one reads all three digits, "không trăm" included, so that no digit
  goes unsaid ("một nghìn, không trăm linh năm"); a group of three zeros is not read at all
  ("một tỷ đồng", "một triệu, không trăm linh năm đồng");
- groups are named nghìn, triệu, tỷ, then the names repeat on top of "tỷ": nghìn tỷ, triệu tỷ,
  tỷ tỷ, nghìn tỷ tỷ ...; a comma follows every named group that has more after it;
- the first letter is a capital; nothing at all is "Không đồng".
"""

from __future__ import annotations

from typing import Literal

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUP_NAMES = ("", "nghìn", "triệu")  # then "tỷ", which starts the cycle again one level up


def amount_in_words(
    amount: int,
    *,
    currency: str = "đồng",
    zero_ten: Literal["linh", "lẻ"] = "linh",
    thousand: Literal["nghìn", "ngàn"] = "nghìn",
) -> str:
    """The amount in words with a capital first letter: 1_023_600_000 → "Một tỷ, không trăm hai mươi ba triệu,
    sáu trăm nghìn đồng".

    ``currency`` follows the words ("" for none); ``zero_ten`` and ``thousand`` choose between the two
    spellings officials use for a zero ten ("một trăm linh năm" or "lẻ năm") and for 1.000.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"an amount of money is a whole number of đồng, not {amount!r}")
    if amount < 0:
        raise ValueError(f"an amount of money cannot be negative ({amount}); write the sign apart from the words")
    words = _number_in_words(amount, zero_ten=zero_ten, thousand=thousand)
    text = f"{words} {currency}" if currency else words
    return text[0].upper() + text[1:]


def _number_in_words(number: int, *, zero_ten: str, thousand: str) -> str:
    if number == 0:
        return _DIGITS[0]
    groups: list[tuple[int, str]] = []  # (value of three digits, its name), highest first
    index = 0
    while number:
        number, value = divmod(number, 1000)
        groups.append((value, _group_name(index, thousand)))
        index += 1
    groups.reverse()
    parts: list[str] = []
    for position, (value, name) in enumerate(groups):
        if value == 0:
            continue
        digits = _group_in_words(value, leading=position == 0, zero_ten=zero_ten)
        parts.append(f"{digits} {name}" if name else digits)
    return ", ".join(parts)


def _group_name(index: int, thousand: str) -> str:
    """nghìn, triệu, tỷ, nghìn tỷ, triệu tỷ, tỷ tỷ, ... for the 1st, 2nd, 3rd ... group of three digits."""
    billions, rest = divmod(index, 3)
    names = ["tỷ"] * billions
    if rest:
        names.insert(0, thousand if rest == 1 else _GROUP_NAMES[rest])
    return " ".join(names)


def _group_in_words(value: int, *, leading: bool, zero_ten: str) -> str:
    """Three digits; the highest group of the amount leaves out its leading zeros, every other one says them."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:  # "một trăm linh năm", but 5 alone is "năm"
                words.append(zero_ten)
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, _DIGITS[units]))
    return " ".join(words)

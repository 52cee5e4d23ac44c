"""Which words of a text are English: the check behind "no English word in the Vietnamese output".

A word with a Vietnamese letter (ă, ê, ơ, đ, a tone mark ...) is Vietnamese. A word of plain ASCII
letters is a code when it looks like one (capitals: SCT, UBND-KINHMON; digits: 2017-H1; an address,
a file name, an option) or is one of the ``codes`` the data defines (task keys, indicator codes).
Anything else must be a Vietnamese syllable written without marks ("Thanh", "Kinh", "Ban"): its
shape is checked against Vietnamese spelling, so "open", "Task", "submitted" or "Due" cannot pass,
and the few English words that happen to be spelled like a syllable ("the", "on", "to") are named.
A word cut short to fit a column ("Hải…") is a fragment, not checked.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_ONSET = r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
_NUCLEUS = r"(oai|oay|uay|uya|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|ua|ui|uy|a|e|i|o|u|y)"
_CODA = r"(ch|nh|ng|c|m|n|p|t)?"
VIETNAMESE_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
# English words spelled like a Vietnamese syllable without marks.
ENGLISH_LOOKALIKES = frozenset({"the", "on", "in", "to", "at", "by", "no", "of", "or", "is", "it", "sum", "up"})
_CODE = re.compile(r"^([A-Z0-9][A-Z0-9_:/.-]*|.*\d.*|.*@.*|.*://.*|--?[a-z].*|\S+\.(yaml|yml|csv|docx|xlsx|html|eml))$")
_EDGES = "()[]{},.;:!?'\"…·–—-*•<>|=+"


def english_words(text: str, codes: Collection[str] = ()) -> list[str]:
    """Every word of ``text`` that is neither Vietnamese, nor a code, nor one of ``codes``."""
    found = []
    for chunk in _without_commands(text).split():
        if chunk.endswith("…") or _CODE.match(chunk):
            continue  # a name shortened to fit its column ends mid-word; an option keeps its dashes
        word = chunk.strip(_EDGES)
        if len(word) < 2 or not word.isascii() or word in codes or _CODE.match(word):
            continue
        for part in re.split(r"[/_-]", word):
            if part and part.isalpha() and _is_english(part):
                found.append(word)
                break
    return found


def _is_english(word: str) -> bool:
    lower = word.lower()
    return lower in ENGLISH_LOOKALIKES or not VIETNAMESE_SYLLABLE.match(lower)


def _without_commands(text: str) -> str:
    """The text without the commands it quotes ("Xem: sxsh-flow outbox list"): they are typed as written."""
    return re.sub(r"sxsh-flow( [\w.:/=-]+)*", " ", text)

"""Which of a plan's legal instruments a document may cite: those issued by the document's date.

A plan file lists its legal basis once, for its whole life, and may name an instrument issued years
after the plan started (Decree 09/2019/NĐ-CP, applied to the 2016-2018 cut-off periods). A letter or
report dated 26/12/2016 cannot cite it: this is the one rule every email and report follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar


class Dated(Protocol):
    @property
    def date(self) -> date: ...


D = TypeVar("D", bound=Dated)


def in_force(documents: Iterable[D], on: date) -> tuple[D, ...]:
    """The ``documents`` issued on or before ``on``, in their order."""
    return tuple(document for document in documents if document.date <= on)

"""What is wrong in a data file (a plan file, an agency directory): every problem, with its place.

A file with any problem is never partly loaded: the loaders collect every ``Problem`` and raise one
``InvalidDataFile`` listing them all, so the user fixes the file in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sxsh_flow.errors import Phrase, SxshError
from sxsh_flow.words import N_


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, with where it is and how to fix it."""

    source: str
    path: str
    line: int | None
    message: str
    hint: str = ""

    def place(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.path}" if self.path else where

    def __str__(self) -> str:
        text = f"{self.place()}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class InvalidDataFile(SxshError):
    """A plan file or agency directory has problems; every one of them is listed."""

    exit_code = 65  # EX_DATAERR

    def __init__(self, source: str, problems: Sequence[Problem], what: str) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(
            N_("{what} {source} has {count} problem(s); nothing was written."),
            what=Phrase(what),
            source=source,
            count=len(self.problems),
        )


class InvalidPlan(InvalidDataFile):
    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        super().__init__(source, problems, N_("Plan file"))


class InvalidDirectory(InvalidDataFile):
    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        super().__init__(source, problems, N_("Agency directory"))

"""What is wrong in a data file (a plan file, an agency directory): every problem, with its place.

A file with any problem is never partly loaded: the loaders collect every ``Problem`` and raise one
``InvalidDataFile`` listing them all, so the user fixes the file in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sxsh_flow.errors import Phrase, SxshError
from sxsh_flow.words import N_, words


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, with where it is and how to fix it."""

    source: str
    path: str
    line: int | None
    message: str
    hint: str = ""
    # A message marked for the catalogues (``Problem.phrased``): its msgid and parameters, so that
    # ``said`` reads it in the user's language; ``message`` is the same in English.
    msgid: str = field(default="", compare=False, repr=False)
    params: Mapping[str, str | int | date] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def phrased(
        cls, source: str, path: str, line: int | None, msgid: str, hint: str = "", **params: str | int | date
    ) -> Problem:
        """A problem whose message (``msgid``, marked with ``N_``) and hint are read in either language.

        Dates among the parameters are written the way the language writes them.
        """
        return cls(source, path, line, msgid.format(**_written(params, "en")), hint, msgid, params)

    def place(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.path}" if self.path else where

    def said(self, language: str) -> str:
        """The problem in ``language``: a message without a msgid stays as it was written."""
        said = words(language)
        message = said.gettext(self.msgid, **_written(self.params, language)) if self.msgid else self.message
        if not self.hint:
            return f"{self.place()}: {message}"
        hint = said.gettext(self.hint) if self.msgid else self.hint
        return said.gettext("{place}: {problem} (hint: {hint})", place=self.place(), problem=message, hint=hint)

    def __str__(self) -> str:
        text = f"{self.place()}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


def _written(params: Mapping[str, str | int | date], language: str) -> dict[str, str | int]:
    said = words(language)
    return {name: said.date(value) if isinstance(value, date) else value for name, value in params.items()}


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

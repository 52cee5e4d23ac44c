"""The report's wording: a catalogue of (Vietnamese, English) pairs, read in the report's language."""

from __future__ import annotations

from collections.abc import Mapping


class Words:
    def __init__(self, catalogue: Mapping[str, tuple[str, str]], language: str) -> None:
        self.catalogue = catalogue
        self.english = language == "en"

    def __getitem__(self, key: str) -> str:
        vietnamese, english = self.catalogue[key]
        return english if self.english else vietnamese

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)

"""The HTML of the form's empty inputs, rendered once per process: most of a form page is its inputs.

A report page has some forty inputs (the plan's figures, the enterprise rows, the two side forms),
and each is a Jinja macro call that costs more than the page's database reads. An input with no
value and no error is the same HTML on every page in one language, so it is kept; an input that
shows what someone typed, or an error, is rendered every time and never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

_KEPT = 4096  # inputs of a few plans in two languages; past that, start again


class FieldCache:
    """``text_field`` of ``_fields.html``, with the empty inputs kept."""

    def __init__(self, environment: Environment) -> None:
        self._macro: Callable[..., str] = environment.get_template("_fields.html").module.text_field  # type: ignore[attr-defined]
        self._kept: dict[tuple[Any, ...], Markup] = {}

    def text_field(self, language: str) -> Callable[..., Markup]:
        """The macro as a page in ``language`` calls it (its ``t`` says the words in that language)."""

        def text_field(t: Callable[..., str], id: str, name: str, label: str, value: str, **options: Any) -> Markup:
            if value or options.get("error"):
                return Markup(self._macro(t, id, name, label, value, **options))
            key = (language, id, name, label, *sorted(options.items()))
            kept = self._kept.get(key)
            if kept is None:
                if len(self._kept) >= _KEPT:
                    self._kept.clear()
                kept = self._kept[key] = Markup(self._macro(t, id, name, label, value, **options))
            return kept

        return text_field

"""Command-line values that need no conversion (a word, a number), read without pydantic.

Typer converts every option and argument through a pydantic ``TypeAdapter`` that it builds on first
use, even for a ``str`` it hands back as it came; importing pydantic and building the adapters was a
fifth of ``status``'s start-up. A ``str``, ``int`` or ``bool`` parameter with no parser and no bounds gets a
converter here that reads a plain value itself and gives anything else (``status x``, bytes, a
list) to Typer's own conversion, so a mistake is refused and worded exactly as before.

It relies on Typer's private runtime-conversion hook (``_TyperParameter._runtime_param``, filled
lazily by Typer; pyproject.toml pins Typer to the minor version it was written for, as for
``cli/speech.py``); a parameter without that hook is left to Typer's own conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from typer._click import Command, Context
from typer._coercion import RuntimeParam, build_runtime_param
from typer.core import _TyperParameter

# What ``int`` accepts from pydantic and means the same there: plain decimal digits. Anything else
# ("1_000", " 7", "+3", "١٢") goes to pydantic, which decides as it always has.
_PLAIN_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class _PlainValue(RuntimeParam):
    """A ``str``, ``int`` or ``bool`` read directly when the value is plainly one; otherwise Typer's conversion."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if self.annotation is bool and isinstance(value, bool):
            return value
        if isinstance(value, str) and self.annotation is not bool:
            if self.annotation is str:
                return value
            if _PLAIN_INTEGER.fullmatch(value):
                return int(value)
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def read_plain_values(command: Command) -> None:
    """Give each plain ``str``, ``int`` and ``bool`` parameter of ``command`` and its subcommands the direct reader."""
    # The help option is made on first use, apart from ``params``; made here, it is the one parsing uses.
    help_option = command.get_help_option(command.context_class(command))
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if not isinstance(param, _TyperParameter) or getattr(param, "_runtime_param", "absent") is not None:
            continue  # not Typer's, no hook, or already converting
        descriptor = param.type_descriptor
        info = descriptor.parameter_info
        plain = (
            descriptor.annotation in (str, int, bool)
            and descriptor.file_annotation is None
            and info.parser is None
            and info.min is None
            and info.max is None
            and not info.clamp
        )
        if plain:
            param._runtime_param = _PlainValue(parameter_info=info, annotation=descriptor.annotation)
    for subcommand in getattr(command, "commands", {}).values():
        read_plain_values(subcommand)

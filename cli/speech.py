"""The command line in the coordinator's language: help, usage and usage errors from the catalogues.

Typer (0.29) ships its own copy of Click whose words are English literals, not gettext calls, so no
catalogue of theirs can be switched on. Instead the click command that Typer builds from ``app`` is
translated once, before it runs (``speak``): each command's help (its docstring) and each option's
``help=`` are English msgids of the ``cli`` catalogue (``sxsh_flow/extract.py`` reads them where
they are written); the words Typer and Click add themselves ("Usage:", the panel titles, "Show
this message and exit.", "[default: …]") go through Click's extension points (a Context whose
formatter writes the usage prefix, the options metavar) and Typer's ``rich_utils`` settings; and a
usage error is rewritten from its kind and fields (``usage_error``), never by parsing its English.

Only help and usage errors show these words, so a command that runs pays nothing for them: ``prepare``
only gives each command of the tree the ``SpeakingContext``, which speaks the tree (``speak``) when
help or a usage line is asked for. Typer's ``rich_utils`` (and Rich, Markdown, Pygments behind it)
is imported then too, never on the way to a command's own output.
"""

from __future__ import annotations

from typing import Any

import typer
from typer._click import core as click_core
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from sxsh_flow.words import N_, Words, translations, words

# Typer's and Click's own words, marked for the catalogue (their English is the msgid).
_USAGE = N_("Usage: ")
_HELP_OPTION = N_("Show this message and exit.")
_OPTIONS_METAVAR = N_("[OPTIONS]")
_SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
_RICH_WORDS: dict[str, str] = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
_ENGLISH_RICH_WORDS: dict[str, Any] = {}  # rich_utils' own values, read when it is first imported
_current = words("vi")
_unspoken: tuple[click_core.Command, str] | None = None  # the tree prepare() was given, until spoken


def _said(text: str | None) -> str | None:
    """``text`` from the catalogue when it is a msgid there; as written otherwise (a metavar, a code)."""
    return translations(_current.language).gettext(text) if text else text


class SpeakingFormatter(HelpFormatter):
    """Click's help formatter, with the usage line's prefix in the reader's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else _current.gettext(_USAGE))


class SpeakingContext(typer.Context):
    """A command's context that speaks the tree before it writes help or a usage line."""

    formatter_class = SpeakingFormatter

    def get_help(self) -> str:
        _speak_prepared()
        return super().get_help()

    def get_usage(self) -> str:
        _speak_prepared()
        return super().get_usage()


def prepare(command: click_core.Command, language: str) -> None:
    """Make ``command`` (the tree Typer built from the app) speak ``language`` once help or usage is shown.

    Cheap: each command gets the ``SpeakingContext``; the words are translated only when needed.
    """
    global _unspoken
    _unspoken = (command, language)
    _give_context(command)


def _give_context(command: click_core.Command) -> None:
    command.context_class = SpeakingContext
    if isinstance(command, TyperGroup):
        for child in command.commands.values():
            _give_context(child)


def _speak_prepared() -> None:
    global _unspoken
    if _unspoken is not None:
        command, language = _unspoken
        _unspoken = None
        speak(command, language)


def speak(command: click_core.Command, language: str) -> None:
    """Translate ``command`` (the tree Typer built from the app) and Typer's own words into ``language``.

    Idempotent per language: the English msgid of each text is kept, so speaking a tree again in
    another language (tests run many commands in one process) starts from the English.
    """
    from typer import rich_utils

    global _current
    _current = words(language)
    if not _ENGLISH_RICH_WORDS:
        _ENGLISH_RICH_WORDS.update({name: getattr(rich_utils, name) for name in _RICH_WORDS})
    for name, english in _ENGLISH_RICH_WORDS.items():
        setattr(rich_utils, name, _current.gettext(_RICH_WORDS[name]) if english == _RICH_WORDS[name] else english)
    _speak_command(command)


def _speak_command(command: click_core.Command) -> None:
    english: dict[str, str | None] = command.__dict__.setdefault("_sxsh_english", {})
    for attribute in ("help", "short_help", "epilog"):
        original = english.setdefault(attribute, getattr(command, attribute, None))
        setattr(command, attribute, _said(original))
    command.context_class = SpeakingContext
    if command.options_metavar:
        command.options_metavar = _current.gettext(_OPTIONS_METAVAR)
    help_option = command.get_help_option(SpeakingContext(command))
    for parameter in [*command.params, *([help_option] if help_option is not None else [])]:
        parameter_english: dict[str, str | None] = parameter.__dict__.setdefault("_sxsh_english", {})
        original = parameter_english.setdefault("help", getattr(parameter, "help", None))
        parameter.help = _said(original)  # type: ignore[attr-defined]
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = _current.gettext(_SUBCOMMAND_METAVAR)
        for child in command.commands.values():
            _speak_command(child)


def usage_error(error: click_errors.ClickException, said: Words) -> str:
    """What went wrong on the command line, in ``said``'s language, from the error's kind and fields."""
    if isinstance(error, click_errors.NoSuchOption):
        text = said.gettext("No such option: {option}", option=error.option_name)
        if error.possibilities:
            text += " " + said.gettext("(did you mean: {options})", options=", ".join(sorted(error.possibilities)))
        return text
    if isinstance(error, click_errors.MissingParameter):
        name = _parameter_hint(error)
        if error.param is not None and error.param.param_type_name == "option":
            return said.gettext("Missing option {name}.", name=name)
        return said.gettext("Missing argument {name}.", name=name)
    if isinstance(error, click_errors.BadParameter):
        from pydantic import ValidationError

        from sxsh_flow.datafile import pydantic_message
        from sxsh_flow.problems import say as said_in

        problem = said_in(error.message, said.language)
        cause = error.__cause__
        if isinstance(cause, ValidationError) and cause.errors():  # Typer converts values with pydantic
            problem = said_in(pydantic_message(cause.errors()[0]), said.language)
        if problem.startswith("Value ") and " is not a valid " in problem:
            problem = said.gettext(
                "{value} is not a valid value.", value=problem.removeprefix("Value ").split(" is not")[0]
            )
        name = _parameter_hint(error)
        if not name:
            return said.gettext("Invalid value: {problem}", problem=problem)
        return said.gettext("Invalid value for {name}: {problem}", name=name, problem=problem)
    message = error.message
    if message.startswith("No such command "):
        command = message.removeprefix("No such command ").split(".", 1)[0]
        text = said.gettext("No such command {command}.", command=command)
        if "Did you mean " in message:
            text += " " + said.gettext(
                "Did you mean {commands}?", commands=message.split("Did you mean ", 1)[1].rstrip("?")
            )
        return text
    if message == "Missing command.":
        return said.gettext("Missing command.")
    if message.startswith("Got unexpected extra argument"):
        extra = message.partition("(")[2].rstrip(")")
        return said.gettext("Unexpected extra argument(s): {arguments}", arguments=extra)
    if message.startswith("Option ") and message.endswith("requires an argument."):
        return said.gettext("Option {option} needs a value.", option=message.split("'")[1] if "'" in message else "")
    return _said(message) or ""


def _parameter_hint(error: click_errors.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(repr(part) for part in hint)
    return error.param.get_error_hint() if error.param is not None else ""


def show_usage_error(error: click_errors.ClickException, language: str) -> None:
    """Print a usage error as Typer would, with its words in ``language``."""
    if isinstance(error, click_errors.NoArgsIsHelpError):
        return  # the help was printed already
    from typer import rich_utils

    _speak_prepared()
    translated = click_errors.UsageError(usage_error(error, words(language)), getattr(error, "ctx", None))
    rich_utils.rich_format_error(translated)

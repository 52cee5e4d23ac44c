"""One error hierarchy for everything a user can get wrong or the world can do to us.

Each error carries an English message (a msgid of the ``base`` catalogue) and the ids it is about,
and says what to do next; ``message(language)`` reads it in the reader's language through
``words(language)``, so the Vietnamese lives in the catalogue beside every other word. The CLI maps
``exit_code``; the web app maps ``http_status``. Nothing else in the code base formats an error for
a person. The problems of a data file, and the error that lists them, are in ``sxsh_flow.problems``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sxsh_flow.words import N_, words

# Something that can be said in a language: a Phrase, or any function of the language.
Wording = Callable[[str], str]


class Phrase:
    """A message whose language is chosen when it is read: an English msgid and its parameters.

    A parameter that is itself a ``Wording`` (a hint, "plan file" or "agency directory") is read in
    the same language.
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params: Mapping[str, Any] = params

    def __call__(self, language: str) -> str:
        said = words(language)
        params = {name: _said(value, language) for name, value in self.params.items()}
        return said.gettext(self.msgid, **params)

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r}, **{dict(self.params)!r})"


def _said(value: Any, language: str) -> Any:
    return value(language) if callable(value) else value


class SxshError(Exception):
    """Base of every error sxsh-flow raises on purpose."""

    exit_code: int = 1
    http_status: int = 400

    def __init__(self, msgid: str, /, **params: Any) -> None:
        super().__init__(msgid)
        self.phrase = Phrase(msgid, **params)

    def message(self, language: str = "vi") -> str:
        """What a person reads, in ``language`` (vi or en; anything else reads Vietnamese)."""
        return self.phrase(language)

    def __str__(self) -> str:  # logs and tracebacks are in English
        return self.message("en")


class ConfigurationError(SxshError):
    """A setting from the environment or the command line is unusable.

    ``hint`` says what would do: a msgid (with ``hint_params``) or any ``Wording``.
    """

    exit_code = 78  # EX_CONFIG

    def __init__(self, setting: str, value: str, hint: str | Wording, **hint_params: Any) -> None:
        self.setting = setting
        self.value = value
        super().__init__(
            N_("Setting {setting}={value} is unusable: {hint}"),
            setting=setting,
            value=repr(value),
            hint=Phrase(hint, **hint_params) if isinstance(hint, str) else hint,
        )


class StoreUnavailable(SxshError):
    """The database cannot be opened or migrated."""

    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(
            N_("Cannot open the database {url}: {reason}. Check SXSH_DATABASE_URL or SXSH_HOME."),
            url=url,
            reason=reason,
        )


def _listing(known: Sequence[str]) -> str:
    return ", ".join(known) or "-"


class UnknownPlan(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, key: str, known: Sequence[str]) -> None:
        self.key = key
        super().__init__(
            N_("No plan '{key}'. Built-in plans: {listing}; or pass --plan-file FILE."),
            key=key,
            listing=_listing(known),
        )


class UnknownAgency(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, code: str, province: str | None = None) -> None:
        self.code = code
        self.province = province
        if province:
            super().__init__(
                N_(
                    "No agency with code '{code}' in the directory of province {province}. See: sxsh-flow agencies list"
                ),
                code=code,
                province=province,
            )
        else:
            super().__init__(N_("No agency with code '{code}'. See: sxsh-flow agencies list"), code=code)


class UnknownProvince(SxshError, LookupError):
    exit_code = 2

    def __init__(self, code: str, known: Sequence[str]) -> None:
        self.code = code
        super().__init__(
            N_(
                "No agency directory for province '{code}'. Known: {listing}. "
                "Load one with: sxsh-flow agencies import FILE"
            ),
            code=code,
            listing=_listing(known),
        )


class UnknownRun(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, run: str) -> None:
        self.run = run
        super().__init__(N_("No plan run '{run}'. See: sxsh-flow status"), run=run)


class PlanAlreadyStarted(SxshError):
    exit_code = 3
    http_status = 409

    def __init__(self, plan_key: str, province: str, run_id: int | None) -> None:
        self.plan_key = plan_key
        self.province = province
        self.run_id = run_id
        super().__init__(
            N_(
                "Plan {plan_key} is already started for province {province} (run{run}); "
                "nothing was created. See: sxsh-flow status{run}"
            ),
            plan_key=plan_key,
            province=province,
            run=f" {run_id}" if run_id is not None else "",
        )


class PlanPeriodOver(SxshError):
    exit_code = 3

    def __init__(self, plan_key: str, last_due: str, replay_command: str) -> None:
        self.plan_key = plan_key
        self.last_due = last_due
        self.replay_command = replay_command
        super().__init__(
            N_(
                "Plan {plan_key} is over (last deadline {last_due}); it is not started against the "
                "real clock. To replay it on a simulated clock: {replay_command}"
            ),
            plan_key=plan_key,
            last_due=last_due,
            replay_command=replay_command,
        )


class NoAgencyForTask(SxshError):
    exit_code = 65

    def __init__(self, plan_key: str, task_key: str, selector: str, province: str, on: date) -> None:
        self.plan_key = plan_key
        self.task_key = task_key
        self.on = on
        super().__init__(
            N_(
                "Task {task_key} of plan {plan_key} is assigned to '{selector}', but the directory "
                "of province {province} has no such agency in existence on {day}. "
                "Complete the directory (sxsh-flow agencies import FILE) or correct the plan."
            ),
            task_key=task_key,
            plan_key=plan_key,
            selector=selector,
            province=province,
            day=on.strftime("%d/%m/%Y"),
        )


class TransitionNotAllowed(SxshError):
    exit_code = 4
    http_status = 409

    def __init__(self, machine: str, entity_id: object, state: str, transition: str) -> None:
        self.machine = machine
        self.entity_id = entity_id
        self.state = state
        self.transition = transition
        super().__init__(
            N_("Cannot '{transition}' {machine} #{entity_id} while it is '{state}'."),
            transition=transition,
            machine=machine,
            entity_id=entity_id,
            state=state,
        )


class UnknownOutboxMessage(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, outbox_id: int) -> None:
        self.outbox_id = outbox_id
        super().__init__(N_("No message {outbox_id} in the outbox. See: sxsh-flow outbox list"), outbox_id=outbox_id)


class MessageNeverBuilt(SxshError):
    """``outbox retry`` of a message that could not be built: it has no bytes to send again."""

    exit_code = 4
    http_status = 409

    def __init__(self, outbox_id: int, reason: str) -> None:
        self.outbox_id = outbox_id
        self.reason = reason
        super().__init__(
            N_(
                "Message {outbox_id} could not be built ({reason}), so there is nothing to send again. Fix the "
                "agency's contacts (sxsh-flow agencies import): the messages written after that reach them."
            ),
            outbox_id=outbox_id,
            reason=reason,
        )


class UnknownSubmission(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        super().__init__(
            N_("No submission {submission_id}. See: sxsh-flow submissions list"), submission_id=submission_id
        )


class UnknownExtension(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        super().__init__(N_("No extension request {request_id}. See: sxsh-flow extensions list"), request_id=request_id)


class ReportNotExpected(SxshError):
    """A report sent for a task run that is not waiting for one (already submitted, accepted...)."""

    exit_code = 4
    http_status = 409

    def __init__(self, task_run_id: int, state: str) -> None:
        self.task_run_id = task_run_id
        self.state = state
        super().__init__(N_("This report was sent and awaits review, or is no longer expected."))


class InvalidRequest(SxshError):
    """Something a person asked for through the portal that cannot be done as asked."""

    exit_code = 65
    http_status = 422


class UnknownCycle(SxshError, LookupError):
    """A reporting cycle the run does not have (or one that was cancelled)."""

    exit_code = 2
    http_status = 404

    def __init__(self, run_id: int, label: str, known: Sequence[str]) -> None:
        self.run_id = run_id
        self.label = label
        super().__init__(
            N_("Run {run_id} has no reporting cycle '{label}'. Its cycles: {listing}. See: sxsh-flow status {run_id}"),
            run_id=run_id,
            label=label,
            listing=_listing(known),
        )


class UnknownReportFormat(SxshError, ValueError):
    """An output format the consolidated report is not written in."""

    exit_code = 2

    def __init__(self, given: str, known: Sequence[str]) -> None:
        self.given = given
        super().__init__(
            N_(
                "Cannot write the report as '{given}'. Choose one of: {listing} (--format, or the -o file's extension)."
            ),
            given=given,
            listing=", ".join(known),
        )


class PrefectServerNotConfigured(SxshError):
    """``sxsh-flow deploy`` was run without PREFECT_API_URL: there is no server to register on."""

    exit_code = 78  # EX_CONFIG

    def __init__(self) -> None:
        super().__init__(
            N_(
                "PREFECT_API_URL is not set, so there is no Prefect server to register on. Run `prefect server "
                "start`, then `export PREFECT_API_URL=http://127.0.0.1:4200/api` (that server's address)."
            )
        )


class PrefectServerUnavailable(SxshError):
    """The Prefect server PREFECT_API_URL names does not answer (or is not a Prefect server)."""

    exit_code = 69  # EX_UNAVAILABLE

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            N_(
                "The Prefect server {url} does not answer ({reason}). Check PREFECT_API_URL and the server "
                "(`prefect server start`); nothing was registered."
            ),
            url=url,
            reason=reason,
        )

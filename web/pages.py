"""The portal's pages: the words (Vietnamese first, English beside them), the language, the templates.

Every word a page shows is named in ``TEXT`` by a key, as an English msgid of the ``web`` gettext
catalogue (the Vietnamese is in ``sxsh_flow/locale/vi/LC_MESSAGES/web.po``), so the two languages
cannot drift apart template by template. The language is Vietnamese unless the installation says otherwise;
``?lang=en`` (or ``vi``) switches it and a cookie remembers the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.words import N_, words

TEMPLATE_FOLDER = Path(__file__).with_name("templates")
LANGUAGES = ("vi", "en")
LANGUAGE_COOKIE = "sxsh_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# The portal's words by the key templates and views use: English msgids of the ``web`` catalogue.
TEXT: dict[str, str] = {
    "site": N_("Cleaner production reporting portal"),
    "skip": N_("Skip to main content"),
    "switch": N_("Switch to Vietnamese"),
    "plan": N_("Plan"),
    "agency": N_("Agency"),
    "reporter": N_("Reporting as"),
    "cycle": N_("Reporting cycle"),
    "cutoff": N_("Data cut-off period"),
    "deadline": N_("Deadline"),
    "state": N_("Status"),
    "task": N_("Task"),
    "returned_comment": N_("Comment on the returned report"),
    "pending_extension": N_("Your request for more time, until {day}, awaits a decision."),
    "versions": N_("Saved versions"),
    "version": N_("Version {number}"),
    "sent_on": N_("sent {moment}"),
    "on_time": N_("on time"),
    "late": N_("late"),
    "draft": N_("draft"),
    "submitted": N_("submitted, awaiting review"),
    "accepted": N_("accepted"),
    "returned": N_("returned for changes"),
    "report": N_("Report"),
    "required_note": N_("Fields marked * must be filled in before you submit; a draft may leave them empty."),
    "number_note": N_(
        "Write numbers the Vietnamese way: a dot between thousands, a comma before decimals (for example "
        "1.234.567 and 8,5)."
    ),
    "error_prefix": N_("Error"),
    "required_mark": N_("required to submit"),
    "group_indicators": N_("Indicators"),
    "group_fields": N_("Other figures"),
    "group_sections": N_("Report text"),
    "group_funding": N_("Funding (đồng)"),
    "group_enterprises": N_("Enterprises taking part"),
    "enterprises_note": N_("One enterprise per row; empty rows are ignored."),
    "enterprise": N_("Enterprise {number}"),
    "enterprise_name": N_("Enterprise name"),
    "enterprise_sector": N_("Sector"),
    "enterprise_participation": N_("Participation"),
    "choose": N_("— Choose —"),
    "attachments": N_("Attachments"),
    "attachments_hint": N_("PDF, Word, Excel or images (PNG, JPG); at most {limit} MB each."),
    "attached": N_("Files attached"),
    "save_draft": N_("Save draft"),
    "submit": N_("Submit report"),
    "draft_saved": N_("Draft saved. Come back through the link in your email to finish and submit it."),
    "errors_title": N_("{count} field(s) need correcting"),
    "errors_not_sent": N_("The report was not sent. The fields filled in correctly were saved as a draft."),
    "errors_draft": N_("The draft was saved, except for the fields below."),
    "already_sent": N_(
        "The report has been sent and awaits review. If it needs changes, the coordinator will return it "
        "with a comment and you will get an email with a link."
    ),
    "values_sent": N_("What was sent"),
    "extension_title": N_("Ask for more time"),
    "extension_note": N_(
        "If you cannot report by the deadline, give the reason and the date you can; the coordinator will "
        "answer by email."
    ),
    "reason": N_("Reason"),
    "proposed_until": N_("New deadline asked for"),
    "date_hint": N_("As dd/mm/yyyy, for example 15/01/2017."),
    "send_extension": N_("Send the request"),
    "reason_missing": N_("Please give a reason for the extension."),
    "date_invalid": N_("Enter a date as dd/mm/yyyy, for example 15/01/2017."),
    "extension_sent_title": N_("Extension request sent"),
    "extension_sent": N_(
        "Your request for more time, until {day}, has been recorded. The coordinator will answer by email."
    ),
    "forward_title": N_("Forward to a colleague"),
    "forward_note": N_("A colleague in your agency will get an email with a link of their own to report on this task."),
    "colleague_name": N_("Name"),
    "colleague_email": N_("Email address"),
    "send_forward": N_("Send the link"),
    "forwarded_title": N_("Task forwarded"),
    "forwarded": N_("An email with a link has been queued for {email}."),
    "receipt_title": N_("Report received"),
    "receipt": N_("Version {number} of the report was received on {moment}."),
    "receipt_on_time": N_("It came in on time (deadline {deadline})."),
    "receipt_late": N_("It came in late (deadline {deadline})."),
    "receipt_mail": N_("A confirmation will be emailed to {email}."),
    "back": N_("Back to the report page"),
    "bad_link_title": N_("This link cannot be used"),
    "bad_link": N_(
        "This link is not right or no longer works: it may have expired, been replaced by a newer one, or "
        "been copied incompletely."
    ),
    "bad_link_next": N_(
        "Please open the latest email about this task, or ask the office that emailed you to send the link again."
    ),
    "expired_title": N_("This form has expired"),
    "expired": N_("To protect your report, each form works only for a while. Nothing was saved."),
    "expired_next": N_("Please open the link again and send it once more."),
    "open_again": N_("Open the form again"),
    "too_large_title": N_("Too much data sent"),
    "too_large": N_("One sending may not exceed {limit} MB. Nothing was saved. Please send fewer or smaller files."),
    "not_expected_title": N_("No report is expected here"),
    "problem_title": N_("This could not be done"),
    "bad_request": N_("The data sent could not be read. Please open the link again and try once more."),
    "not_allowed": N_("This page does not support that."),
    "server_error_title": N_("Something went wrong on our side"),
    "server_error": N_("The error has been logged. Nothing was saved; please try again in a few minutes."),
}


def text(key: str, language: str, **values: object) -> str:
    """The words of ``key`` in ``language``, with ``{name}`` fields filled in."""
    return words(language).gettext(TEXT[key], **values)


def requested_language(connection: HTTPConnection) -> str | None:
    """The language asked for by ``?lang=``, if it is one we have."""
    asked = connection.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def language_of(connection: HTTPConnection, default: str) -> str:
    remembered = connection.cookies.get(LANGUAGE_COOKIE)
    return requested_language(connection) or (remembered if remembered in LANGUAGES else default)


def long_date(day: date, language: str) -> str:
    return words(language).long_date(day)


def moment(instant: datetime, language: str) -> str:
    """An instant as people in Vietnam read it: 15/12/2016 09:30 (Vietnam time)."""
    local = instant.astimezone(VIETNAM)
    if language == "en":
        return f"{words('en').date(local.date())}, {local:%H:%M}"
    return f"{local:%H:%M} ngày {words('vi').date(local.date())}"


class Pages:
    """Renders templates into responses, with the language, its switch and the cookie that remembers it."""

    def __init__(self, default_language: str) -> None:
        self.default_language = default_language if default_language in LANGUAGES else "vi"
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATE_FOLDER),
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.environment.filters["vn_date"] = words("vi").date

    def language(self, connection: HTTPConnection) -> str:
        return language_of(connection, self.default_language)

    def html(
        self, template: str, context: Mapping[str, Any], *, language: str, switch_url: str | None = None, root: str = ""
    ) -> str:
        def t(key: str, **values: object) -> str:
            return text(key, language, **values)

        def t_en(key: str, **values: object) -> str:
            return text(key, "en", **values)

        return self.environment.get_template(template).render(
            {
                **context,
                "lang": language,
                "t": t,
                "t_en": t_en,
                "root": root,
                "switch_url": switch_url,
                "switch_lang": "vi" if language == "en" else "en",
                "long_date": lambda day: long_date(day, language),
                "moment": lambda instant: moment(instant, language),
                "cycle_name": words(language).cycle_name,
            }
        )

    def render(
        self,
        connection: HTTPConnection,
        template: str,
        context: Mapping[str, Any],
        *,
        status: int = 200,
        switch_path: str | None = None,
    ) -> HTMLResponse:
        """``switch_path``: where the language switch leads (the link page itself; never a POST-only URL)."""
        language = self.language(connection)
        other = "en" if language == "vi" else "vi"
        root = connection.scope.get("root_path", "")
        switch_url = f"{root}{switch_path}?lang={other}" if switch_path else None
        html = self.html(template, context, language=language, switch_url=switch_url, root=root)
        response = HTMLResponse(html, status_code=status)
        asked = requested_language(connection)
        if asked is not None:
            response.set_cookie(
                LANGUAGE_COOKIE, asked, max_age=LANGUAGE_COOKIE_AGE, path="/", httponly=True, samesite="lax"
            )
        return response

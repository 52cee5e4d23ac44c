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
from sxsh_flow.web.field_cache import FieldCache
from sxsh_flow.words import NP_, words

PORTAL = "portal"  # the context (pgettext) of every word the portal says: its own, apart from the report's

TEMPLATE_FOLDER = Path(__file__).with_name("templates")
LANGUAGES = ("vi", "en")
LANGUAGE_COOKIE = "sxsh_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# The portal's words by the key templates and views use: English msgids of the ``web`` catalogue.
TEXT: dict[str, str] = {
    "site": NP_("portal", "Cleaner production reporting portal"),
    "skip": NP_("portal", "Skip to main content"),
    "switch": NP_("portal", "Switch to Vietnamese"),
    "plan": NP_("portal", "Plan"),
    "agency": NP_("portal", "Agency"),
    "reporter": NP_("portal", "Reporting as"),
    "cycle": NP_("portal", "Reporting cycle"),
    "cutoff": NP_("portal", "Data cut-off period"),
    "deadline": NP_("portal", "Deadline"),
    "state": NP_("portal", "Status"),
    "task": NP_("portal", "Task"),
    "returned_comment": NP_("portal", "Comment on the returned report"),
    "pending_extension": NP_("portal", "Your request for more time, until {day}, awaits a decision."),
    "versions": NP_("portal", "Saved versions"),
    "version": NP_("portal", "Version {number}"),
    "sent_on": NP_("portal", "sent {moment}"),
    "on_time": NP_("portal", "on time"),
    "late": NP_("portal", "late"),
    "draft": NP_("portal", "draft"),
    "submitted": NP_("portal", "submitted, awaiting review"),
    "accepted": NP_("portal", "accepted"),
    "returned": NP_("portal", "returned for changes"),
    "report": NP_("portal", "Report"),
    "required_note": NP_(
        "portal", "Fields marked * must be filled in before you submit; a draft may leave them empty."
    ),
    "number_note": NP_(
        "portal",
        "Write numbers the Vietnamese way: a dot between thousands, a comma before decimals (for example "
        "1.234.567 and 8,5).",
    ),
    "error_prefix": NP_("portal", "Error"),
    "required_mark": NP_("portal", "required to submit"),
    "group_indicators": NP_("portal", "Indicators"),
    "group_fields": NP_("portal", "Other figures"),
    "group_sections": NP_("portal", "Report text"),
    "group_funding": NP_("portal", "Funding (đồng)"),
    "group_enterprises": NP_("portal", "Enterprises taking part"),
    "enterprises_note": NP_("portal", "One enterprise per row; empty rows are ignored."),
    "enterprise": NP_("portal", "Enterprise {number}"),
    "enterprise_name": NP_("portal", "Enterprise name"),
    "enterprise_sector": NP_("portal", "Sector"),
    "enterprise_participation": NP_("portal", "Participation"),
    "choose": NP_("portal", "— Choose —"),
    "attachments": NP_("portal", "Attachments"),
    "attachments_hint": NP_("portal", "PDF, Word, Excel or images (PNG, JPG); at most {limit} MB each."),
    "attached": NP_("portal", "Files attached"),
    "save_draft": NP_("portal", "Save draft"),
    "submit": NP_("portal", "Submit report"),
    "draft_saved": NP_("portal", "Draft saved. Come back through the link in your email to finish and submit it."),
    "errors_title": NP_("portal", "{count} field(s) need correcting"),
    "errors_not_sent": NP_("portal", "The report was not sent. The fields filled in correctly were saved as a draft."),
    "errors_draft": NP_("portal", "The draft was saved, except for the fields below."),
    "already_sent": NP_(
        "portal",
        "The report has been sent and awaits review. If it needs changes, the coordinator will return it "
        "with a comment and you will get an email with a link.",
    ),
    "values_sent": NP_("portal", "What was sent"),
    "extension_title": NP_("portal", "Ask for more time"),
    "extension_note": NP_(
        "portal",
        "If you cannot report by the deadline, give the reason and the date you can; the coordinator will "
        "answer by email.",
    ),
    "reason": NP_("portal", "Reason"),
    "proposed_until": NP_("portal", "New deadline asked for"),
    "date_hint": NP_("portal", "As dd/mm/yyyy, for example 15/01/2017."),
    "send_extension": NP_("portal", "Send the request"),
    "reason_missing": NP_("portal", "Please give a reason for the extension."),
    "date_invalid": NP_("portal", "Enter a date as dd/mm/yyyy, for example 15/01/2017."),
    "extension_sent_title": NP_("portal", "Extension request sent"),
    "extension_sent": NP_(
        "portal", "Your request for more time, until {day}, has been recorded. The coordinator will answer by email."
    ),
    "forward_title": NP_("portal", "Forward to a colleague"),
    "forward_note": NP_(
        "portal", "A colleague in your agency will get an email with a link of their own to report on this task."
    ),
    "forward_guest_note": NP_(
        "portal",
        "The colleague gets a link to this task alone, for this cycle; they do not become a contact of the "
        "agency. An address outside its mail domains waits for the coordinator's approval. A task can be "
        "forwarded at most {limit} times.",
    ),
    "colleague_name": NP_("portal", "Name"),
    "colleague_email": NP_("portal", "Email address"),
    "send_forward": NP_("portal", "Send the link"),
    "forwarded_title": NP_("portal", "Task forwarded"),
    "forwarded": NP_("portal", "An email with a link has been queued for {email}."),
    "forward_waits": NP_(
        "portal",
        "{email} is outside your agency's mail domains: the coordinator has been asked to approve. "
        "Nothing is sent to it until then.",
    ),
    "receipt_title": NP_("portal", "Report received"),
    "receipt": NP_("portal", "Version {number} of the report was received on {moment}."),
    "receipt_on_time": NP_("portal", "It came in on time (deadline {deadline})."),
    "receipt_late": NP_("portal", "It came in late (deadline {deadline})."),
    "receipt_mail": NP_("portal", "A confirmation will be emailed to {email}."),
    "back": NP_("portal", "Back to the report page"),
    "bad_link_title": NP_("portal", "This link cannot be used"),
    "bad_link": NP_(
        "portal",
        "This link is not right or no longer works: it may have expired, been replaced by a newer one, or "
        "been copied incompletely.",
    ),
    "bad_link_next": NP_(
        "portal",
        "Please open the latest email about this task, or ask the office that emailed you to send the link again.",
    ),
    "handed_over": NP_("portal", "This duty passed to {successors} on {date}."),
    "handed_over_next": NP_(
        "portal",
        "Nothing can be sent through this link any more: the agency that took over reports on it now. "
        "The office that emailed you can tell you more.",
    ),
    "expired_title": NP_("portal", "This form has expired"),
    "expired": NP_("portal", "To protect your report, each form works only for a while. Nothing was saved."),
    "expired_next": NP_("portal", "Please open the link again and send it once more."),
    "open_again": NP_("portal", "Open the form again"),
    "too_large_title": NP_("portal", "Too much data sent"),
    "too_large": NP_(
        "portal", "One sending may not exceed {limit} MB. Nothing was saved. Please send fewer or smaller files."
    ),
    "not_expected_title": NP_("portal", "No report is expected here"),
    "problem_title": NP_("portal", "This could not be done"),
    "bad_request": NP_("portal", "The data sent could not be read. Please open the link again and try once more."),
    "not_allowed": NP_("portal", "This page does not support that."),
    "server_error_title": NP_("portal", "Something went wrong on our side"),
    "server_error": NP_("portal", "The error has been logged. Nothing was saved; please try again in a few minutes."),
}


def text(key: str, language: str, **values: object) -> str:
    """The words of ``key`` in ``language``, with ``{name}`` fields filled in."""
    return words(language).pgettext(PORTAL, TEXT[key], **values)


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
        self.fields = FieldCache(self.environment)

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
                "text_field": self.fields.text_field(language),
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

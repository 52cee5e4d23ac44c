"""The desk's words, by the key templates and views use: English msgids of the ``web`` catalogue.

Said in their own context (``desk``), apart from the reply pages' (``portal``): the desk speaks to
the coordinator, the reply pages to an agency.
"""

from __future__ import annotations

from sxsh_flow.words import NP_, words

DESK = "desk"

DESK_TEXT: dict[str, str] = {
    "desk": NP_("desk", "Coordinator's desk"),
    "runs": NP_("desk", "Your plans"),
    "no_runs": NP_("desk", "No plan run names you as its coordinator."),
    "signed_in_as": NP_("desk", "Signed in as {email}"),
    "sign_out": NP_("desk", "Sign out"),
    "nav": NP_("desk", "Pages of this plan"),
    "board": NP_("desk", "Board"),
    "extensions": NP_("desk", "Extension requests"),
    "forwards": NP_("desk", "Forwards"),
    "emails": NP_("desk", "Emails"),
    "history": NP_("desk", "History"),
    "reports": NP_("desk", "Consolidated reports"),
    # signing in
    "sign_in_title": NP_("desk", "Sign in to the coordinator's desk"),
    "sign_in_intro": NP_(
        "desk",
        "Enter the email address the agency directory gives for you. If it is a coordinator's, we email "
        "you a link that signs you in; there is no password.",
    ),
    "email_label": NP_("desk", "Your email address"),
    "send_link": NP_("desk", "Email me a sign-in link"),
    "link_sent_title": NP_("desk", "Check your email"),
    "link_sent": NP_(
        "desk",
        "If {email} is the address of a coordinator, a sign-in link is on its way to it. The link works "
        "once, for {minutes} minutes.",
    ),
    "link_sent_next": NP_("desk", "No email after a few minutes? Check the address and ask again."),
    "confirm_title": NP_("desk", "Sign in"),
    "confirm_intro": NP_("desk", "Press the button to sign in to the desk as {email}."),
    "confirm_button": NP_("desk", "Sign in"),
    "bad_sign_in_title": NP_("desk", "This sign-in link does not work"),
    "bad_sign_in": NP_(
        "desk", "It may have been used already, have expired, or have been copied incompletely. Ask for a new one."
    ),
    "ask_again": NP_("desk", "Ask for a new link"),
    "signed_out_title": NP_("desk", "You are signed out"),
    "signed_out": NP_("desk", "Your session has ended. Sign in again to go on."),
    "expired_form_title": NP_("desk", "This form has expired"),
    "expired_form": NP_("desk", "Nothing was done. Open the page again and repeat the action."),
    # the board
    "board_title": NP_("desk", "Board: {plan}"),
    "filters": NP_("desk", "Filter"),
    "all": NP_("desk", "All"),
    "cycle": NP_("desk", "Cycle"),
    "agency": NP_("desk", "Agency"),
    "state": NP_("desk", "Status"),
    "overdue_only": NP_("desk", "Overdue only"),
    "apply": NP_("desk", "Apply"),
    "clear": NP_("desk", "Clear filters"),
    "shown": NP_("desk", "{shown} of {total} reports shown."),
    "overdue_count": NP_("desk", "{count} overdue."),
    "late_by": NP_("desk", "late by {days}"),
    "due": NP_("desk", "due {date}"),
    "extended": NP_("desk", "extended to {date}"),
    "open_report": NP_("desk", "version {version}"),
    "nothing_matches": NP_("desk", "No report matches these filters."),
    "board_scroll": NP_("desk", "Board of agencies and cycles (scrolls sideways)"),
    # a submission
    "submission_title": NP_("desk", "Report of {agency}"),
    "task": NP_("desk", "Task"),
    "version": NP_("desk", "Version"),
    "version_n": NP_("desk", "Version {number}"),
    "sent": NP_("desk", "Sent"),
    "sent_by": NP_("desk", "Sent by"),
    "deadline": NP_("desk", "Deadline"),
    "on_time": NP_("desk", "on time"),
    "late": NP_("desk", "late"),
    "review_comment": NP_("desk", "Review comment"),
    "reviewed_by": NP_("desk", "Reviewed by {who} at {moment}"),
    "attachments": NP_("desk", "Attachments"),
    "side_by_side": NP_("desk", "Versions side by side"),
    "side_by_side_scroll": NP_("desk", "Versions side by side (scrolls sideways)"),
    "field": NP_("desk", "Field"),
    "review": NP_("desk", "Review"),
    "accept": NP_("desk", "Accept the report"),
    "return_comment": NP_("desk", "What should the agency correct?"),
    "return_hint": NP_("desk", "Sent to the agency by email with a fresh link to the report."),
    "return": NP_("desk", "Return with this comment"),
    "comment_missing": NP_("desk", "Write what to correct before returning the report."),
    "not_reviewable": NP_("desk", "This version is not waiting for review."),
    "done_accepted": NP_("desk", "The report was accepted."),
    "done_returned": NP_("desk", "The report was returned; the agency will get your comment by email."),
    # extensions
    "extensions_title": NP_("desk", "Extension requests"),
    "no_extensions": NP_("desk", "No request waits for a decision."),
    "requested_until": NP_("desk", "Asked until"),
    "current_deadline": NP_("desk", "Current deadline"),
    "reason": NP_("desk", "Reason"),
    "requested_at": NP_("desk", "Asked on"),
    "cycle_closes": NP_("desk", "The cycle closes"),
    "past_close": NP_(
        "desk",
        "Warning: {date} is after the cycle closes ({closes}). A report sent then comes after the "
        "consolidated report of the cycle.",
    ),
    "confirm_past_close": NP_("desk", "I understand: approve a deadline after the cycle closes"),
    "confirm_missing": NP_("desk", "Tick the box to approve a deadline after the cycle closes."),
    "decision_comment": NP_("desk", "Comment (sent to the agency)"),
    "approve": NP_("desk", "Approve"),
    "deny": NP_("desk", "Deny"),
    "decided": NP_("desk", "Decided recently"),
    "done_approved": NP_("desk", "The extension was approved; the agency will be told by email."),
    "done_denied": NP_("desk", "The extension was denied; the agency will be told by email."),
    "ext_approved": NP_("desk", "approved until {date}"),
    "ext_denied": NP_("desk", "denied"),
    # forwards
    "forwards_title": NP_("desk", "Forwards waiting for approval"),
    "no_forwards": NP_("desk", "No forward waits for approval."),
    "forwarded_to": NP_("desk", "To"),
    "forwarded_by": NP_("desk", "Forwarded by"),
    "done_forward_approved": NP_("desk", "The forward was approved; the colleague will get a link by email."),
    "done_forward_denied": NP_("desk", "The forward was denied; nothing is sent."),
    # emails
    "emails_title": NP_("desk", "Emails of this plan"),
    "failed_title": NP_("desk", "Failed emails"),
    "no_failed": NP_("desk", "No email has failed."),
    "recent_title": NP_("desk", "Latest emails"),
    "to": NP_("desk", "To"),
    "subject": NP_("desk", "Subject"),
    "queued": NP_("desk", "Queued"),
    "why_failed": NP_("desk", "Why it failed"),
    "email_state": NP_("desk", "Status"),
    "email_queued": NP_("desk", "waiting to be sent"),
    "email_retry": NP_("desk", "to be tried again"),
    "email_sending": NP_("desk", "being sent"),
    "email_sent": NP_("desk", "sent"),
    "email_failed": NP_("desk", "failed"),
    "email_cancelled": NP_("desk", "cancelled"),
    # history
    "history_title": NP_("desk", "History of this plan"),
    "when": NP_("desk", "When"),
    "who": NP_("desk", "Who"),
    "what": NP_("desk", "What"),
    "why": NP_("desk", "Why"),
    "history_limit": NP_("desk", "The latest {count} entries."),
    # reports
    "reports_title": NP_("desk", "Consolidated report of {year}"),
    "report_of": NP_("desk", "Open the consolidated report of {cycle}"),
    "report_cumulative": NP_("desk", "Cumulative report from the start of the plan to {cycle}"),
    "report_files": NP_("desk", "The page offers the Word and Excel files of the report."),
    "no_cycle_in_year": NP_("desk", "This plan has no reporting cycle in {year}."),
}


def desk_text(key: str, language: str, **values: object) -> str:
    """The desk's words of ``key`` in ``language``, with ``{name}`` fields filled in."""
    return words(language).pgettext(DESK, DESK_TEXT[key], **values)

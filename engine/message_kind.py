"""What an email is for: the kinds of message the engine writes (``engine/message.py`` builds them).

Apart from the messages themselves so that words for the kinds (``engine/labels.py``) can be read
without loading what builds an email.
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    KICKOFF = "kickoff"  # the plan has started: an agency's tasks and first deadlines
    REQUEST = "request"  # a cycle opened: please report by the deadline
    REMINDER = "reminder"  # a deadline is coming (N working days before)
    DUE_TODAY = "due_today"  # the deadline is today
    OVERDUE = "overdue"  # the deadline has passed
    ESCALATION = "escalation"  # to the agency's head, the coordinator in copy
    RECEIPT = "receipt"  # a report was received
    DIGEST = "digest"  # the coordinator's status digest
    CYCLE_CLOSED = "cycle_closed"  # a cycle closed: its final status, with the consolidated report
    RETURNED = "returned"  # the coordinator sent a report back: the comment, and a fresh link
    EXTENSION = "extension"  # the coordinator's answer to a request for more time
    EXTENSION_REQUEST = "extension_request"  # to the coordinator: an agency asks for more time
    FORWARDED = "forwarded"  # a colleague forwarded a task: a link of one's own
    FORWARD_APPROVAL = "forward_approval"  # to the coordinator: a forward to an outside address waits
    HANDOVER = "handover"  # to a successor: the duties of an agency that ended it takes over, and from when
    SUCCESSION = "succession"  # to the coordinator: every duty a directory change moved, and the letters sent
    SIGN_IN = "sign_in"  # to a coordinator who asked: a one-time link into the desk

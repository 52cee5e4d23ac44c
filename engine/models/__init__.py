"""SQLAlchemy 2.0 models of the store; see each module for the aggregate it holds."""

from sxsh_flow.engine.models.agency import AgencyRecord, ContactRecord, DirectoryChange, ProvinceRecord
from sxsh_flow.engine.models.attachment import Attachment
from sxsh_flow.engine.models.base import Base, UTCDateTime
from sxsh_flow.engine.models.desk_access import DeskSession, SignInLink
from sxsh_flow.engine.models.extension_request import ExtensionRequest
from sxsh_flow.engine.models.history import HistoryEntry
from sxsh_flow.engine.models.outbox import DeliveryAttempt, OutboxMessage
from sxsh_flow.engine.models.plan_run import PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.models.reply_link import ReplyLink
from sxsh_flow.engine.models.scheduled_run import ScheduledRun
from sxsh_flow.engine.models.submission import Submission

__all__ = [
    "AgencyRecord",
    "Attachment",
    "Base",
    "ContactRecord",
    "DeliveryAttempt",
    "DeskSession",
    "DirectoryChange",
    "ExtensionRequest",
    "HistoryEntry",
    "OutboxMessage",
    "PlanRun",
    "ProvinceRecord",
    "ReplyLink",
    "ReportingCycle",
    "ScheduledRun",
    "SignInLink",
    "Submission",
    "TaskRun",
    "UTCDateTime",
]

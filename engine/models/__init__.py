"""SQLAlchemy 2.0 models of the store; see each module for the aggregate it holds."""

from .agency import AgencyRecord, ContactRecord, ProvinceRecord
from .base import Base, UTCDateTime
from .history import HistoryEntry
from .outbox import DeliveryAttempt, OutboxMessage
from .plan_run import PlanRun, ReportingCycle, TaskRun
from .portal import Attachment, ExtensionRequest, ReplyLink, Submission
from .scheduled_run import ScheduledRun

__all__ = [
    "AgencyRecord",
    "Attachment",
    "Base",
    "ContactRecord",
    "DeliveryAttempt",
    "ExtensionRequest",
    "HistoryEntry",
    "OutboxMessage",
    "PlanRun",
    "ProvinceRecord",
    "ReplyLink",
    "ReportingCycle",
    "ScheduledRun",
    "Submission",
    "TaskRun",
    "UTCDateTime",
]

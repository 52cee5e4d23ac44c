"""Links to a consolidated report's page: a signed, expiring (run, cycle, cumulative) for the coordinator.

The portal has no accounts: the coordinator's email carries the link, and holding it is enough to
read the report, as holding a reply link is enough to report. The token is signed with the same
secret key as reply links but its own salt, so neither kind of token can stand for the other; it
expires after ``REPORT_LINK_MAX_AGE``. Time comes from the caller, so a replay signs and checks on
its simulated clock. No FastAPI here: the cycle-close job imports this to write its email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

REPORT_SALT = "sxsh-flow/consolidated-report/v1"
# Long enough to read, forward and file the report of a cycle; short enough that an old email found
# later no longer opens the province's figures.
REPORT_LINK_MAX_AGE = timedelta(days=60)
REPORT_PATH = "/bao-cao"


@dataclass(frozen=True)
class ReportRequest:
    """What a report link asks for."""

    run_id: int
    cycle_label: str
    cumulative: bool


class ReportLinks:
    """Signs and reads report tokens with the installation's secret key."""

    def __init__(self, secret_key: str, *, max_age: timedelta = REPORT_LINK_MAX_AGE) -> None:
        self._secret_key = secret_key
        self._max_age = int(max_age.total_seconds())

    def _serializer(self, now: datetime) -> URLSafeTimedSerializer:
        instant = int(now.timestamp())

        class ClockedSigner(TimestampSigner):
            # itsdangerous reads time.time(); a replay's "now" is its FixedClock's.
            def get_timestamp(self) -> int:
                return instant

        return URLSafeTimedSerializer(self._secret_key, salt=REPORT_SALT, signer=ClockedSigner)

    def token(self, run_id: int, cycle_label: str, cumulative: bool, *, now: datetime) -> str:
        return str(self._serializer(now).dumps([run_id, cycle_label, cumulative]))

    def read(self, token: str, *, now: datetime) -> ReportRequest | None:
        """What ``token`` asks for, or None when it is not ours, was altered, or has expired."""
        try:
            payload = self._serializer(now).loads(token, max_age=self._max_age)
        except BadSignature:  # SignatureExpired is a BadSignature too
            return None
        if (
            isinstance(payload, list)
            and len(payload) == 3
            and isinstance(payload[0], int)
            and not isinstance(payload[0], bool)
            and isinstance(payload[1], str)
            and isinstance(payload[2], bool)
        ):
            return ReportRequest(payload[0], payload[1], payload[2])
        return None


def report_url(
    secret_key: str, base_url: str, run_id: int, cycle_label: str, cumulative: bool = False, *, now: datetime
) -> str:
    """The address of the report's page in the portal at ``base_url`` (SXSH_BASE_URL), signed at ``now``."""
    token = ReportLinks(secret_key).token(run_id, cycle_label, cumulative, now=now)
    return f"{base_url.rstrip('/')}{REPORT_PATH}/{token}"

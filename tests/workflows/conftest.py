"""Jobs, the scheduler and the simulation run against a real store with plan-2016-2020 started."""

from __future__ import annotations

from datetime import date, datetime, time

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.notifications.transports import MemoryTransport
from sxsh_flow.workflows.jobs import JobEnvironment

TEST_SECRET = "a test secret key that is long enough to sign links"


def start_plan_on(store: Store, day: date) -> int:
    """plan-2016-2020 started for Hải Dương (sample directory) at 08:00 on ``day``; its run id."""
    from sxsh_flow.engine.services.mailing import Mailing
    from sxsh_flow.engine.services.start import start_and_announce
    from sxsh_flow.workflows import load_builtin_plan

    at = datetime.combine(day, time(8, 0), tzinfo=VIETNAM)
    with store.session() as session:
        begun = start_and_announce(
            session,
            load_builtin_plan("plan-2016-2020"),
            "HD",
            now=at,
            mailing=Mailing(writer=EMAIL_WRITER),
            actor="test",
        )
        return begun.started.run_id


def job_environment(store: Store, transport: MemoryTransport | None = None) -> JobEnvironment:
    """Jobs writing Vietnamese mail with reply links, sent to ``transport`` (memory), no report files."""
    from sxsh_flow.engine.services.links import LinkSigner
    from sxsh_flow.engine.services.mailing import Mailing

    sent_to = transport or MemoryTransport()
    return JobEnvironment(
        store=store,
        mailing=Mailing(writer=EMAIL_WRITER, signer=LinkSigner(TEST_SECRET, "https://sxsh.haiduong.example")),
        transport_factory=lambda: sent_to,
    )

"""A dispatcher killed again and again (SIGKILL, mid-batch, mid-send) loses no message, and sends a
message twice only when it was in flight at a kill: at most one duplicate per message per crash.

The dispatcher runs in its own process, as `outbox send` does; aiosmtpd takes the mail on loopback
and the test counts the copies it received by Message-ID.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.outbox import OutgoingMessage, queue_messages
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.notifications.smtp_url import DEFAULT_POOL_SIZE

from .conftest import SmtpServer

pytestmark = pytest.mark.slow

MORNING = "2016-12-01T09:00+07:00"
MESSAGES = 600
KILLS = 15
LEASE = timedelta(seconds=1)

# The dispatcher's process: says "ready" once imported, then sends until nothing is due.
DISPATCHER = """
import asyncio, sys
from datetime import timedelta
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.notifications.dispatcher import dispatch
from sxsh_flow.notifications.smtp_url import parse_smtp_url
from sxsh_flow.notifications.transports import SmtpTransport

async def main(store):
    transport = SmtpTransport(parse_smtp_url(sys.argv[2]))
    try:
        await dispatch(store, transport, FixedClock(parse_instant(sys.argv[3])), batch_size=100,
                       lease=timedelta(seconds=float(sys.argv[4])))
    finally:
        await transport.close()

with Store(sys.argv[1]) as store:
    print("ready", flush=True)
    asyncio.run(main(store))
"""


def queue(store: Store) -> set[str]:
    rendered = RenderedMessage("Nhắc hạn báo cáo", "Nội dung", "<p>Nội dung</p>")
    messages = [
        OutgoingMessage(
            dedup_key=f"kill:{n}",
            kind="reminder",
            plan_run_id=None,
            agency_id=None,
            task_run_ids=(),
            message_id=f"<kill.{n}@sct.haiduong.example>",
            language="vi",
            sender=Address("Sở Công Thương", "sxsh@sct.haiduong.example"),
            to=(Address("Cán bộ đầu mối", f"dau.moi.{n}@haiduong.example"),),
            cc=(Address("Điều phối", "dieu.phoi@sct.haiduong.example"),),
            rendered=rendered,
        )
        for n in range(MESSAGES)
    ]
    with store.session() as session:
        queue_messages(session, messages, compose=EMAIL_WRITER.compose, now=parse_instant(MORNING))
    return {m.message_id for m in messages}


def start_dispatcher(database_url: str, smtp_url: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", DISPATCHER, database_url, smtp_url, MORNING, str(LEASE.total_seconds())],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def unsent(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) or 0


def test_a_dispatcher_killed_fifteen_times_loses_nothing_and_duplicates_only_what_was_in_flight(
    database_url: str, smtp_server: SmtpServer
) -> None:
    smtp_server.inbox.delay = 0.03  # some milliseconds per message, so that kills land mid-batch, mid-send
    chance = random.Random(12)  # the same kills each run
    with Store(database_url) as store:
        queued = queue(store)
        kills = 0
        while kills < KILLS and unsent(store):
            process = start_dispatcher(database_url, smtp_server.url)
            time.sleep(chance.uniform(0.1, 0.5))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait()
            time.sleep(LEASE.total_seconds() * 1.1)  # what the dead one held is free again
        finished = start_dispatcher(database_url, smtp_server.url)
        assert finished.wait(timeout=120) == 0
        assert unsent(store) == 0

    copies = Counter(str(message["Message-ID"]) for message in smtp_server.inbox.messages())
    lost = queued - set(copies)
    duplicates = sum(count - 1 for count in copies.values())
    figures = {"kills": kills, "messages": MESSAGES, "lost": len(lost), "duplicates": duplicates}
    print("dispatcher kill test:", json.dumps(figures))
    assert kills == KILLS, "the dispatcher finished before every kill: queue more messages"
    assert lost == set()
    assert set(copies) == queued
    # Only a message in flight at a kill can go twice, and at most the pool's size are in flight.
    assert duplicates <= kills * DEFAULT_POOL_SIZE

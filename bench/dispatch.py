"""Dispatch throughput over SMTP, against the SMTP server's own ceiling in the same run.

The SMTP server is aiosmtpd in a separate process on loopback, discarding what it receives. Its
own ceiling is measured with pre-built messages blasted over the same number of pooled connections
(no database, no rendering); the real dispatcher claims from SQLite (messages are composed when
queued), sends over a pool of reused connections, and records each outcome.

The two alternate, in ROUNDS rounds of MESSAGES / ROUNDS messages each (ceiling, dispatcher,
ceiling, ...), so that both see the same machine: measured once each, one after the other, a
machine shared with other work gave shares from 35 % to 95 % for the same code. The share is the
median of the rounds' own shares. The CPU each side spends per message (this process's, the
server's apart) is reported too: unlike a rate, it hardly depends on what else the machine does.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib

from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.services.outbox import OutgoingMessage, queue_message
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.notifications.compose import compose
from sxsh_flow.notifications.dispatcher import dispatch
from sxsh_flow.notifications.smtp_url import parse_smtp_url
from sxsh_flow.notifications.transports import SmtpTransport

from .figures import Figures, Say

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "3000"))
POOL = int(os.environ.get("BENCH_POOL", "4"))
ROUNDS = int(os.environ.get("BENCH_DISPATCH_ROUNDS", "3"))


@dataclass(frozen=True)
class Round:
    """One side's run of one round: how many messages went, in how long, for how much CPU."""

    sent: int
    seconds: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the benchmark SMTP server did not start")


def _rendered(n: int) -> RenderedMessage:
    subject = f"[Kế hoạch SXSH 2016–2020] Nhắc hạn nộp báo cáo năm 2016 — Ủy ban nhân dân huyện số {n}"
    text = "Kính gửi: Ủy ban nhân dân huyện.\n" + "Đề nghị quý cơ quan gửi báo cáo kết quả thực hiện. " * 30
    return RenderedMessage(subject, text, f"<p>{text}</p>", None)


def _message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        dedup_key=f"bench:{n}", kind="reminder", plan_run_id=None, agency_id=None, task_run_ids=(),
        message_id=f"<bench.{n}@sct.haiduong.example>", language="vi",
        sender=Address("Sở Công Thương tỉnh Hải Dương", "sxsh@sct.haiduong.example"),
        to=(Address(f"Ủy ban nhân dân huyện số {n}", f"sxsh@huyen{n}.haiduong.example"),),
        cc=(Address("Lãnh đạo Sở Công Thương", "lanhdao@sct.haiduong.example"),), rendered=_rendered(n),
    )  # fmt: skip


def _payloads() -> list[tuple[str, list[str], bytes]]:
    clock = FixedClock(parse_instant("2016-12-01"))
    payloads = []
    for n in range(MESSAGES):
        m = _message(n)
        email = compose(
            m.rendered, sender=m.sender, to=m.to, cc=m.cc, message_id=m.message_id, sent_at=clock.now(), language="vi"
        )
        payloads.append((m.sender.email, [a.email for a in (*m.to, *m.cc)], email.as_bytes()))
    return payloads


async def _server_ceiling(port: int, payloads: list[tuple[str, list[str], bytes]]) -> Round:
    """How fast the server takes ``payloads`` over POOL reused connections, raw bytes, no database."""
    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) for _ in range(POOL)]
    for client in clients:
        await client.connect()
    started, cpu = time.perf_counter(), time.process_time()

    async def worker(client: aiosmtplib.SMTP, share: list[tuple[str, list[str], bytes]]) -> None:
        for sender, recipients, data in share:
            await client.sendmail(sender, recipients, data)

    await asyncio.gather(*(worker(c, payloads[i::POOL]) for i, c in enumerate(clients)))
    measured = Round(len(payloads), time.perf_counter() - started, time.process_time() - cpu)
    for client in clients:
        await client.quit()
    return measured


def _queue(store: Store) -> None:
    clock = FixedClock(parse_instant("2016-12-01"))
    with store.session() as session:
        for n in range(MESSAGES):
            queue_message(session, _message(n), compose=EMAIL_WRITER.compose, now=clock.now())


def _dispatch_round(port: int, store: Store, limit: int) -> Round:
    """The dispatcher sends ``limit`` of the queued messages (claim, send, record), as ``outbox send`` does."""
    clock = FixedClock(parse_instant("2016-12-01"))
    transport = SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{port}?pool={POOL}"))

    async def run() -> int:
        try:
            summary = await dispatch(store, transport, clock, batch_size=200, limit=limit)
        finally:
            await transport.close()
        return summary.sent

    started, cpu = time.perf_counter(), time.process_time()
    sent = asyncio.run(run())
    return Round(sent, time.perf_counter() - started, time.process_time() - cpu)


def measure(say: Say) -> Figures:
    port = _free_port()
    server = _start_server(port)
    payloads = _payloads()
    share = MESSAGES // ROUNDS
    ceilings: list[Round] = []
    dispatches: list[Round] = []
    try:
        with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{Path(folder) / 'dispatch.db'}") as store:
            _queue(store)
            for n in range(ROUNDS):
                ceilings.append(asyncio.run(_server_ceiling(port, payloads[n * share : (n + 1) * share])))
                dispatches.append(_dispatch_round(port, store, share))
    finally:
        server.terminate()
        server.wait()

    def total(rounds: list[Round]) -> Round:
        return Round(sum(r.sent for r in rounds), sum(r.seconds for r in rounds), sum(r.cpu_seconds for r in rounds))

    ceiling, dispatched = total(ceilings), total(dispatches)
    shares = [d.rate / c.rate for c, d in zip(ceilings, dispatches, strict=True)]
    median_share = statistics.median(shares)
    say(
        f"outbox dispatch ({dispatched.sent} Vietnamese messages in {ROUNDS} rounds, "
        f"{POOL} pooled SMTP connections, aiosmtpd apart)"
    )
    say(
        f"  server ceiling (raw sendmail, no database)  {ceiling.rate:7.0f} msg/s   "
        f"{1000 * ceiling.cpu_seconds / ceiling.sent:.2f} ms CPU/msg"
    )
    say(
        f"  dispatcher (claim, send, record)   {dispatched.rate:7.0f} msg/s   "
        f"{1000 * dispatched.cpu_seconds / dispatched.sent:.2f} ms CPU/msg"
        f"   ({median_share:.0%} of the ceiling, median of rounds {', '.join(f'{s:.0%}' for s in shares)})"
    )
    return {
        "ceiling_msg_s": round(ceiling.rate),
        "rate_msg_s": round(dispatched.rate),
        "share_pct": round(100 * median_share, 1),
        "round_shares_pct": ", ".join(f"{100 * s:.0f}" for s in shares),
        "ceiling_cpu_ms_per_msg": round(1000 * ceiling.cpu_seconds / ceiling.sent, 2),
        "cpu_ms_per_msg": round(1000 * dispatched.cpu_seconds / dispatched.sent, 2),
        "sent": dispatched.sent,
    }

"""Dispatch throughput over SMTP, against the SMTP server's own ceiling in the same run.

The SMTP server is aiosmtpd in a separate process on loopback, discarding what it receives. Its
own ceiling is measured first in the same run (pre-built messages blasted over the same number
of pooled connections, no database, no rendering), then the real dispatcher: claim from SQLite
(messages are composed when queued), send over a pool of reused connections, record.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
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


async def _server_ceiling(port: int) -> float:
    """Messages per second the server takes over POOL reused connections, raw bytes, no database."""
    clock = FixedClock(parse_instant("2016-12-01"))
    payloads = []
    for n in range(MESSAGES):
        m = _message(n)
        email = compose(
            m.rendered, sender=m.sender, to=m.to, cc=m.cc, message_id=m.message_id, sent_at=clock.now(), language="vi"
        )
        payloads.append((m.sender.email, [a.email for a in (*m.to, *m.cc)], email.as_bytes()))
    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) for _ in range(POOL)]
    for client in clients:
        await client.connect()
    started = time.perf_counter()

    async def worker(client: aiosmtplib.SMTP, share: list[tuple[str, list[str], bytes]]) -> None:
        for sender, recipients, data in share:
            await client.sendmail(sender, recipients, data)

    await asyncio.gather(*(worker(c, payloads[i::POOL]) for i, c in enumerate(clients)))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.quit()
    return MESSAGES / elapsed


def _dispatch_rate(port: int, folder: Path) -> tuple[float, int]:
    clock = FixedClock(parse_instant("2016-12-01"))
    with Store(f"sqlite:///{folder / 'dispatch.db'}") as store:
        with store.session() as session:
            for n in range(MESSAGES):
                queue_message(session, _message(n), compose=EMAIL_WRITER.compose, now=clock.now())
        transport = SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{port}?pool={POOL}"))

        async def run() -> int:
            try:
                summary = await dispatch(store, transport, clock, batch_size=200)
            finally:
                await transport.close()
            return summary.sent

        started = time.perf_counter()
        sent = asyncio.run(run())
        return sent / (time.perf_counter() - started), sent


def measure(say: Say) -> Figures:
    port = _free_port()
    server = _start_server(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            ceiling = asyncio.run(_server_ceiling(port))
            rate, sent = _dispatch_rate(port, Path(folder))
    finally:
        server.terminate()
        server.wait()
    say(f"outbox dispatch ({MESSAGES} Vietnamese messages, {POOL} pooled SMTP connections, aiosmtpd apart)")
    say(f"  server ceiling (raw sendmail, no database)  {ceiling:7.0f} msg/s")
    say(f"  dispatcher (claim, send, record)   {rate:7.0f} msg/s   ({sent} sent, {rate / ceiling:.0%} of the ceiling)")
    return {
        "ceiling_msg_s": round(ceiling),
        "rate_msg_s": round(rate),
        "share_pct": round(100 * rate / ceiling, 1),
        "sent": sent,
    }


if __name__ == "__main__":
    measure(print)

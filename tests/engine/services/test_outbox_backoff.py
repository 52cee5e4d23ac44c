"""How long a failed message waits before its next try."""

from __future__ import annotations

from datetime import timedelta

from sxsh_flow.engine.services.outbox import LONGEST_WAIT, backoff


def test_the_wait_doubles_from_five_minutes() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]


def test_the_wait_stops_growing_at_two_hours_however_long_the_outage() -> None:
    assert backoff(6) == backoff(40) == backoff(10_000) == LONGEST_WAIT == timedelta(hours=2)

"""Run every benchmark and print its figures."""

from __future__ import annotations

from . import cli_startup, outbox, portal, simulate

if __name__ == "__main__":
    cli_startup.main()
    outbox.main()
    portal.main()
    simulate.main()

"""How long the whole plan takes to simulate: `sxsh-flow simulate plan-2016-2020`, 2016 to 2020.

One fresh process in a temporary SXSH_HOME (SQLite, .eml files), as `make demo` runs it; the
figures are the wall time, the simulated days and the emails sent, from the command's --json.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time

from .cli import _command
from .figures import Figures, Say


def measure(say: Say) -> Figures:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SXSH_HOME": home}
        env.pop("SXSH_DATABASE_URL", None)
        env.pop("SXSH_SMTP_URL", None)
        started = time.perf_counter()
        done = subprocess.run(
            [*_command(), "simulate", "plan-2016-2020", "--seed", "2016", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
    summary = json.loads(done.stdout)
    sent = sum(summary["messages_sent"].values())
    say("simulate plan-2016-2020 (seed 2016, SQLite, .eml files, one fresh process)")
    say(
        f"  {summary['first_day']} to {summary['last_day']}: wall {wall:5.1f} s, {sent} emails sent, "
        f"{summary['submissions']} reports, run {summary['run_state']}"
    )
    return {"wall_s": round(wall, 2), "emails": sent, "reports": summary["submissions"]}


if __name__ == "__main__":
    measure(print)

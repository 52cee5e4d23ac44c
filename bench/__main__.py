"""Run the benchmarks: ``python -m bench [--json] [--only NAME,...]``, or ``python -m bench table FILE``.

Without ``--json`` each benchmark prints its figures as it goes. With it, progress goes to stderr
and stdout gets one JSON document ({benchmark: {figure: value}}, plus ``machine``) to keep and
compare. ``table FILE`` prints the README's table of figures from such a document.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from .figures import dumps, table

# In the order they run: quick ones first.
BENCHMARKS = ("cli", "sweep", "dispatch", "portal", "simulate", "national")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["table"]:
        if len(args) != 2:
            print("usage: python -m bench table FILE.json", file=sys.stderr)
            return 2
        print(table(json.loads(Path(args[1]).read_text(encoding="utf-8"))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON document of every figure")
    parser.add_argument("--only", default="", help=f"comma-separated, among: {', '.join(BENCHMARKS)}")
    options = parser.parse_args(args)
    chosen = [name.strip() for name in options.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose among {', '.join(BENCHMARKS)}")
    out = sys.stderr if options.json else sys.stdout

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    document: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    }
    for name in chosen:
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        document[name] = module.measure(say)
        say(f"  ({name}: {time.perf_counter() - started:.0f} s)")
    if options.json:
        print(dumps(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())

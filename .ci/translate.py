"""Fill msgstr entries of a .po file from a {msgid: translation} JSON or Python dict file.

Usage: .venv/bin/python .ci/translate.py sxsh_flow/locale/vi/LC_MESSAGES/base.po translations.json
A translation given for a plural msgid is a list (Vietnamese has one form). Entries not named are left
as they are; an msgid named that the catalogue does not hold is an error (run `.ci/catalogues update`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> int:
    po = Path(po_path)
    with po.open("rb") as file:
        catalog = read_po(file)
    table = json.loads(Path(table_path).read_text(encoding="utf-8"))
    missing = [msgid for msgid in table if msgid not in catalog]
    if missing:
        print("not in the catalogue (run .ci/catalogues update first):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for msgid, text in table.items():
        message = catalog[msgid]
        message.string = tuple(text) if isinstance(message.id, tuple | list) else text
        message.flags.discard("fuzzy")
    with po.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, no_location=True, sort_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

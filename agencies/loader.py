"""Load an agency directory from YAML or CSV: every problem at once, with its line; never half-load.

CSV is read into the same document as YAML by ``directory_csv``, then checked the same way.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["CSV_COLUMNS", "builtin_directory", "builtin_history", "load_directory_file", "load_directory_text"]

from sxsh_flow.agencies.directory import Directory, DirectorySpec
from sxsh_flow.agencies.directory_csv import CSV_COLUMNS, read_csv
from sxsh_flow.agencies.kinds import PROVINCE_SEPARATOR, split_reference
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.datafile import as_date, read_yaml, validate_document
from sxsh_flow.errors import UnknownProvince
from sxsh_flow.problems import InvalidDirectory, Problem, Saying
from sxsh_flow.words import N_

_Path = tuple[int | str, ...]


def load_directory_text(text: str, source: str, *, csv_format: bool = False) -> Directory:
    try:
        document = read_csv(text, source) if csv_format else read_yaml(text, source)
    except csv.Error as exc:  # a stray carriage return, a NUL: not a CSV file the reader can follow
        document = Problem(
            source,
            "",
            None,
            Saying(N_("not a readable CSV file: {error}"), error=str(exc)),
            N_("save the sheet as CSV UTF-8"),
        )
    if isinstance(document, Problem):
        raise InvalidDirectory(source, [document])
    structural = validate_document(document, DirectorySpec)
    cross_field = [document.problem(p, m, h) for p, m, h in _cross_field_problems(document.data)]
    problems = document.reading_problems + (structural if isinstance(structural, list) else []) + cross_field
    if problems or isinstance(structural, list):
        raise InvalidDirectory(source, sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return Directory(structural.province, structural.agencies)


def load_directory_file(path: Path) -> Directory:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidDirectory(
            str(path),
            [Problem(str(path), "", None, Saying(N_("cannot read the file: {reason}"), reason=str(exc.strerror)))],
        ) from exc
    except UnicodeDecodeError as exc:
        raise InvalidDirectory(
            str(path), [Problem(str(path), "", None, N_("the file is not UTF-8 text"), N_("save it as UTF-8"))]
        ) from exc
    return load_directory_text(text, str(path), csv_format=path.suffix.lower() == ".csv")


def builtin_directory(province_code: str) -> Directory:
    """The sample directory shipped for a province (addresses under a reserved .example domain)."""
    bundled = _builtin_directories()
    for directory in bundled:
        if directory.province.code == province_code:
            return directory
    raise UnknownProvince(province_code, [d.province.code for d in bundled])


def builtin_history(province_code: str) -> list[Directory]:
    """The sample directory of a province and those of the provinces its duties pass to, in that order.

    Hải Dương's sample ends on 30/06/2025; its successors are Hải Phòng's agencies, shipped beside it.
    """
    bundled = {d.province.code: d for d in _builtin_directories()}
    if province_code not in bundled:
        raise UnknownProvince(province_code, sorted(bundled))
    registry = Registry(bundled.values())
    return [bundled[code] for code in registry.provinces_reached(province_code)]


def _builtin_directories() -> list[Directory]:
    folder = resources.files("sxsh_flow.agencies") / "directories"
    return [
        load_directory_text(entry.read_text(encoding="utf-8"), f"{entry.name} (built-in)")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]


# --- cross-field checks --------------------------------------------------------------------------


def _cross_field_problems(data: Any) -> Iterator[tuple[_Path, str, str]]:
    agencies = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(agencies, list):
        return
    province = data.get("province")
    home = str(province.get("code", "")) if isinstance(province, dict) else ""
    if isinstance(province, dict) and province.get("successor") is not None and province.get("successor") == home:
        yield (
            ("province", "successor"),
            N_("a province cannot succeed itself"),
            N_("name the province that took it over"),
        )
    # A code that is not text (a list, a map) is the structural check's to report; it is not counted here.
    codes = Counter(a.get("code") for a in agencies if isinstance(a, dict) and isinstance(a.get("code"), str))
    known = {code for code in codes if isinstance(code, str)}
    reported: set[object] = set()
    for index, agency in enumerate(agencies):
        if not isinstance(agency, dict):
            continue
        code = agency.get("code")
        if not isinstance(code, str):
            code = None
        if codes[code] > 1 and code in reported:
            yield (
                ("agencies", index, "code"),
                Saying(N_("duplicate agency code '{code}'"), code=str(code)),
                N_("each code must be unique in a province"),
            )
        reported.add(code)
        parent = agency.get("parent")
        if isinstance(parent, str) and parent and parent not in known:
            yield (
                ("agencies", index, "parent"),
                Saying(N_("unknown parent agency '{parent}'"), parent=parent),
                N_("use the code of an agency in this file"),
            )
        successors = agency.get("successors")
        for position, successor in enumerate(successors if isinstance(successors, list) else []):
            if isinstance(successor, str) and PROVINCE_SEPARATOR in successor:
                successor_province, successor = split_reference(successor, home)
                if successor_province != home:
                    continue  # another province's agency: checked when the directories are imported together
            if not isinstance(successor, str) or successor not in known:
                yield (
                    ("agencies", index, "successors", position),
                    Saying(N_("unknown successor agency '{successor}'"), successor=str(successor)),
                    N_("use the code of an agency in this file"),
                )
            elif successor == code:
                yield (
                    ("agencies", index, "successors", position),
                    N_("an agency cannot succeed itself"),
                    N_("remove it"),
                )
        valid_from, valid_to = as_date(agency.get("valid_from")), as_date(agency.get("valid_to"))
        if isinstance(valid_from, date) and isinstance(valid_to, date) and valid_from > valid_to:
            yield (
                ("agencies", index, "valid_to"),
                Saying(
                    N_("valid_to {valid_to} is before valid_from {valid_from}"),
                    valid_to=valid_to.isoformat(),
                    valid_from=valid_from.isoformat(),
                ),
                N_("swap the dates"),
            )
        contacts = agency.get("contacts")
        emails = Counter(
            str(c.get("email", "")).lower()
            for c in (contacts if isinstance(contacts, list) else [])
            if isinstance(c, dict)
        )
        seen: set[str] = set()
        for position, contact in enumerate(contacts if isinstance(contacts, list) else []):
            if not isinstance(contact, dict):
                continue
            email = str(contact.get("email", "")).lower()
            if email and emails[email] > 1 and email in seen:
                yield (
                    ("agencies", index, "contacts", position, "email"),
                    Saying(N_("{email} is listed twice for {code}"), email=email, code=str(code)),
                    N_("list each contact once; one contact has one role"),
                )
            seen.add(email)

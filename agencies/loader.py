"""Load an agency directory from YAML or CSV: every problem at once, with its line; never half-load.

CSV has one row per contact, the agency's columns repeated on each of its rows (a spreadsheet
export is easy to make that way); an agency without contacts has one row with empty contact cells.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sxsh_flow.agencies.directory import Directory, DirectorySpec
from sxsh_flow.agencies.kinds import PROVINCE_SEPARATOR, split_reference
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.datafile import LoadedDocument, as_date, read_yaml, validate_document
from sxsh_flow.errors import UnknownProvince
from sxsh_flow.problems import InvalidDirectory, Problem

_Path = tuple[int | str, ...]

CSV_COLUMNS = (
    "province_code",
    "province_name",
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "valid_from",
    "valid_to",
    "successors",
    "address",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_role",
)
_AGENCY_COLUMNS = ("code", "name", "short_name", "kind", "parent", "valid_from", "valid_to", "address")


def load_directory_text(text: str, source: str, *, csv_format: bool = False) -> Directory:
    try:
        document = _read_csv(text, source) if csv_format else read_yaml(text, source)
    except csv.Error as exc:  # a stray carriage return, a NUL: not a CSV file the reader can follow
        document = Problem(source, "", None, f"not a readable CSV file: {exc}", "save the sheet as CSV UTF-8")
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
            str(path), [Problem(str(path), "", None, f"cannot read the file: {exc.strerror}")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise InvalidDirectory(
            str(path), [Problem(str(path), "", None, "the file is not UTF-8 text", "save it as UTF-8")]
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


# --- CSV ----------------------------------------------------------------------------------------


class _CsvPositions:
    def __init__(self, agency_lines: list[int], contact_lines: dict[tuple[int, int], int]) -> None:
        self._agency_lines = agency_lines
        self._contact_lines = contact_lines

    def line_of(self, path: Sequence[int | str]) -> int | None:
        if len(path) >= 2 and path[0] == "agencies" and isinstance(path[1], int):
            index = path[1]
            if len(path) >= 4 and path[2] == "contacts" and isinstance(path[3], int):
                return self._contact_lines.get((index, path[3]))
            return self._agency_lines[index] if index < len(self._agency_lines) else None
        return 2 if self._agency_lines else 1


def _read_csv(text: str, source: str) -> LoadedDocument | Problem:
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [c for c in ("province_code", "province_name", "code", "name", "kind") if c not in columns]
    if missing:
        return Problem(
            source,
            "",
            1,
            f"missing column(s): {', '.join(missing)}",
            f"the header row names the columns: {','.join(CSV_COLUMNS)}",
        )
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        return Problem(
            source, "", 1, f"unknown column(s): {', '.join(unknown)}", f"allowed columns: {','.join(CSV_COLUMNS)}"
        )
    agencies: list[dict[str, Any]] = []
    signatures: list[tuple[str, ...]] = []
    agency_lines: list[int] = []
    contact_lines: dict[tuple[int, int], int] = {}
    province: dict[str, str] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
        row_province = {"code": cells.get("province_code", ""), "name": cells.get("province_name", "")}
        if not province:
            province = row_province
        elif row_province != province:
            problems.append(
                Problem(
                    source,
                    "province_code",
                    line,
                    f"this row is for province {row_province['code']} ({row_province['name']}), "
                    f"the file for {province['code']} ({province['name']})",
                    "import one file per province",
                )
            )
            continue
        signature = tuple(cells.get(column, "") for column in (*_AGENCY_COLUMNS, "successors"))
        # Rows of one agency repeat its cells; a row with the same code and other cells is another
        # agency, which the duplicate-code check then reports.
        index = next(
            (
                i
                for i, agency in enumerate(agencies)
                if agency["code"] == cells.get("code", "") and signatures[i] == signature
            ),
            None,
        )
        if index is None:
            agency: dict[str, Any] = {key: cells[key] for key in _AGENCY_COLUMNS if cells.get(key)}
            agency["code"] = cells.get("code", "")
            if cells.get("successors"):
                agency["successors"] = [s.strip() for s in cells["successors"].split(";") if s.strip()]
            agency["contacts"] = []
            agencies.append(agency)
            signatures.append(signature)
            agency_lines.append(line)
            index = len(agencies) - 1
        if cells.get("contact_email") or cells.get("contact_name"):
            contacts = agencies[index]["contacts"]
            contact_lines[(index, len(contacts))] = line
            contacts.append(
                {
                    "name": cells.get("contact_name", ""),
                    "title": cells.get("contact_title", ""),
                    "email": cells.get("contact_email", ""),
                    "role": cells.get("contact_role") or "focal_point",
                }
            )
    data = {"format": 1, "province": province, "agencies": agencies}
    return LoadedDocument(source, data, _CsvPositions(agency_lines, contact_lines), problems)


# --- cross-field checks --------------------------------------------------------------------------


def _cross_field_problems(data: Any) -> Iterator[tuple[_Path, str, str]]:
    agencies = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(agencies, list):
        return
    province = data.get("province")
    home = str(province.get("code", "")) if isinstance(province, dict) else ""
    if isinstance(province, dict) and province.get("successor") is not None and province.get("successor") == home:
        yield ("province", "successor"), "a province cannot succeed itself", "name the province that took it over"
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
                f"duplicate agency code '{code}'",
                "each code must be unique in a province",
            )
        reported.add(code)
        parent = agency.get("parent")
        if isinstance(parent, str) and parent and parent not in known:
            yield (
                ("agencies", index, "parent"),
                f"unknown parent agency '{parent}'",
                "use the code of an agency in this file",
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
                    f"unknown successor agency '{successor}'",
                    "use the code of an agency in this file",
                )
            elif successor == code:
                yield ("agencies", index, "successors", position), "an agency cannot succeed itself", "remove it"
        valid_from, valid_to = as_date(agency.get("valid_from")), as_date(agency.get("valid_to"))
        if isinstance(valid_from, date) and isinstance(valid_to, date) and valid_from > valid_to:
            yield (
                ("agencies", index, "valid_to"),
                f"valid_to {valid_to.isoformat()} is before valid_from {valid_from.isoformat()}",
                "swap the dates",
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
                    f"{email} is listed twice for {code}",
                    "list each contact once; one contact has one role",
                )
            seen.add(email)

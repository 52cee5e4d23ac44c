"""Read a CSV agency directory into the document a YAML directory gives, with the line of each part.

CSV has one row per contact. An agency's cells are filled on its first row; on the rows of its
other contacts they are left blank (the way a spreadsheet is filled) or repeated exactly (the way
one is exported). An agency without contacts has one row with empty contact cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sxsh_flow.datafile import LoadedDocument
from sxsh_flow.problems import Problem
from sxsh_flow.words import N_

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
_SIGNATURE_COLUMNS = (*_AGENCY_COLUMNS, "successors")  # an agency's cells: on its first row, blank or equal below
_CONTACT_COLUMNS = ("contact_name", "contact_title", "contact_email", "contact_role")


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


def read_csv(text: str, source: str) -> LoadedDocument | Problem:
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
    rows = _CsvRows(source)
    for row in reader:
        rows.read(reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None})
    data = {"format": 1, "province": rows.province, "agencies": rows.agencies}
    return LoadedDocument(source, data, _CsvPositions(rows.agency_lines, rows.contact_lines), rows.problems)


class _CsvRows:
    """The rows of a CSV directory, read the way a spreadsheet is filled.

    An agency's cells are on its first row; the rows below it with those cells left blank add its
    other contacts. A row may also repeat the cells exactly (an export does). A code given again with
    other cells is refused with both rows named, rather than read as a second agency.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.province: dict[str, str] = {}
        self.agencies: list[dict[str, Any]] = []
        self.agency_lines: list[int] = []
        self.contact_lines: dict[tuple[int, int], int] = {}
        self.problems: list[Problem] = []
        self._by_code: dict[str, int] = {}
        self._cells: list[dict[str, str]] = []  # each agency's cells as its first row gave them
        self._current: int | None = None  # the agency whose rows these are
        self._refused = False  # the agency row above was refused: its contacts' rows go with it

    def read(self, line: int, cells: dict[str, str]) -> None:
        if not self._same_province(line, cells):
            self._refused = True  # the contacts below a refused row are not the agency above it
            return
        agency_cells = {column: cells.get(column, "") for column in _SIGNATURE_COLUMNS}
        has_contact = any(cells.get(column) for column in _CONTACT_COLUMNS)
        if not any(agency_cells.values()):
            if not has_contact or self._refused:
                return  # an empty row of the sheet, or a contact of a row already reported
            if self._current is None:
                self.problems.append(
                    Problem.phrased(
                        self.source,
                        "code",
                        line,
                        N_("row {row} has a contact but no agency: no row above it names one"),
                        N_("fill the agency's code, name and kind on its first row"),
                        row=line,
                    )
                )
                return
            index = self._current
        else:
            found = self._agency_of(line, agency_cells)
            self._refused = found is None
            if found is None:
                return
            index = found
        self._current = index
        if cells.get("contact_email") or cells.get("contact_name"):
            contacts = self.agencies[index]["contacts"]
            self.contact_lines[(index, len(contacts))] = line
            contacts.append(
                {
                    "name": cells.get("contact_name", ""),
                    "title": cells.get("contact_title", ""),
                    "email": cells.get("contact_email", ""),
                    "role": cells.get("contact_role") or "focal_point",
                }
            )

    def _same_province(self, line: int, cells: dict[str, str]) -> bool:
        row_province = {"code": cells.get("province_code", ""), "name": cells.get("province_name", "")}
        # A blank province cell means "as above"; the first row that fills one names the file's province.
        if all(not cell or cell == self.province.get(key, cell) for key, cell in row_province.items()):
            self.province.update({key: cell for key, cell in row_province.items() if cell})
            return True
        self.problems.append(
            Problem.phrased(
                self.source,
                "province_code",
                line,
                N_("row {row} is for province {code} ({name}), the file for {file_code} ({file_name})"),
                N_("import one file per province"),
                row=line,
                code=row_province["code"],
                name=row_province["name"],
                file_code=self.province.get("code", ""),
                file_name=self.province.get("name", ""),
            )
        )
        return False

    def _agency_of(self, line: int, cells: dict[str, str]) -> int | None:
        """The index of the agency the row names, a new one, or None when it contradicts an earlier row."""
        code = cells["code"]
        known = self._by_code.get(code) if code else None
        if known is None:
            agency: dict[str, Any] = {key: cells[key] for key in _AGENCY_COLUMNS if cells.get(key)}
            agency["code"] = code
            if cells.get("successors"):
                agency["successors"] = [s.strip() for s in cells["successors"].split(";") if s.strip()]
            agency["contacts"] = []
            self.agencies.append(agency)
            self._cells.append(cells)
            self.agency_lines.append(line)
            if code:
                self._by_code[code] = len(self.agencies) - 1
            return len(self.agencies) - 1
        first = self._cells[known]
        # A blank cell means "as on the agency's first row"; a filled one must say the same.
        column = next((c for c in _SIGNATURE_COLUMNS if cells[c] and cells[c] != first[c]), None)
        if column is None:
            return known
        self.problems.append(
            Problem.phrased(
                self.source,
                column,
                line,
                N_("row {row} gives agency {code} the {column} '{value}', but row {first_row} gave it '{first}'"),
                N_(
                    "fill an agency's cells on its first row only and leave them blank on its other contacts' "
                    "rows; a different agency needs a code of its own"
                ),
                row=line,
                code=code,
                column=column,
                value=cells[column],
                first_row=self.agency_lines[known],
                first=first[column],
            )
        )
        return None

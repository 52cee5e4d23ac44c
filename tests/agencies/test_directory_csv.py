"""A CSV directory filled the way anyone fills a spreadsheet: an agency's cells on its first row only.

The rows below an agency's first row, with its cells left blank, are its other contacts. Real
conflicts are still refused, each with its row and in the reader's language. Line 1 is the header.
"""

from __future__ import annotations

import csv
import io

import pytest

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.directory_csv import CSV_COLUMNS
from sxsh_flow.agencies.loader import load_directory_text
from sxsh_flow.problems import InvalidDirectory, Problem

Row = dict[str, str]
HD = {"province_code": "HD", "province_name": "Hải Dương"}
UBND = {"code": "UBND-TINH", "name": "Ủy ban nhân dân tỉnh Hải Dương", "kind": "provincial_committee"}
SCT = {"code": "SCT", "name": "Sở Công Thương tỉnh Hải Dương", "kind": "department", "parent": "UBND-TINH"}


def contact(name: str, email: str, role: str = "") -> Row:
    return {"contact_name": name, "contact_email": email, "contact_role": role}


def csv_text(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def problems_of(rows: list[Row]) -> list[Problem]:
    with pytest.raises(InvalidDirectory) as error:
        load_directory_text(csv_text(rows), "directory.csv", csv_format=True)
    return list(error.value.problems)


def test_an_agencys_cells_on_its_first_row_only_give_it_every_contact_below() -> None:
    rows = [
        {**HD, **UBND, **contact("Nguyễn Văn An", "an@ubnd.hd.example")},
        {**HD, **SCT, **contact("Lê Văn Cường", "cuong@sct.hd.example", "focal_point")},
        contact("Phạm Thị Dung", "dung@sct.hd.example", "head"),  # province and agency cells blank
        {"province_code": "HD", **contact("Trần Văn Em", "em@sct.hd.example", "copy")},
    ]

    directory = load_directory_text(csv_text(rows), "directory.csv", csv_format=True)

    sct = directory.get("SCT")
    assert sct is not None
    assert sct.parent == "UBND-TINH"
    assert [(c.email, c.role) for c in sct.contacts] == [
        ("cuong@sct.hd.example", ContactRole.FOCAL_POINT),
        ("dung@sct.hd.example", ContactRole.HEAD),
        ("em@sct.hd.example", ContactRole.COPY),
    ]
    assert [a.code for a in directory.agencies] == ["UBND-TINH", "SCT"]


def test_repeated_cells_a_code_alone_and_empty_rows_all_mean_the_same_agency() -> None:
    rows = [
        {**HD, **SCT, **contact("Lê Văn Cường", "cuong@sct.hd.example")},
        {**HD, **SCT, **contact("Phạm Thị Dung", "dung@sct.hd.example", "head")},  # as an export repeats them
        {},  # an empty row of the sheet
        {"code": "SCT", **contact("Trần Văn Em", "em@sct.hd.example", "copy")},  # the code alone
        {**HD, **UBND},
    ]

    directory = load_directory_text(csv_text(rows), "directory.csv", csv_format=True)

    sct = directory.get("SCT")
    assert sct is not None
    assert [c.email for c in sct.contacts] == ["cuong@sct.hd.example", "dung@sct.hd.example", "em@sct.hd.example"]


def test_a_code_given_again_further_down_with_other_cells_is_refused_naming_both_rows() -> None:
    rows = [
        {**HD, **UBND},
        {**HD, **SCT, **contact("Lê Văn Cường", "cuong@sct.hd.example")},
        {**HD, **UBND, **contact("Nguyễn Văn An", "an@ubnd.hd.example")},
        {**HD, "code": "SCT", "name": "Trung tâm Khuyến công", "kind": "center"},
        contact("Hoàng Văn Đức", "duc@ttkc.hd.example"),  # a contact of the refused row: not reported again
    ]

    [problem] = problems_of(rows)

    assert (problem.line, problem.path) == (5, "name")
    assert problem.message == (
        "row 5 gives agency SCT the name 'Trung tâm Khuyến công', but row 3 gave it 'Sở Công Thương tỉnh Hải Dương'"
    )
    assert problem.said("vi") == (
        "directory.csv:5: name: dòng 5 ghi cột name của đơn vị SCT là 'Trung tâm Khuyến công', nhưng dòng 3 "
        "đã ghi 'Sở Công Thương tỉnh Hải Dương' (gợi ý: chỉ điền thông tin đơn vị ở dòng đầu tiên của đơn vị, "
        "để trống ở các dòng người liên hệ tiếp theo; đơn vị khác cần có mã riêng)"
    )
    assert problem.said("en") == f"{problem}"


def test_a_contact_row_before_any_agency_is_refused_with_its_row() -> None:
    # The stray row leaves the province cells blank too: the file's province is the first one given.
    rows = [contact("Phạm Thị Dung", "dung@sct.hd.example"), {**HD, **UBND}]

    [problem] = problems_of(rows)

    assert (problem.line, problem.path) == (2, "code")
    assert problem.message == "row 2 has a contact but no agency: no row above it names one"
    assert "dòng 2" in problem.said("vi")


def test_a_row_of_another_province_is_refused_but_blank_province_cells_read_as_above() -> None:
    rows = [
        {**HD, **UBND},
        {**UBND, **contact("Nguyễn Văn An", "an@ubnd.hd.example")},
        {"province_code": "QN", "province_name": "Quảng Ninh", **UBND},
        # A contact of the refused row, not of HD's UBND (where the address would be listed twice).
        contact("Nguyễn Văn An", "an@ubnd.hd.example"),
    ]

    [problem] = problems_of(rows)

    assert (problem.line, problem.path) == (4, "province_code")
    assert problem.message == "row 4 is for province QN (Quảng Ninh), the file for HD (Hải Dương)"
    assert "tỉnh QN" in problem.said("vi")

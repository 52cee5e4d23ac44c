"""What sort of body an agency is, and how a plan names agencies: by code, or every agency of a kind."""

from __future__ import annotations

from enum import StrEnum

AGENCY_CODE_PATTERN = r"^[A-Z][A-Z0-9_-]{0,39}$"
PROVINCE_CODE_PATTERN = r"^[A-Z]{2,8}$"
# How a directory names another agency (a successor): CODE in its own province, PROVINCE:CODE in another.
AGENCY_REFERENCE_PATTERN = r"^([A-Z]{2,8}:)?[A-Z][A-Z0-9_-]{0,39}$"
PROVINCE_SEPARATOR = ":"
KIND_SELECTOR_PREFIX = "kind:"


class AgencyKind(StrEnum):
    """What sort of body an agency is; plans can assign a task to every agency of a kind."""

    PROVINCIAL_COMMITTEE = "provincial_committee"  # UBND tỉnh
    DEPARTMENT = "department"  # Sở
    INDUSTRIAL_ZONE_BOARD = "industrial_zone_board"  # Ban Quản lý các KCN
    DISTRICT = "district"  # UBND huyện, thị xã, thành phố (abolished 01/07/2025)
    COMMUNE = "commune"  # UBND xã, phường, thị trấn
    CENTER = "center"  # public service units such as the Industrial Extension Centre
    ENTERPRISE = "enterprise"
    MINISTRY = "ministry"


class ProvinceKind(StrEnum):
    """Which of the two first-level units a province is: its documents say "tỉnh" or "thành phố"."""

    PROVINCE = "province"  # tỉnh
    CITY = "city"  # thành phố trực thuộc trung ương


def split_reference(reference: str, home: str) -> tuple[str, str]:
    """``"HP:SCT"`` → ``("HP", "SCT")``; a plain code is of the ``home`` province."""
    province, _, code = reference.rpartition(PROVINCE_SEPARATOR)
    return (province or home, code)

"""What sort of body an agency is, and how a plan names agencies: by code, or every agency of a kind."""

from __future__ import annotations

from enum import StrEnum

AGENCY_CODE_PATTERN = r"^[A-Z][A-Z0-9_-]{0,39}$"
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

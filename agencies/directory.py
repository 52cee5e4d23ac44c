"""The agency directory format: a province's agencies, their validity periods, successors, contacts.

Agencies change over time (the 2025 mergers of departments, the end of the district level): an
agency has a validity period and successors. Who does a duty on a given day, following successors
across provinces, is ``agencies.registry.Registry``'s one answer.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sxsh_flow.addresses import UnsendableAddress, sendable_address
from sxsh_flow.agencies.kinds import (
    AGENCY_CODE_PATTERN,
    AGENCY_REFERENCE_PATTERN,
    PROVINCE_CODE_PATTERN,
    AgencyKind,
    ProvinceKind,
)
from sxsh_flow.problems import Saying
from sxsh_flow.words import N_

DIRECTORY_FORMAT = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContactRole(StrEnum):
    FOCAL_POINT = "focal_point"  # đầu mối: receives the requests and the links
    HEAD = "head"  # thủ trưởng: hears about escalations
    COPY = "copy"  # in copy of every message to the agency
    # điều phối: of the lead agency, signs in to the coordinator's desk (its focal points when none is named)
    COORDINATOR = "coordinator"


class Contact(_Frozen):
    name: str = Field(min_length=1)
    title: str = ""
    email: str
    role: ContactRole = ContactRole.FOCAL_POINT
    active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # The one address policy: what the directory accepts, the email builder can send.
        try:
            return sendable_address(value).normalized
        except UnsendableAddress as refused:
            raise ValueError(
                Saying(N_("'{value}' is not a usable email address: {reason}"), value=value, reason=refused.reason)
            ) from refused


class Agency(_Frozen):
    code: str = Field(pattern=AGENCY_CODE_PATTERN)
    name: str = Field(min_length=1, description="Full Vietnamese name")
    short_name: str = ""
    kind: AgencyKind
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    # Codes of this directory, or PROVINCE:CODE for an agency of another province (a province merger).
    successors: tuple[Annotated[str, Field(pattern=AGENCY_REFERENCE_PATTERN)], ...] = ()
    address: str = ""
    contacts: tuple[Contact, ...] = ()

    def valid_on(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok

    def contacts_in(self, role: ContactRole) -> list[Contact]:
        return [c for c in self.contacts if c.role is role and c.active]

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Province(_Frozen):
    """A province or a city under central authority, and the dates it existed in that shape."""

    code: str = Field(pattern=PROVINCE_CODE_PATTERN)
    name: str = Field(min_length=1)
    kind: ProvinceKind = ProvinceKind.PROVINCE
    valid_from: date | None = None
    valid_to: date | None = None
    # The province that took it over (Hải Dương → Hải Phòng on 01/07/2025): its runs continue there.
    successor: str | None = Field(default=None, pattern=PROVINCE_CODE_PATTERN)

    def valid_on(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok


class DirectorySpec(_Frozen):
    """A whole directory file."""

    format: Literal[1]
    province: Province
    agencies: tuple[Agency, ...] = Field(min_length=1)


class Directory:
    """A province's agencies, by code (``Registry`` reads several together to say who holds a duty)."""

    def __init__(self, province: Province, agencies: tuple[Agency, ...]) -> None:
        self.province = province
        self.agencies = agencies
        self._by_code = {agency.code: agency for agency in agencies}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Agency | None:
        return self._by_code.get(code)

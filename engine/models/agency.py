"""The agency registry as stored: provinces, agencies (with validity and successors), contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.base import Base, UTCDateTime


class ProvinceRecord(Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="province", server_default="province")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Not a foreign key: a province may name its successor before that one's directory is imported.
    successor_code: Mapped[str | None] = mapped_column(String(8))


class DirectoryChange(Base):
    """One import of directory files: what every move of a duty it caused points back to."""

    __tablename__ = "directory_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)


class AgencyRecord(Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("province_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(40))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    address: Mapped[str] = mapped_column(String(300), default="")
    # Directory order, so lists read as the province's own directory does.
    position: Mapped[int] = mapped_column(Integer, default=0)

    contacts: Mapped[list[ContactRecord]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="ContactRecord.id"
    )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def valid_on(self, day: date) -> bool:
        """The agency exists on ``day`` (as ``agencies.directory.Agency.valid_on`` says of the file)."""
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok


class ContactRecord(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("agency_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Retired contacts stay, so history and old links keep pointing at someone real.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[AgencyRecord] = relationship(back_populates="contacts")

"""The agency registry in the store: import a directory, read it back as a ``Directory``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind, split_reference
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, ProvinceRecord
from sxsh_flow.errors import UnknownProvince


@dataclass(frozen=True)
class ImportSummary:
    province: str
    created: int
    updated: int
    unchanged: int
    contacts_added: int
    contacts_retired: int


def import_directory(session: Session, directory: Directory, *, now: datetime) -> ImportSummary:
    """Create or update the province's agencies from ``directory``; retire contacts no longer listed.

    Agencies absent from the file are kept (task runs and history point at them); a province
    closes an agency with ``valid_to`` and ``successors`` instead.
    """
    given = directory.province
    province = session.get(ProvinceRecord, given.code)
    if province is None:
        province = ProvinceRecord(code=given.code)
        session.add(province)
    province.name, province.kind = given.name, given.kind.value
    province.valid_from, province.valid_to, province.successor_code = given.valid_from, given.valid_to, given.successor
    existing = {
        record.code: record
        for record in session.scalars(
            select(AgencyRecord)
            .where(AgencyRecord.province_code == directory.province.code)
            .options(selectinload(AgencyRecord.contacts))
        )
    }
    created = updated = unchanged = added = retired = 0
    for position, agency in enumerate(directory.agencies):
        record = existing.get(agency.code)
        if record is None:
            record = AgencyRecord(province_code=directory.province.code, code=agency.code, contacts=[])
            session.add(record)
            created += 1
            changed = True
        else:
            changed = False
        changed |= _assign(record, agency, position)
        contact_changes = _sync_contacts(record, agency.contacts, now)
        added += contact_changes[0]
        retired += contact_changes[1]
        if record.id is not None:
            if changed or any(contact_changes):
                updated += 1
            else:
                unchanged += 1
    session.flush()
    return ImportSummary(directory.province.code, created, updated, unchanged, added, retired)


def _assign(record: AgencyRecord, agency: Agency, position: int) -> bool:
    values = {
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind.value,
        "parent_code": agency.parent,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "successor_codes": list(agency.successors),
        "address": agency.address,
        "position": position,
    }
    changed = False
    for field, value in values.items():
        if getattr(record, field, None) != value:
            setattr(record, field, value)
            changed = True
    return changed


def _sync_contacts(record: AgencyRecord, contacts: tuple[Contact, ...], now: datetime) -> tuple[int, int]:
    by_email = {contact.email.lower(): contact for contact in record.contacts}
    listed = {contact.email.lower() for contact in contacts}
    added = retired = 0
    for contact in contacts:
        stored = by_email.get(contact.email.lower())
        if stored is None:
            record.contacts.append(
                ContactRecord(
                    name=contact.name,
                    title=contact.title,
                    email=contact.email,
                    role=contact.role.value,
                    active=contact.active,
                    retired_at=None if contact.active else now,
                )
            )
            added += 1
            continue
        stored.name, stored.title, stored.role = contact.name, contact.title, contact.role.value
        if contact.active and not stored.active:
            stored.active, stored.retired_at = True, None
        elif not contact.active and stored.active:
            stored.active, stored.retired_at = False, now
            retired += 1
    for email, stored in by_email.items():
        if email not in listed and stored.active:
            stored.active, stored.retired_at = False, now
            retired += 1
    return added, retired


def has_directory(session: Session, province_code: str) -> bool:
    return session.get(ProvinceRecord, province_code) is not None


def known_provinces(session: Session) -> list[str]:
    return list(session.scalars(select(ProvinceRecord.code).order_by(ProvinceRecord.code)))


def load_directory(session: Session, province_code: str) -> Directory:
    """The stored directory of a province as the domain object plans are resolved against."""
    province = session.get(ProvinceRecord, province_code)
    if province is None:
        raise UnknownProvince(province_code, known_provinces(session))
    records = session.scalars(
        select(AgencyRecord)
        .where(AgencyRecord.province_code == province_code)
        .order_by(AgencyRecord.position, AgencyRecord.code)
        .options(selectinload(AgencyRecord.contacts))
    )
    return Directory(province_of(province), tuple(_agency(record) for record in records))


def _agency(record: AgencyRecord, *, contacts: bool = True) -> Agency:
    return Agency(
        code=record.code,
        name=record.name,
        short_name=record.short_name,
        kind=AgencyKind(record.kind),
        parent=record.parent_code,
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        successors=tuple(record.successor_codes),
        address=record.address,
        contacts=tuple(
            # Stored contacts are not checked again: an address a later policy refuses must not
            # stop the whole province (mailing leaves such a contact out, with a problem line).
            Contact.model_construct(
                name=c.name, title=c.title, email=c.email, role=ContactRole(c.role), active=c.active
            )
            for c in (record.contacts if contacts else ())
        ),
    )


def province_of(record: ProvinceRecord) -> Province:
    return Province(
        code=record.code,
        name=record.name,
        kind=ProvinceKind(record.kind),
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        successor=record.successor_code,
    )


def load_registry(session: Session, province_code: str | None = None) -> Registry:
    """The stored directories as one registry: ``province_code`` and every province it passes duties to.

    Without a province, every stored directory (an import checks them all together).
    """
    codes = known_provinces(session)
    if province_code is None:
        return Registry(load_directory(session, code) for code in codes)
    if province_code not in codes:
        raise UnknownProvince(province_code, codes)
    loaded = {province_code: load_directory(session, province_code)}
    pending = [province_code]
    while pending:  # follow successors to other provinces, loading each directory once
        directory = loaded[pending.pop()]
        targets = {directory.province.successor} if directory.province.successor else set()
        for agency in directory.agencies:
            targets.update(split_reference(s, directory.province.code)[0] for s in agency.successors)
        for target in sorted(t for t in targets if t is not None and t in codes and t not in loaded):
            loaded[target] = load_directory(session, target)
            pending.append(target)
    return Registry(loaded.values())


def agency_records(session: Session, province_code: str | None = None) -> list[AgencyRecord]:
    query = select(AgencyRecord).options(selectinload(AgencyRecord.contacts))
    if province_code is not None:
        query = query.where(AgencyRecord.province_code == province_code)
    return list(session.scalars(query.order_by(AgencyRecord.province_code, AgencyRecord.position)))


def succession_registry(session: Session, province_code: str, code: str) -> Registry:
    """Just enough of the store to follow one agency (a plan's lead) through its successors.

    Every step that writes loads the lead; the whole directory of a province and its successor
    (hundreds of communes) is not needed for that. Contacts are left out.
    """
    records: dict[tuple[str, str], AgencyRecord] = {}
    pending = [(province_code, code)]
    while pending:
        key = pending.pop()
        record = session.scalars(
            select(AgencyRecord).where(AgencyRecord.province_code == key[0], AgencyRecord.code == key[1])
        ).first()
        if record is None or key in records:
            continue
        records[key] = record
        pending.extend(split_reference(s, key[0]) for s in record.successor_codes)
    provinces: dict[str, ProvinceRecord] = {}
    for start in [province_code, *(p for p, _ in records)]:
        current = session.get(ProvinceRecord, start)
        while current is not None and current.code not in provinces:
            provinces[current.code] = current
            current = session.get(ProvinceRecord, current.successor_code) if current.successor_code else None
    return Registry(
        Directory(
            province_of(province),
            tuple(_agency(record, contacts=False) for (p, _), record in records.items() if p == province.code),
        )
        for province in provinces.values()
    )

"""The registry in the store: import creates and updates agencies, retires contacts, reads back."""

from __future__ import annotations

from datetime import datetime

from sxsh_flow.agencies.directory import Contact, ContactRole, Directory
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services.agencies import import_directory, load_directory


def test_importing_the_sample_creates_every_agency_and_contact(store: Store, now: datetime) -> None:
    with store.session() as session:
        summary = import_directory(session, builtin_directory("HD"), now=now)
    assert (summary.created, summary.updated, summary.unchanged, summary.contacts_added) == (21, 0, 0, 42)


def test_importing_the_same_directory_again_changes_nothing(store: Store, now: datetime) -> None:
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
    with store.session() as session:
        summary = import_directory(session, builtin_directory("HD"), now=now)
    assert (summary.created, summary.updated, summary.unchanged, summary.contacts_retired) == (0, 0, 21, 0)


def test_a_contact_left_out_of_a_new_import_is_retired_not_deleted(store: Store, now: datetime) -> None:
    sample = builtin_directory("HD")
    with store.session() as session:
        import_directory(session, sample, now=now)
    sct = sample.get("SCT")
    assert sct is not None
    without_head = sct.model_copy(update={"contacts": sct.contacts_in(ContactRole.FOCAL_POINT)})
    changed = Directory(sample.province, tuple(without_head if a.code == "SCT" else a for a in sample.agencies))
    with store.session() as session:
        summary = import_directory(session, changed, now=now)
    assert (summary.updated, summary.contacts_retired) == (1, 1)
    with store.session() as session:
        stored = load_directory(session, "HD").get("SCT")
    assert stored is not None
    assert [(c.role, c.active) for c in stored.contacts] == [(ContactRole.FOCAL_POINT, True), (ContactRole.HEAD, False)]


def test_the_stored_directory_reads_back_as_imported(store: Store, now: datetime) -> None:
    sample = builtin_directory("HD")
    with store.session() as session:
        import_directory(session, sample, now=now)
    with store.session() as session:
        stored = load_directory(session, "HD")
    assert stored.province == sample.province
    assert stored.agencies == sample.agencies


def test_a_new_contact_is_added(store: Store, now: datetime) -> None:
    sample = builtin_directory("HD")
    with store.session() as session:
        import_directory(session, sample, now=now)
    sct = sample.get("SCT")
    assert sct is not None
    extra = Contact(name="Người Mới", email="moi@sct.haiduong.example", role=ContactRole.COPY)
    changed_sct = sct.model_copy(update={"contacts": (*sct.contacts, extra)})
    changed = Directory(sample.province, tuple(changed_sct if a.code == "SCT" else a for a in sample.agencies))
    with store.session() as session:
        summary = import_directory(session, changed, now=now)
    assert summary.contacts_added == 1

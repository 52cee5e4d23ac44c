"""Who holds a duty on a given day: the one answer, across agencies, provinces and the 2025 reform.

A plan names its agencies once (``SCT``, ``kind:district``) and runs for five or ten years; the
state reorganises under it. ``Registry`` holds the directories of every province a plan may pass
through and answers, for a selector and a day, which agencies hold the duty then:

- an agency valid on the day holds its own duties;
- an agency that has ended is stood in for by its successors on that day, followed as far as
  needed and across provinces (``HP:SCT``): the merged department, the communes of an abolished
  district, the departments of the city a province merged into;
- ``kind:district`` is carried, once the districts end, by their successors (the communes), and a
  plan may name another selector from a given day instead (``SelectorChange``);
- a province that merged is held by its successor: its name on documents, its lead agency.

Pure: no database, no clock. The engine builds a registry from the store and asks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sxsh_flow.agencies.directory import Agency, Directory, Province
from sxsh_flow.agencies.kinds import KIND_SELECTOR_PREFIX, AgencyKind, split_reference
from sxsh_flow.errors import UnknownProvince


@dataclass(frozen=True)
class Holder:
    """An agency of a province: codes are unique within a province, not across them."""

    province: str
    agency: Agency

    @property
    def key(self) -> tuple[str, str]:
        return (self.province, self.agency.code)

    @property
    def reference(self) -> str:
        return f"{self.province}:{self.agency.code}"


@dataclass(frozen=True)
class SelectorChange:
    """A plan's own word on a selector: from ``since``, ``selector`` means ``becomes``."""

    selector: str
    since: date
    becomes: str


@dataclass(frozen=True)
class Dangling:
    """A successor named in a directory that no loaded directory has."""

    holder: Holder
    reference: str


class Registry:
    """The directories of several provinces, read together so that successors can cross them."""

    def __init__(self, directories: Iterable[Directory]) -> None:
        self._directories = {d.province.code: d for d in directories}

    @property
    def provinces(self) -> tuple[Province, ...]:
        return tuple(d.province for d in self._directories.values())

    def __contains__(self, province_code: object) -> bool:
        return province_code in self._directories

    def directory(self, province_code: str) -> Directory:
        found = self._directories.get(province_code)
        if found is None:
            raise UnknownProvince(province_code, sorted(self._directories))
        return found

    def agency(self, reference: str, home: str) -> Holder | None:
        """The agency ``reference`` names (``SCT`` in ``home``, or ``HP:SCT``), or None."""
        province, code = split_reference(reference, home)
        directory = self._directories.get(province)
        agency = directory.get(code) if directory is not None else None
        return Holder(province, agency) if agency is not None else None

    # --- provinces --------------------------------------------------------------------------------

    def province_on(self, province_code: str, day: date) -> Province:
        """The province that holds ``province_code``'s duties on ``day``: itself, or its successor."""
        province = self.directory(province_code).province
        seen = {province.code}
        while province.valid_to is not None and province.valid_to < day and province.successor is not None:
            successor = self._directories.get(province.successor)
            if successor is None or successor.province.code in seen:
                break  # the successor's directory is not loaded: the old name is the best we know
            province = successor.province
            seen.add(province.code)
        return province

    def provinces_reached(self, province_code: str) -> list[str]:
        """``province_code`` and every province its agencies or itself pass duties to."""
        reached = [province_code]
        for code in reached:
            directory = self._directories.get(code)
            if directory is None:
                continue
            targets = [directory.province.successor] if directory.province.successor else []
            for agency in directory.agencies:
                targets.extend(split_reference(s, code)[0] for s in agency.successors)
            reached.extend(t for t in dict.fromkeys(targets) if t not in reached and t in self._directories)
        return reached

    # --- agencies ---------------------------------------------------------------------------------

    def successors_on(self, holder: Holder, day: date) -> list[Holder]:
        """Who holds ``holder``'s duties on ``day``: itself while valid, its successors once ended.

        Empty before the agency exists, and when it ended without a successor anyone loaded knows.
        """
        return list(dict.fromkeys(self._successors_on(holder, day, set())))

    def _successors_on(self, holder: Holder, day: date, seen: set[tuple[str, str]]) -> Iterator[Holder]:
        if holder.key in seen:
            return
        seen.add(holder.key)
        agency = holder.agency
        if agency.valid_on(day):
            yield holder
        elif agency.valid_to is not None and agency.valid_to < day:
            for reference in agency.successors:
                successor = self.agency(reference, holder.province)
                if successor is not None:
                    yield from self._successors_on(successor, day, seen)

    def holders(
        self, selector: str, province_code: str, day: date, changes: Sequence[SelectorChange] = ()
    ) -> list[Holder]:
        """The agencies that hold the duty ``selector`` names in ``province_code``'s plan on ``day``.

        A kind selector takes every agency of that kind the province has had, each stood in for by
        its successors once it ended: ``kind:district`` is carried by the communes from the day the
        districts end. A ``SelectorChange`` in force on ``day`` replaces the selector; its new one is
        read in the province that holds the plan then.
        """
        change = _change_in_force(changes, selector, day)
        if change is not None:
            return self.holders(change.becomes, self.province_on(province_code, day).code, day)
        directory = self.directory(province_code)
        if selector.startswith(KIND_SELECTOR_PREFIX):
            kind = AgencyKind(selector.removeprefix(KIND_SELECTOR_PREFIX))
            own = [Holder(province_code, a) for a in directory.agencies if a.kind is kind]
        else:
            named = self.agency(selector, province_code)
            own = [named] if named is not None else []
        found: dict[Holder, None] = {}
        for holder in own:
            found.update(dict.fromkeys(self.successors_on(holder, day)))
        return list(found)

    def dangling(self) -> list[Dangling]:
        """Successors that name an agency no loaded directory has (checked when importing)."""
        missing = []
        for directory in self._directories.values():
            code = directory.province.code
            for agency in directory.agencies:
                for reference in agency.successors:
                    if self.agency(reference, code) is None:
                        missing.append(Dangling(Holder(code, agency), reference))
        return missing


def _change_in_force(changes: Sequence[SelectorChange], selector: str, day: date) -> SelectorChange | None:
    in_force = [c for c in changes if c.selector == selector and c.since <= day]
    return max(in_force, key=lambda c: c.since) if in_force else None

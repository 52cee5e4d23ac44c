"""A document cites only the legal instruments issued by its date."""

from __future__ import annotations

from datetime import date

from sxsh_flow.engine.legal_basis import in_force
from sxsh_flow.engine.message import LegalReference

STRATEGY = LegalReference("1419/QĐ-TTg", date(2009, 9, 7), "Thủ tướng Chính phủ")
REPORTING_DECREE = LegalReference("09/2019/NĐ-CP", date(2019, 1, 24), "Chính phủ")


def test_a_document_of_2016_does_not_cite_a_decree_of_2019() -> None:
    assert in_force([STRATEGY, REPORTING_DECREE], date(2016, 12, 26)) == (STRATEGY,)


def test_an_instrument_is_cited_from_the_day_it_is_issued_in_the_plans_order() -> None:
    assert in_force([STRATEGY, REPORTING_DECREE], date(2019, 1, 24)) == (STRATEGY, REPORTING_DECREE)
    assert in_force([REPORTING_DECREE, STRATEGY], date(2020, 1, 6)) == (REPORTING_DECREE, STRATEGY)

"""The complainants' tenure kept on the case row for the reports: written at intake and
import, kept in step when a person's tenure changes, and what the report tables count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from casework import MANAGER, TODAY, load, log, person
from sqlalchemy import select

from caseworker.reports.model import Report
from caseworker.reports.periods import Period, financial_quarter, financial_year
from caseworker.services import people
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.importer import import_records
from caseworker.services.intake import RepresentativeInput
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from caseworker.services.settings import ensure_service_area
from db.models import Case
from db.store import Store

DATA = Path(__file__).parent.parent / "data"


def tenures(store: Store) -> dict[str, str | None]:
    with store.read() as s:
        return {ref: t for ref, t in s.execute(select(Case.reference, Case.complainant_tenure))}


def test_intake_stores_the_best_tenure_of_the_complainants(store: Store) -> None:
    group = log(
        store,
        complainants=(
            person("Ann Able", tenure="other-resident"),
            person("Bob Brown", tenure="tenant"),
        ),
    )
    lease = log(
        store,
        complainants=(
            person("Cat Cole", tenure="other-resident"),
            person("Dan Dee", tenure="leaseholder"),
        ),
    )
    unknown = log(store, complainants=(person("Eve East"),))
    # A representative's tenure is not the resident's.
    represented = log(
        store,
        complainants=(person("Fay Fox", tenure="other-resident"),),
        representatives=(
            RepresentativeInput(
                person=person("Gus Gray", tenure="tenant"),
                relationship="friend",
                auth_sent_on=date(2026, 2, 2),
            ),
        ),
    )
    assert tenures(store) == {
        group: "tenant",
        lease: "leaseholder",
        unknown: None,
        represented: "other-resident",
    }


def test_a_change_of_tenure_reaches_every_case_of_the_person(store: Store) -> None:
    alone = log(store, complainants=(person("Ann Able", tenure="tenant"),))
    ann = load(store, alone).parties[0].person_id
    shared = log(store, complainants=(ann, person("Bob Brown", tenure="leaseholder")))
    other = log(store, complainants=(person("Cat Cole", tenure="tenant"),))
    assert tenures(store) == {alone: "tenant", shared: "tenant", other: "tenant"}
    with store.write() as s:
        people.update_person(s, MANAGER, ann, person("Ann Able", tenure="other-resident"))
    assert tenures(store) == {alone: "other-resident", shared: "leaseholder", other: "tenant"}
    with store.write() as s:
        people.update_person(s, MANAGER, ann, person("Ann Able"))  # tenure no longer known
    assert tenures(store)[alone] is None


def test_import_stores_the_tenant_column(store: Store) -> None:
    with store.write() as s:
        import_records(s, LOCAL_ADMIN, DATA / "import_q2_2025.csv", today=date(2025, 12, 1))
    found = tenures(store)
    # "yes" is a tenant, "no" another resident; no resident at all (a compliment): unknown.
    assert (found["C01"], found["C02"], found["C12"]) == ("tenant", "other-resident", None)
    assert sum(t == "tenant" for t in found.values()) == 10  # R01 C01 C03 C04 C06 C07 C09-C11 C17
    assert sum(t == "other-resident" for t in found.values()) == 3  # C02 C05 C08


# --- what the report counts ----------------------------------------------------------------


def _report(store: Store, period: Period) -> Report:
    with store.read() as s:
        return make_report(s, period, ReportScope(), actor=LOCAL_ADMIN, made_on=TODAY)


@pytest.fixture
def records(store: Store) -> Store:
    """Records received on Mon 2 Feb 2026 (financial year 2025-26, Q4)."""
    log(store, complainants=(person("Ann Able", tenure="tenant"),))
    log(
        store,
        complainants=(
            person("Bob Brown", tenure="other-resident"),
            person("Cat Cole", tenure="tenant"),
        ),
        service_areas=("Housing Repairs", "Rents"),
    )
    log(store, complainants=(person("Dan Dee", tenure="leaseholder"),), service_areas=("Rents",))
    # Waste and Parks only through a service request, Parks as its second area; Libraries
    # has no record at all.
    log(store, kind="service-request", service_areas=("Waste", "Parks"))
    log(store, kind="compliment", complainants=(person("Eve East"),), service_areas=("Rents",))
    with store.write() as s:
        ensure_service_area(s, LOCAL_ADMIN, "Libraries")
    return store


# The whole year: every record from the period start (no "in period" or "year to date" to
# tell apart); the quarter: the year to date starts before it.
@pytest.mark.parametrize("period", [financial_year(2025), financial_quarter(2025, 4)])
def test_tenants_and_service_areas_in_the_report(records: Store, period: Period) -> None:
    report = _report(records, period)
    # Columns: Stage 1, Stage 2, compliments, comments, MP, councillor, service requests.
    assert list(report.table("Tenants and other residents").rows) == [
        ("Tenants", 2, 0, 0, 0, 0, 0, 0),
        ("Leaseholders", 1, 0, 0, 0, 0, 0, 0),
        ("Other residents", 0, 0, 0, 0, 0, 0, 0),
        ("Not recorded", 0, 0, 1, 0, 0, 0, 1),
        ("Total", 3, 0, 1, 0, 0, 0, 1),
    ]
    tsm = report.table("Tenant Satisfaction Measures, year to date")
    assert tsm.row("CH01 (1)")[2] == 2  # tenants' Stage 1 complaints
    # Stage 1 unique and split, Stage 2 unique and split, compliments, comments: an area
    # with a record of the period has a row even when none of its counts is shown here.
    assert list(report.table("By service area: unique and split by department").rows) == [
        ("Housing Repairs", 2, 2, 0, 0, 0, 0),
        ("Parks", 0, 0, 0, 0, 0, 0),
        ("Rents", 1, 2, 0, 0, 1, 0),
        ("Waste", 0, 0, 0, 0, 0, 0),
        ("Total", 3, 4, 0, 0, 1, 0),
    ]

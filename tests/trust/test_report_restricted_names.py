"""Names only restricted cases carry never reach a report read without restricted access."""

from __future__ import annotations

from datetime import date

from trust_helpers import MANAGER, OFFICER, SAFEGUARDING_OFFICER, log

from caseworker.reports.periods import period_for
from caseworker.reports.writers import report_csv, report_json
from caseworker.services.actor import Actor, Role
from caseworker.services.reports import RESTRICTED_NAME, make_report
from caseworker.services.reports_data import ReportScope
from db.store import Store

PLAIN_MANAGER = Actor("pmanager", "P. Manager", Role.MANAGER, restricted_access=False)
SECRET = ("Refuge at 4 Mill Lane", "Domestic abuse disclosure", "Safeguarding Hub")


def _report_text(store: Store, actor: Actor) -> str:
    with store.read() as s:
        report = make_report(
            s,
            period_for(date(2026, 1, 1), date(2026, 3, 31)),
            ReportScope(False, "", ""),
            actor=actor,
            made_on=date(2026, 6, 1),
        )
    return report_json(report) + report_csv(report).decode("utf-8-sig")


def test_restricted_only_names_are_withheld_but_counted(store: Store) -> None:
    site, theme, area = SECRET
    log(
        store,
        SAFEGUARDING_OFFICER,
        restricted=True,
        site=site,
        themes=(theme, "Repairs delay"),
        service_areas=(area,),
    )
    log(store, OFFICER, site="Depot", themes=("Repairs delay",))
    plain = _report_text(store, PLAIN_MANAGER)
    assert [name for name in SECRET if name in plain] == []
    assert RESTRICTED_NAME in plain
    assert "Depot" in plain and "Repairs delay" in plain  # names open cases carry stay
    trusted = _report_text(store, MANAGER)
    assert [name for name in SECRET if name in trusted] == list(SECRET)
    assert RESTRICTED_NAME not in trusted


def test_a_name_an_open_case_also_carries_is_shown(store: Store) -> None:
    log(store, SAFEGUARDING_OFFICER, restricted=True, site="Depot")
    log(store, OFFICER, site="Depot")
    plain = _report_text(store, PLAIN_MANAGER)
    assert "Depot" in plain and RESTRICTED_NAME not in plain

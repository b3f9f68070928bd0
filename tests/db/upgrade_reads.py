"""What the app shows of a store, as plain JSON: compared before and after migration 0009.

Used by ``tests/data/make_store_0006.py`` (run with the code as it was at revision 0006) to
record what the app showed, and by ``test_uuid_keys_migration.py`` to read the upgraded copy.
Row keys of a case's own rows are left out (they are what the migration changes).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from caseworker.reports.periods import period_for
from caseworker.reports.writers import report_json
from caseworker.services.actor import Actor, Role
from caseworker.services.audit import json_safe
from caseworker.services.case_view import load_case_detail
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from caseworker.services.subject_access import gather_person
from db.store import Store

MANAGER = Actor("bjones", "B. Jones", Role.MANAGER)
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 12, 0)
PERIOD = (date(2025, 4, 1), date(2026, 3, 31))
PERSON = "Olga Kowalska"


def _without_keys(value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_keys(v, depth + 1)
            for k, v in value.items()
            if not (depth > 0 and k in ("id", "party_id")) and not callable(v)
        }
    if isinstance(value, list | tuple):
        return [_without_keys(v, depth + 1) for v in value]
    return value


def app_reads(store: Store, references: list[str]) -> dict[str, Any]:
    """The case views of ``references``, the year's report and one person's export."""
    out: dict[str, Any] = {}
    with Session(store.engine) as s:
        out["cases"] = {
            ref: _without_keys(json_safe(asdict(load_case_detail(s, ref, TODAY, actor=MANAGER))))
            for ref in references
        }
        report = make_report(
            s, period_for(*PERIOD), ReportScope(False, "", ""), actor=MANAGER, made_on=TODAY
        )
        out["report"] = json.loads(report_json(report))
        # The audit chain's head, printed on the report, is compared on its own.
        out["report"].pop("audit_chain_head")
        # The export records itself on the audit trail: rolled back, so reading changes nothing.
        out["export"] = gather_person(s, MANAGER, PERSON, now=NOW).as_json()
        s.rollback()
    return json.loads(json.dumps(out, default=str))

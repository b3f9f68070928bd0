"""A report's scope, and the facts of the few cases whose figures the clock functions judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from caseworker.domain.clocks import CaseFacts, Extension
from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import OmbudsmanKind, RecordKind
from caseworker.services.reports_window import Window
from db.models import (
    Case,
    CaseServiceArea,
    ExtensionRecord,
    ServiceArea,
    Site,
)


@dataclass(frozen=True)
class ReportScope:
    """Which cases a report covers: all, housing matters only, one service area or one site."""

    housing_only: bool = False
    service_area: str = ""
    site: str = ""

    def label(self) -> str:
        parts = []
        if self.housing_only:
            parts.append("housing matters only (cases under a Housing Ombudsman policy)")
        if self.service_area:
            parts.append(f"service area: {self.service_area}")
        if self.site:
            parts.append(f"site: {self.site}")
        return "; ".join(parts) or "all records"


def _at(d: date | None, end: date) -> date | None:
    return d if d is not None and d <= end else None


@dataclass
class CaseFact:
    """One case's clock facts as they stood at the period end (later dates not yet known)."""

    policy: str
    received: date
    acknowledged: date | None
    ack_due: date | None
    stage1_responded: date | None
    stage1_due: date | None
    escalated: date | None
    stage2_acknowledged: date | None
    stage2_ack_due: date | None
    stage2_responded: date | None
    stage2_due: date | None
    refused_on: date | None
    withdrawn_on: date | None
    escalation_refused_on: date | None
    closed_on: date | None
    complainant_tenure: str | None
    extensions: dict[int, list[Extension]] = field(default_factory=dict)

    def responded(self, stage: int) -> date | None:
        return self.stage1_responded if stage == 1 else self.stage2_responded

    def due(self, stage: int) -> date | None:
        """The stored response due date."""
        return self.stage1_due if stage == 1 else self.stage2_due

    def acknowledged_at(self, stage: int) -> date | None:
        return self.acknowledged if stage == 1 else self.stage2_acknowledged

    def ack_due_at(self, stage: int) -> date | None:
        return self.ack_due if stage == 1 else self.stage2_ack_due

    def stopped(self) -> date | None:
        return self.refused_on or self.withdrawn_on or self.escalation_refused_on or self.closed_on

    def facts(self) -> CaseFacts:
        return CaseFacts(
            kind=RecordKind.COMPLAINT,
            received=self.received,
            acknowledged=self.acknowledged,
            stage1_extensions=tuple(self.extensions.get(1, ())),
            stage1_responded=self.stage1_responded,
            escalated=self.escalated,
            stage2_acknowledged=self.stage2_acknowledged,
            stage2_extensions=tuple(self.extensions.get(2, ())),
            stage2_responded=self.stage2_responded,
            stopped_on=self.stopped(),
        )


_COLUMNS = (
    Case.policy_name,
    Case.received,
    Case.acknowledged,
    Case.ack_due,
    Case.stage1_responded,
    Case.stage1_due,
    Case.escalated,
    Case.stage2_acknowledged,
    Case.stage2_ack_due,
    Case.stage2_responded,
    Case.stage2_due,
    Case.refused_on,
    Case.withdrawn_on,
    Case.escalation_refused_on,
    Case.closed_on,
    Case.complainant_tenure,
)
# Dates that may lie after the period end (and so are not yet known at it).
_EVENTS = frozenset(
    (
        "acknowledged",
        "stage1_responded",
        "escalated",
        "stage2_acknowledged",
        "stage2_responded",
        "refused_on",
        "withdrawn_on",
        "escalation_refused_on",
        "closed_on",
    )
)


def scope_conditions(session: Session, scope: ReportScope) -> list[Any]:
    """SQL conditions on ``cases`` for the scope; an unknown area or site is refused by name."""
    conds: list[Any] = []
    if scope.housing_only:
        conds.append(Case.ombudsman == OmbudsmanKind.HOUSING.value)
    if scope.service_area:
        area_id = session.scalar(
            select(ServiceArea.id).where(func.lower(ServiceArea.name) == scope.service_area.lower())
        )
        if area_id is None:
            raise InvalidInput(f"There is no service area called '{scope.service_area}'")
        # Looked up case by case (not ``id IN`` every case of the area, which SQLite would
        # build again for each query of the report and then plan the query around).
        link = aliased(CaseServiceArea)
        conds.append(
            exists().where(link.case_id == Case.id, link.service_area_id == area_id).correlate(Case)
        )
    if scope.site:
        site_id = session.scalar(select(Site.id).where(func.lower(Site.name) == scope.site.lower()))
        if site_id is None:
            raise InvalidInput(f"There is no site called '{scope.site}'")
        # Not ``site_id = X``, which SQLite would answer from the site's index: every case of
        # the site since records began, rather than the period's by the date indexes.
        conds.append(func.coalesce(Case.site_id, 0) == site_id)
    return conds


def load_facts(session: Session, w: Window, *where: Any) -> list[CaseFact]:
    """The complaints that meet ``where`` (one of ``w``'s sets, such as ``w.received(1)``,
    which keep to ``w.relevant``), with their dates as known at the period end (for the
    few figures the clock functions must judge).

    ``w.relevant`` is not added again: a second ``received <= end`` leads SQLite to scan
    every complaint received by the end instead of using the index the set was made for.
    """
    names = ["policy", *(c.key for c in _COLUMNS[1:])]
    facts: dict[str, CaseFact] = {}
    for case_id, *row in session.execute(select(Case.id, *_COLUMNS).where(*where)):
        values: dict[str, Any] = {
            n: _at(v, w.end) if n in _EVENTS else v for n, v in zip(names, row, strict=True)
        }
        facts[case_id] = CaseFact(**values)
    ids = list(facts)
    for start in range(0, len(ids), 500):  # by id: a subquery here would scan the children
        _attach(session, facts, ids[start : start + 500])
    return list(facts.values())


def _attach(session: Session, facts: dict[str, CaseFact], ids: list[str]) -> None:
    for case_id, stage, days, good in session.execute(
        select(
            ExtensionRecord.case_id,
            ExtensionRecord.stage,
            ExtensionRecord.days,
            ExtensionRecord.good_reason,
        )
        .where(ExtensionRecord.case_id.in_(ids))
        .order_by(ExtensionRecord.position, ExtensionRecord.id)
    ):
        facts[case_id].extensions.setdefault(stage, []).append(Extension(days, good_reason=good))


def names(session: Session, model: Any) -> dict[int, str]:
    """Id to name of a reference list (sites, service areas, themes, staff)."""
    return {i: n for i, n in session.execute(select(model.id, model.name))}

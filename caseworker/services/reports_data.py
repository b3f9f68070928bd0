"""Reading what a report counts from the store: one slim row per case, judged at the period end."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from caseworker.domain.clocks import CaseFacts, Extension
from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import OmbudsmanKind, RecordKind
from db.models import (
    Case,
    CaseParty,
    CaseServiceArea,
    CaseTheme,
    ExtensionRecord,
    Person,
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
    """One case's facts as they stood at the period end (later dates are not yet known)."""

    id: str
    reference: str
    kind: RecordKind
    restricted: bool
    policy: str
    ombudsman: str
    received: date
    acknowledged: date | None
    ack_due: date | None
    stage1_responded: date | None
    stage1_due: date | None
    stage1_decision: str | None
    escalated: date | None
    stage2_acknowledged: date | None
    stage2_ack_due: date | None
    stage2_responded: date | None
    stage2_due: date | None
    stage2_decision: str | None
    refused_on: date | None
    refusal_reason: str | None
    withdrawn_on: date | None
    escalation_refused_on: date | None
    closed_on: date | None
    replied: date | None
    site_id: int | None
    primary_area_id: int | None
    channel: str | None
    stage1_handler_id: int | None
    stage2_handler_id: int | None
    ombudsman_referred_on: date | None
    ombudsman_determined_on: date | None
    extensions: dict[int, list[Extension]] = field(default_factory=dict)
    tenure: str | None = None
    areas: list[int] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)

    @property
    def is_complaint(self) -> bool:
        return self.kind is RecordKind.COMPLAINT

    @property
    def refused(self) -> bool:
        return self.refused_on is not None

    @property
    def stage2(self) -> bool:
        """Escalated, and the escalation was not refused."""
        return self.escalated is not None and self.escalation_refused_on is None

    def withdrawn_at(self, stage: int) -> bool:
        """Withdrawn (by the period end) while at this stage."""
        if self.withdrawn_on is None:
            return False
        at_two = self.escalated is not None and self.escalated <= self.withdrawn_on
        return at_two if stage == 2 else not at_two

    def stopped(self) -> date | None:
        return self.refused_on or self.withdrawn_on or self.escalation_refused_on or self.closed_on

    def facts(self) -> CaseFacts:
        return CaseFacts(
            kind=self.kind,
            received=self.received,
            acknowledged=self.acknowledged,
            stage1_extensions=tuple(self.extensions.get(1, ())),
            stage1_responded=self.stage1_responded,
            escalated=self.escalated,
            stage2_acknowledged=self.stage2_acknowledged,
            stage2_extensions=tuple(self.extensions.get(2, ())),
            stage2_responded=self.stage2_responded,
            replied=self.replied,
            stopped_on=self.stopped(),
        )


_DATE_FIELDS = (
    "acknowledged",
    "stage1_responded",
    "escalated",
    "stage2_acknowledged",
    "stage2_responded",
    "refused_on",
    "withdrawn_on",
    "escalation_refused_on",
    "closed_on",
    "replied",
    "ombudsman_referred_on",
    "ombudsman_determined_on",
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
        conds.append(
            Case.id.in_(
                select(CaseServiceArea.case_id).where(CaseServiceArea.service_area_id == area_id)
            )
        )
    if scope.site:
        site_id = session.scalar(select(Site.id).where(func.lower(Site.name) == scope.site.lower()))
        if site_id is None:
            raise InvalidInput(f"There is no site called '{scope.site}'")
        conds.append(Case.site_id == site_id)
    return conds


def _relevant(conds: list[Any], since: date, end: date) -> list[Any]:
    """Conditions for the cases in scope that can count in a report from ``since`` to ``end``.

    A case that ended before ``since`` has no step left to count (a reopened case has
    its ending cleared), so only cases received by the end and open at ``since`` qualify.
    """
    ended = func.coalesce(Case.closed_on, Case.withdrawn_on, Case.refused_on)
    return [Case.received <= end, or_(ended.is_(None), ended >= since), *conds]


def load_facts(session: Session, conds: list[Any], since: date, end: date) -> list[CaseFact]:
    """Every case that can count, with its dates as known at ``end``."""
    where = _relevant(conds, since, end)
    ids = select(Case.id).where(*where)
    cols = [
        Case.id,
        Case.reference,
        Case.kind,
        Case.restricted,
        Case.policy_name,
        Case.ombudsman,
        Case.received,
        Case.acknowledged,
        Case.ack_due,
        Case.stage1_responded,
        Case.stage1_due,
        Case.stage1_decision,
        Case.escalated,
        Case.stage2_acknowledged,
        Case.stage2_ack_due,
        Case.stage2_responded,
        Case.stage2_due,
        Case.stage2_decision,
        Case.refused_on,
        Case.refusal_reason,
        Case.withdrawn_on,
        Case.escalation_refused_on,
        Case.closed_on,
        Case.replied,
        Case.site_id,
        Case.primary_service_area_id,
        Case.channel,
        Case.stage1_handler_id,
        Case.stage2_handler_id,
        Case.ombudsman_referred_on,
        Case.ombudsman_determined_on,
    ]
    stmt = select(*cols).where(*where)
    facts: dict[str, CaseFact] = {}
    names = [c.key for c in cols]
    for row in session.execute(stmt):
        values = dict(zip(names, row, strict=True))
        values["kind"] = RecordKind(values["kind"])
        values["policy"] = values.pop("policy_name")
        values["primary_area_id"] = values.pop("primary_service_area_id")
        for name in _DATE_FIELDS:
            values[name] = _at(values[name], end)
        # A decision is known only once its response was sent by the period end.
        if values["stage1_responded"] is None:
            values["stage1_decision"] = None
        if values["stage2_responded"] is None:
            values["stage2_decision"] = None
        if values["refused_on"] is None:
            values["refusal_reason"] = None
        fact = CaseFact(**values)
        facts[fact.id] = fact
    _attach(session, facts, ids)
    return list(facts.values())


def _attach(session: Session, facts: dict[str, CaseFact], ids: Select[Any]) -> None:
    exts: defaultdict[str, dict[int, list[Extension]]] = defaultdict(dict)
    for case_id, stage, days, good in session.execute(
        select(
            ExtensionRecord.case_id,
            ExtensionRecord.stage,
            ExtensionRecord.days,
            ExtensionRecord.good_reason,
        )
        .where(ExtensionRecord.case_id.in_(ids))
        .order_by(ExtensionRecord.id)
    ):
        exts[case_id].setdefault(stage, []).append(Extension(days, good_reason=good))
    for case_id, per_stage in exts.items():
        facts[case_id].extensions = per_stage
    # A case is a tenant's when any complainant is a tenant (the TSMs count those).
    order = {"tenant": 0, "leaseholder": 1, "other-resident": 2}
    for case_id, tenure in session.execute(
        select(CaseParty.case_id, Person.tenure)
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.role == "complainant", Person.tenure.is_not(None))
        .where(CaseParty.case_id.in_(ids))
    ):
        fact = facts[case_id]
        if tenure is not None and order.get(tenure, 9) < order.get(fact.tenure or "", 9):
            fact.tenure = tenure
    for case_id, area_id in session.execute(
        select(CaseServiceArea.case_id, CaseServiceArea.service_area_id)
        .where(CaseServiceArea.case_id.in_(ids))
        .order_by(CaseServiceArea.is_primary.desc(), CaseServiceArea.service_area_id)
    ):
        facts[case_id].areas.append(area_id)
    for case_id, theme_id in session.execute(
        select(CaseTheme.case_id, CaseTheme.theme_id).where(CaseTheme.case_id.in_(ids))
    ):
        facts[case_id].themes.append(theme_id)


def names(session: Session, model: Any) -> dict[int, str]:
    """Id to name of a reference list (sites, service areas, themes, staff)."""
    return {i: n for i, n in session.execute(select(model.id, model.name))}

"""Report tables counted from their own dates: refusals, remedies, ombudsman, improvements."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.domain.vocab import ExclusionReason, OmbudsmanKind, RemedyKind
from caseworker.reports.figures import Determination, Improvement, OmbudsmanFigures, RemedyFigures
from caseworker.services.reports_window import Window
from db.models import Case, Learning, Remedy

WITHHELD = "Withheld (restricted case)"


def refusals(session: Session, w: Window) -> tuple[tuple[str, int], ...]:
    """Complaints refused in the period by reason, and Stage 2 requests refused."""
    period = [w.between(Case.refused_on, w.start), *w.relevant]
    stmt = select(Case.refusal_reason, func.count()).where(*period).group_by(Case.refusal_reason)
    found: Counter[str | None] = Counter({reason: n for reason, n in session.execute(stmt)})
    escalations = (
        session.scalar(
            select(func.count()).where(
                w.complaint,
                # A refused request was made first: the date requested bounds the search.
                w.known(Case.escalated),
                w.between(Case.escalation_refused_on, w.start),
                *w.relevant_by(received=False),  # read by the date asked for Stage 2
            )
        )
        or 0
    )
    rows = [(r.label, found[r.value]) for r in ExclusionReason]
    rows.append(("Stage 2 request refused", escalations))
    rows.append(("Total", sum(found.values()) + escalations))
    return tuple(rows)


def _money(total: Any) -> Decimal:
    """A sum of money from the database, to the penny (SQLite sums as floating point)."""
    return Decimal(0) if total is None else Decimal(str(total)).quantize(Decimal("0.01"))


def remedies(session: Session, w: Window) -> tuple[RemedyFigures, ...]:
    """Remedies offered in the period, with the amounts offered and paid, by kind."""

    def by_kind(when: Any, amount: Any, *where: Any) -> dict[str, tuple[int, Decimal]]:
        stmt = select(Remedy.kind, func.count(), func.sum(amount))
        if w.scope:
            stmt = stmt.join(Case, Case.id == Remedy.case_id)
        stmt = stmt.where(w.between(when, w.start), *where, *w.scope).group_by(Remedy.kind)
        return {kind: (n, _money(total)) for kind, n, total in session.execute(stmt)}

    offered = by_kind(Remedy.offered_on, Remedy.amount_offered)
    paid = by_kind(Remedy.done, Remedy.amount_paid, Remedy.amount_paid > 0)
    zero = (0, Decimal(0))
    rows = [
        RemedyFigures(k.label, offered.get(k.value, zero)[0], *_amounts(k.value, offered, paid))
        for k in RemedyKind
        if k.value in offered or k.value in paid
    ]
    rows.append(
        RemedyFigures(
            "Total",
            sum(n for n, _ in offered.values()),
            sum((a for _, a in offered.values()), Decimal(0)),
            sum((a for _, a in paid.values()), Decimal(0)),
        )
    )
    return tuple(rows)


def _amounts(
    kind: str, offered: dict[str, tuple[int, Decimal]], paid: dict[str, tuple[int, Decimal]]
) -> tuple[Decimal, Decimal]:
    return offered.get(kind, (0, Decimal(0)))[1], paid.get(kind, (0, Decimal(0)))[1]


def ombudsman(
    session: Session, w: Window
) -> tuple[tuple[OmbudsmanFigures, ...], tuple[Determination, ...]]:
    """Referrals to each ombudsman in the period, and the determinations made in it."""
    referred: Counter[str] = Counter()
    determined: Counter[str] = Counter()
    found: list[Determination] = []
    stmt = select(
        Case.reference,
        Case.ombudsman,
        Case.restricted,
        Case.ombudsman_referred_on,
        Case.ombudsman_determined_on,
        Case.ombudsman_determination,
    ).where(w.known(Case.ombudsman_referred_on), *w.scope)
    for ref, kind, restricted, referred_on, determined_on, text in session.execute(stmt):
        if referred_on is not None and w.start <= referred_on:
            referred[kind] += 1
        if determined_on is not None and w.start <= determined_on <= w.end:
            determined[kind] += 1
            label = OmbudsmanKind(kind).label
            found.append(Determination(ref, label, determined_on, WITHHELD if restricted else text))
    rows = [
        OmbudsmanFigures(k.label, referred[k.value], determined[k.value]) for k in OmbudsmanKind
    ]
    rows.append(OmbudsmanFigures("Total", sum(referred.values()), sum(determined.values())))
    return tuple(rows), tuple(sorted(found, key=lambda d: (d.determined_on, d.reference)))


def improvements(session: Session, w: Window) -> tuple[Improvement, ...]:
    """Service improvements recorded in the period (restricted cases' text withheld)."""
    stmt = (
        select(
            Case.reference,
            Case.restricted,
            Learning.recorded_on,
            Learning.description,
            Learning.improvement,
        )
        .join(Case, Case.id == Learning.case_id)
        .where(w.between(Learning.recorded_on, w.start), *w.scope)
        .order_by(Learning.recorded_on, Case.reference, Learning.position)
    )
    return tuple(
        Improvement(ref, on, WITHHELD if restricted else text, "" if restricted else better)
        for ref, restricted, on, text, better in session.execute(stmt)
    )

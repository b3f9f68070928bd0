"""What counts in a report period, as SQL conditions on ``cases`` judged at the period end.

DOMAIN.md "How the figures are counted": every state is judged as at the period end,
so a date after the end is treated as not yet happened (``known``/``unknown`` below)
and a past period's report never changes with the day it is run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from caseworker.domain.policy import (
    CODE_POLICY,
    CountedFrom,
    Policy,
    available_policies,
    load_policy,
)
from caseworker.domain.vocab import RecordKind, Tenure
from db.models import Case

Cond = ColumnElement[bool]
RECEIPT, ACKNOWLEDGEMENT = CountedFrom.RECEIPT, CountedFrom.ACKNOWLEDGEMENT


class Unindexed(ColumnElement[Any]):
    """A column written so the engine does not plan on its index, where another
    condition's index reads far fewer rows: ``+col`` on SQLite (which has no statistics to
    tell), ``(col + 0)`` for a date on PostgreSQL (whose statistics cannot see that the
    cases awaiting a response are few: it read 770,000 cases by their date of receipt to
    find 96 at a million)."""

    inherit_cache = True
    _traverse_internals = (("col", InternalTraversal.dp_clauseelement),)  # type: ignore[assignment]

    def __init__(self, col: Any) -> None:
        self.col = col
        self.type = col.type


@compiles(Unindexed)
def _unindexed(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.col, **kw)
    return f"({col} + 0)" if isinstance(element.type, Date) else col


@compiles(Unindexed, "sqlite")
def _unindexed_sqlite(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.col, **kw)


def flag(cond: Cond) -> ColumnElement[int]:
    """1 where ``cond`` holds, else 0 (for grouping and summing)."""
    return case((cond, 1), else_=0)


@dataclass(frozen=True)
class Window:
    """A report's dates: figures from ``start`` (year-to-date ones from ``year_start``) to
    ``end``, every state as at ``end``; ``scope`` limits the cases (housing only, an area...)."""

    start: date
    year_start: date
    end: date
    scope: tuple[Any, ...] = ()

    @property
    def since(self) -> date:
        """The earliest date any figure of the report counts from."""
        return min(self.start, self.year_start)

    def known(self, col: Any) -> Cond:
        """The date in ``col`` had happened by the period end."""
        return col <= self.end  # type: ignore[no-any-return]

    def unknown(self, col: Any) -> Cond:
        """The date in ``col`` had not happened by the period end (empty, or later)."""
        return or_(col.is_(None), col > self.end)

    def between(self, col: Any, start: date | None = None) -> Cond:
        """``col`` from ``start`` (default: the earliest date counted) to the period end."""
        return col.between(start or self.since, self.end)  # type: ignore[no-any-return]

    # Facts about a case as at the period end

    @property
    def complaint(self) -> Cond:
        return Case.kind == RecordKind.COMPLAINT.value

    @property
    def not_refused(self) -> Cond:
        return self.unknown(Case.refused_on)

    @property
    def stage2(self) -> Cond:
        """Escalated, and the escalation not refused."""
        return and_(self.known(Case.escalated), self.unknown(Case.escalation_refused_on))

    def withdrawn_at(self, stage: int) -> Cond:
        """Withdrawn by the period end while at this stage."""
        return and_(self.known(Case.withdrawn_on), self._at_two(stage == 2))

    def not_withdrawn_at(self, stage: int) -> Cond:
        return or_(self.unknown(Case.withdrawn_on), self._at_two(stage == 1))

    def _at_two(self, yes: bool) -> Cond:
        """Escalated before it was withdrawn (or, if not ``yes``, not); SQL's NULLs make
        ``not_`` unsafe here, so both ways are spelt out."""
        if yes:
            return and_(self.known(Case.escalated), Case.escalated <= Case.withdrawn_on)
        return or_(self.unknown(Case.escalated), Case.escalated > Case.withdrawn_on)

    @property
    def not_stopped(self) -> list[Cond]:
        """Not refused, withdrawn, escalation refused nor closed by the period end."""
        return [
            self.unknown(Case.refused_on),
            self.unknown(Case.withdrawn_on),
            self.unknown(Case.escalation_refused_on),
            self.unknown(Case.closed_on),
        ]

    @property
    def relevant(self) -> list[Cond]:
        """Cases in scope that can count at all: received by the end, not ended before ``since``.

        A case that ended before ``since`` has no step left to count (a reopened case has
        its ending cleared).
        """
        return self.relevant_by(received=True)

    def relevant_by(self, *, received: bool) -> list[Cond]:
        """``relevant``; without ``received``, SQLite is not to read the cases by their date
        of receipt (every complaint received by the end): a set bounded by another date
        (asked for Stage 2, say) is read by that date's index instead."""
        ended = func.coalesce(Case.closed_on, Case.withdrawn_on, Case.refused_on)
        return [
            (Case.received if received else Unindexed(Case.received)) <= self.end,
            or_(ended.is_(None), ended >= self.since),
            *self.scope,
        ]

    # The sets each figure counts over

    def received(self, stage: int) -> list[Cond]:
        """Complaints received at this stage from ``since`` (Stage 2: by the date requested);
        refused complaints are not complaints at either stage."""
        when = (
            [self.between(Case.received)]
            if stage == 1
            else [self.between(Case.escalated), self.stage2]
        )
        return [self.complaint, *when, self.not_refused, *self.relevant]

    def other_received(self) -> list[Cond]:
        """Records other than complaints received from ``since``."""
        return [
            Case.kind != RecordKind.COMPLAINT.value,
            self.between(Case.received),
            *self.relevant,
        ]

    def responses(self, stage: int) -> list[Cond]:
        """Responses at this stage sent from ``since``; withdrawn cases are not in timeliness."""
        return [
            self.complaint,
            self.between(responded(stage)),
            self.not_refused,
            self.not_withdrawn_at(stage),
            *self.relevant,
        ]

    def awaiting(self, stage: int) -> list[list[Cond]]:
        """Awaiting this stage's response at the period end (not stopped, not withdrawn).

        As alternatives that never overlap, each served by one index: a Stage 1 response
        not sent at all, or sent after the end.
        """
        # Read by the response date (or the date asked for Stage 2), not every complaint
        # received by the end.
        common = [self.complaint, *self.not_stopped, *self.relevant_by(received=False)]
        if stage == 1:
            return [
                [*common, Case.stage1_responded.is_(None)],
                [*common, Case.stage1_responded > self.end],
            ]
        return [[*common, self.stage2, self.unknown(Case.stage2_responded)]]


def responded(stage: int) -> Any:
    return Case.stage1_responded if stage == 1 else Case.stage2_responded


def due(stage: int) -> Any:
    """The stored response due date (final: extensions included)."""
    return Case.stage1_due if stage == 1 else Case.stage2_due


def acknowledged(stage: int) -> Any:
    return Case.acknowledged if stage == 1 else Case.stage2_acknowledged


def ack_due(stage: int) -> Any:
    return Case.ack_due if stage == 1 else Case.stage2_ack_due


def decision(stage: int) -> Any:
    return Case.stage1_decision if stage == 1 else Case.stage2_decision


def tenant() -> Cond:
    """Any complainant of the case is a tenant (the case's tenure is then a tenant's)."""
    return Case.complainant_tenure == Tenure.TENANT.value


@dataclass(frozen=True)
class StagePolicies:
    """How each shipped policy's timescales for one stage compare with the Code's.

    ``same``: the Code's timescales and extension limit, so the stored due dates are the
    Code's too.
    ``later``: the same numbers of days but the response counted from receipt where the
    Code counts from the acknowledgement; the Code's due date is then never earlier
    than the stored one, so a response in time locally is in time by the Code.
    Any other policy is judged by the clock functions, case by case.
    """

    stage: int
    same: tuple[str, ...]
    later: tuple[str, ...]
    from_ack: tuple[str, ...]  # the response clock starts at the acknowledgement

    @classmethod
    def of(cls, stage: int) -> StagePolicies:
        code = _timescales(load_policy(CODE_POLICY), stage)
        same: list[str] = []
        later: list[str] = []
        from_ack: list[str] = []
        for name in available_policies():
            ack, days, start, limit = _timescales(load_policy(name), stage)
            if (ack, days, start, limit) == code:
                same.append(name)
            elif (ack, days, limit, start, code[2]) == (
                code[0],
                code[1],
                code[3],
                RECEIPT,
                ACKNOWLEDGEMENT,
            ):
                later.append(name)
            if start is ACKNOWLEDGEMENT:
                from_ack.append(name)
        return cls(stage, tuple(same), tuple(later), tuple(from_ack))

    def stored_dates_hold(self) -> Cond:
        """The stored due dates of this stage can be compared with directly."""
        return and_(
            Case.policy_name.in_(self.same + self.later),
            due(self.stage).is_not(None),
            ack_due(self.stage).is_not(None),
        )

    def needs_clocks(self) -> Cond:
        """The clock functions must judge this stage (the opposite of ``stored_dates_hold``)."""
        return or_(
            Case.policy_name.not_in(self.same + self.later),
            due(self.stage).is_(None),
            ack_due(self.stage).is_(None),
        )


def _timescales(p: Policy, stage: int) -> tuple[int, int, CountedFrom, int]:
    """Acknowledgement and response days, where the response is counted from, and the
    extension limit (an extension beyond it counts only up to it without a good reason)."""
    if stage == 1:
        return p.ack_days, p.stage1_days, p.stage1_from, p.stage1_extension_limit
    return p.stage2_ack_days, p.stage2_days, p.stage2_from, p.stage2_extension_limit

"""Counting a period's figures from the store, exactly as DOMAIN.md "How the figures are counted".

Every state is judged as at the period end: dates after it are treated as not yet
happened (see ``reports_data.load_facts``), so a past period's report never changes
with the day it is run. Timeliness uses the stored due dates the services write from
the clock functions (final dates, extensions included; a response is in time when sent
on or before its due date); the clock functions themselves are run only for what the
stored dates cannot say: cases still awaiting a response at the period end, and cases
whose policy's timescales differ from the Code's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import ClockName, ClockState, compute_clocks, find_clock
from caseworker.domain.policy import CODE_POLICY, Policy, load_policy
from caseworker.domain.vocab import (
    Channel,
    Decision,
    ExclusionReason,
    OmbudsmanKind,
    RecordKind,
    RemedyKind,
    Tenure,
)
from caseworker.reports.figures import (
    CATEGORIES,
    AreaCounts,
    Breakdown,
    Determination,
    Evidence,
    ExtensionFigures,
    Figures,
    Improvement,
    LateBand,
    OmbudsmanFigures,
    RemedyFigures,
    TsmCounts,
)
from caseworker.reports.model import Report, StageFigures, TenantMeasures, one_place, percent
from caseworker.reports.periods import Period, quarters_to, year_start
from caseworker.reports.tables import build_report
from caseworker.services.audit import chain_head
from caseworker.services.reports_data import (
    CaseFact,
    ReportScope,
    load_facts,
    names,
    scope_conditions,
)
from caseworker.services.settings import get_setting, homes_at, store_calendar
from db.models import Case, Correspondence, Learning, Remedy, ServiceArea, Site, Theme

WITHHELD = "Withheld (restricted case)"
NOT_RECORDED = "Not recorded"
_KIND_CATEGORY = {
    RecordKind.COMPLIMENT: "Compliments",
    RecordKind.COMMENT: "Comments",
    RecordKind.MP_ENQUIRY: "MP enquiries",
    RecordKind.COUNCILLOR_ENQUIRY: "Councillor enquiries",
    RecordKind.SERVICE_REQUEST: "Service requests",
}


def _within(d: date | None, start: date, end: date) -> bool:
    return d is not None and start <= d <= end


def categories(f: CaseFact, start: date, end: date) -> list[str]:
    """What ``f`` counts as received between ``start`` and ``end``.

    Stage 1 by the date received, Stage 2 by the date the escalation was requested;
    refused complaints and refused escalations are not complaints at that stage.
    """
    out: list[str] = []
    if f.is_complaint:
        if not f.refused and start <= f.received <= end:
            out.append("Stage 1 complaints")
        if f.stage2 and _within(f.escalated, start, end):
            out.append("Stage 2 complaints")
    elif start <= f.received <= end:
        out.append(_KIND_CATEGORY[f.kind])
    return out


def received_events(f: CaseFact) -> list[tuple[str, date]]:
    """Each way ``f`` counts as received, with the date it counts on (see ``categories``)."""
    if not f.is_complaint:
        return [(_KIND_CATEGORY[f.kind], f.received)]
    out: list[tuple[str, date]] = []
    if not f.refused:
        out.append(("Stage 1 complaints", f.received))
    if f.stage2 and f.escalated is not None:
        out.append(("Stage 2 complaints", f.escalated))
    return out


def _tally(cats: Iterable[str]) -> tuple[int, ...]:
    c = Counter(cats)
    return tuple(c[k] for k in CATEGORIES)


class _Timeliness:
    """Judges responses and acknowledgements against the case's policy and the Code."""

    def __init__(self, cal: WorkingCalendar, end: date) -> None:
        self.cal = cal
        self.end = end
        self.code = load_policy(CODE_POLICY)

    @staticmethod
    def _timescales(p: Policy, stage: int) -> tuple[object, ...]:
        if stage == 1:
            return (p.ack_days, p.stage1_days, p.stage1_from)
        return (p.stage2_ack_days, p.stage2_days, p.stage2_from)

    def same_as_code(self, f: CaseFact, stage: int) -> bool:
        return self._timescales(load_policy(f.policy), stage) == self._timescales(self.code, stage)

    def _clock(self, f: CaseFact, policy: Policy, name: ClockName) -> Any:
        clock = find_clock(compute_clocks(f.facts(), policy, self.cal, self.end), name)
        assert clock is not None
        return clock

    def due(self, f: CaseFact, stage: int) -> date:
        stored = f.stage1_due if stage == 1 else f.stage2_due
        if stored is not None:
            return stored
        name = ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE
        due: date = self._clock(f, load_policy(f.policy), name).due
        return due

    def responded(self, f: CaseFact, stage: int) -> date:
        d = f.stage1_responded if stage == 1 else f.stage2_responded
        assert d is not None
        return d

    def within_local(self, f: CaseFact, stage: int) -> bool:
        return self.responded(f, stage) <= self.due(f, stage)

    def within_code(self, f: CaseFact, stage: int) -> bool:
        if self.same_as_code(f, stage):
            return self.within_local(f, stage)
        name = ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE
        return bool(self._clock(f, self.code, name).state is ClockState.MET)

    def acknowledged_in_time(self, f: CaseFact, stage: int, *, code: bool) -> bool:
        ack = f.acknowledged if stage == 1 else f.stage2_acknowledged
        if ack is None:
            return False
        if not code or self.same_as_code(f, stage):
            due = f.ack_due if stage == 1 else f.stage2_ack_due
            if due is not None:
                return ack <= due
        name = ClockName.ACKNOWLEDGEMENT if stage == 1 else ClockName.STAGE2_ACKNOWLEDGEMENT
        policy = self.code if code else load_policy(f.policy)
        return bool(self._clock(f, policy, name).state is ClockState.MET)

    def overdue_at_end(self, f: CaseFact, stage: int) -> bool:
        """For a case awaiting this stage's response at the end: past its due date then?"""
        name = ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE
        return bool(self._clock(f, load_policy(f.policy), name).state is ClockState.OVERDUE)

    def working_days_late(self, f: CaseFact, stage: int) -> int:
        return self.cal.working_days_between(self.due(f, stage), self.responded(f, stage))


def _received_at(f: CaseFact, stage: int, start: date, end: date) -> bool:
    if not f.is_complaint or f.refused:
        return False
    if stage == 1:
        return start <= f.received <= end
    return f.stage2 and _within(f.escalated, start, end)


def _responded_at(f: CaseFact, stage: int, start: date, end: date) -> bool:
    """A response sent in the period counts in timeliness unless the case was withdrawn."""
    if not f.is_complaint or f.refused or f.withdrawn_at(stage):
        return False
    return _within(f.stage1_responded if stage == 1 else f.stage2_responded, start, end)


def _awaiting(f: CaseFact, stage: int) -> bool:
    """Awaiting this stage's response at the period end (not stopped, not withdrawn)."""
    if not f.is_complaint or f.refused or f.stopped() is not None:
        return False
    if stage == 1:
        return f.stage1_responded is None
    return f.stage2 and f.stage2_responded is None


class _Counter:
    """Counts one report's figures from the cases' facts."""

    def __init__(self, facts: list[CaseFact], period: Period, judge: _Timeliness) -> None:
        self.facts = facts
        self.start = period.start
        self.end = period.end
        self.judge = judge
        self._received: dict[int, list[CaseFact]] = {}
        self._responses: dict[int, list[CaseFact]] = {}

    def received(self, stage: int) -> list[CaseFact]:
        if stage not in self._received:
            self._received[stage] = [
                f for f in self.facts if _received_at(f, stage, self.start, self.end)
            ]
        return self._received[stage]

    def responses(self, stage: int) -> list[CaseFact]:
        if stage not in self._responses:
            self._responses[stage] = [
                f for f in self.facts if _responded_at(f, stage, self.start, self.end)
            ]
        return self._responses[stage]

    def stage(self, stage: int) -> StageFigures:
        received = self.received(stage)
        timed = [f for f in received if not f.withdrawn_at(stage)]
        responses = self.responses(stage)
        awaiting = [f for f in self.facts if _awaiting(f, stage)]
        overdue = sum(self.judge.overdue_at_end(f, stage) for f in awaiting)
        local = sum(self.judge.within_local(f, stage) for f in responses)
        return StageFigures(
            stage=stage,
            received=len(received),
            withdrawn=len(received) - len(timed),
            acknowledged_in_time=sum(
                self.judge.acknowledged_in_time(f, stage, code=False) for f in timed
            ),
            responded=len(responses),
            within_local=local,
            within_code=sum(self.judge.within_code(f, stage) for f in responses),
            pending=len(awaiting) - overdue,
            overdue=overdue,
            late=len(responses) - local,
            extended=sum(1 for f in received if f.extensions.get(stage)),
        )

    def late(self, stage: int) -> list[LateBand]:
        late = [f for f in self.responses(stage) if not self.judge.within_local(f, stage)]
        bands: list[LateBand] = []
        for extended in (True, False):
            days = [
                self.judge.working_days_late(f, stage)
                for f in late
                if bool(f.extensions.get(stage)) is extended
            ]
            bands.append(
                LateBand(
                    stage=stage,
                    extended=extended,
                    count=len(days),
                    up_to_5=sum(1 for d in days if d <= 5),
                    six_to_10=sum(1 for d in days if 6 <= d <= 10),
                    over_10=sum(1 for d in days if d > 10),
                    longest=max(days, default=0),
                )
            )
        return bands

    def extensions(self, stage: int, *, code: bool) -> tuple[int, int, int, int]:
        """Cases extended, days, beyond the limit (the Code's or their own policy's), and
        beyond it with a good reason."""
        cases = days = beyond = good = 0
        for f in self.received(stage):
            exts = f.extensions.get(stage, [])
            if not exts:
                continue
            total = sum(e.days for e in exts)
            cases += 1
            days += total
            policy = self.judge.code if code else load_policy(f.policy)
            if total > policy.extension_limit(stage):
                beyond += 1
                good += any(e.good_reason for e in exts)
        return cases, days, beyond, good


def _breakdown(
    facts: list[CaseFact],
    start: date,
    end: date,
    key: Callable[[CaseFact], str],
    order: list[str],
) -> tuple[Breakdown, ...]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for f in facts:
        cats = categories(f, start, end)
        if cats:
            groups[key(f)].extend(cats)
    out = [Breakdown(name, _tally(groups.get(name, []))) for name in order]
    others = sorted((n for n in groups if n not in order), key=lambda n: (n == NOT_RECORDED, n))
    out += [Breakdown(n, _tally(groups[n])) for n in others]
    out.append(Breakdown("Total", _tally(c for cats in groups.values() for c in cats)))
    return tuple(out)


def _areas(
    facts: list[CaseFact], start: date, end: date, area_names: dict[int, str]
) -> tuple[AreaCounts, ...]:
    none = "No service area recorded"
    unique: defaultdict[str, Counter[str]] = defaultdict(Counter)
    split: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        cats = categories(f, start, end)
        if not cats:
            continue
        areas = [area_names[a] for a in f.areas] or [none]
        for cat in cats:
            unique[areas[0]][cat] += 1
            for area in areas:
                split[area][cat] += 1
    rows = sorted(set(split), key=lambda n: (n == none, n.lower()))

    def row(name: str, u: Counter[str], s: Counter[str]) -> AreaCounts:
        return AreaCounts(
            name,
            u["Stage 1 complaints"],
            s["Stage 1 complaints"],
            u["Stage 2 complaints"],
            s["Stage 2 complaints"],
            u["Compliments"],
            u["Comments"],
        )

    out = [row(n, unique[n], split[n]) for n in rows]
    total_u: Counter[str] = sum(unique.values(), Counter())
    total_s: Counter[str] = sum(split.values(), Counter())
    out.append(row("Total", total_u, total_s))
    return tuple(out)


def _themes(
    facts: list[CaseFact], start: date, end: date, theme_names: dict[int, str]
) -> tuple[tuple[str, int, int], ...]:
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f in facts:
        for stage in (1, 2):
            if _received_at(f, stage, start, end):
                for name in [theme_names[t] for t in f.themes] or ["No theme recorded"]:
                    counts[name][stage - 1] += 1
    ordered = sorted(
        counts.items(),
        key=lambda kv: (kv[0] == "No theme recorded", -kv[1][0], -kv[1][1], kv[0].lower()),
    )
    return tuple((name, c[0], c[1]) for name, c in ordered)


def _decisions(counter: _Counter) -> tuple[tuple[str, int, int], ...]:
    per_stage = []
    for stage in (1, 2):
        c = Counter(
            (f.stage1_decision if stage == 1 else f.stage2_decision) or ""
            for f in counter.responses(stage)
        )
        per_stage.append(c)
    rows = [(d.label, per_stage[0][d.value], per_stage[1][d.value]) for d in Decision]
    rows.append((NOT_RECORDED, per_stage[0][""], per_stage[1][""]))
    rows.append(("Total", sum(per_stage[0].values()), sum(per_stage[1].values())))
    return tuple(rows)


def _refusals(facts: list[CaseFact], start: date, end: date) -> tuple[tuple[str, int], ...]:
    c = Counter(f.refusal_reason for f in facts if _within(f.refused_on, start, end))
    rows = [(r.label, c[r.value]) for r in ExclusionReason]
    escalations = sum(1 for f in facts if _within(f.escalation_refused_on, start, end))
    rows.append(("Stage 2 request refused", escalations))
    rows.append(("Total", sum(c.values()) + escalations))
    return tuple(rows)


def _remedies(
    session: Session, conds: list[Any], start: date, end: date
) -> tuple[RemedyFigures, ...]:
    base = (
        select(
            Remedy.kind, Remedy.amount_offered, Remedy.amount_paid, Remedy.offered_on, Remedy.done
        )
        .join(Case, Case.id == Remedy.case_id)
        .where(*conds)
    )
    offered: Counter[str] = Counter()
    amount_offered: defaultdict[str, Decimal] = defaultdict(Decimal)
    paid: defaultdict[str, Decimal] = defaultdict(Decimal)
    for kind, offer, pay, offered_on, done in session.execute(base):
        if _within(offered_on, start, end):
            offered[kind] += 1
            amount_offered[kind] += offer or Decimal(0)
        if _within(done, start, end) and pay:
            paid[kind] += pay
    rows = [
        RemedyFigures(k.label, offered[k.value], amount_offered[k.value], paid[k.value])
        for k in RemedyKind
        if offered[k.value] or paid[k.value]
    ]
    rows.append(
        RemedyFigures(
            "Total",
            sum(offered.values()),
            sum(amount_offered.values(), Decimal(0)),
            sum(paid.values(), Decimal(0)),
        )
    )
    return tuple(rows)


def _ombudsman(
    session: Session, conds: list[Any], start: date, end: date
) -> tuple[tuple[OmbudsmanFigures, ...], tuple[Determination, ...]]:
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
    ).where(Case.ombudsman_referred_on.is_not(None), Case.ombudsman_referred_on <= end, *conds)
    for ref, kind, restricted, referred_on, determined_on, text in session.execute(stmt):
        if _within(referred_on, start, end):
            referred[kind] += 1
        if determined_on is not None and start <= determined_on <= end:
            determined[kind] += 1
            label = OmbudsmanKind(kind).label
            found.append(Determination(ref, label, determined_on, WITHHELD if restricted else text))
    rows = [
        OmbudsmanFigures(k.label, referred[k.value], determined[k.value]) for k in OmbudsmanKind
    ]
    rows.append(OmbudsmanFigures("Total", sum(referred.values()), sum(determined.values())))
    return tuple(rows), tuple(sorted(found, key=lambda d: (d.determined_on, d.reference)))


def _improvements(
    session: Session, conds: list[Any], start: date, end: date
) -> tuple[Improvement, ...]:
    stmt = (
        select(
            Case.reference,
            Case.restricted,
            Learning.recorded_on,
            Learning.description,
            Learning.improvement,
        )
        .join(Case, Case.id == Learning.case_id)
        .where(Learning.recorded_on >= start, Learning.recorded_on <= end, *conds)
        .order_by(Learning.recorded_on, Case.reference, Learning.id)
    )
    return tuple(
        Improvement(ref, on, WITHHELD if restricted else text, "" if restricted else better)
        for ref, restricted, on, text, better in session.execute(stmt)
    )


def _with_letter(session: Session, cases: list[CaseFact], letter_kind: str, end: date) -> int:
    ids = {f.id for f in cases}
    if not ids:
        return 0
    have: set[str] = set()
    id_list = list(ids)
    for i in range(0, len(id_list), 500):
        have.update(
            session.scalars(
                select(Correspondence.case_id).where(
                    Correspondence.case_id.in_(id_list[i : i + 500]),
                    Correspondence.letter_kind == letter_kind,
                    func.date(Correspondence.made_at) <= end.isoformat(),
                )
            )
        )
    return len(have)


def _evidence(session: Session, counter: _Counter, code: Policy) -> tuple[Evidence, ...]:
    judge = counter.judge
    out: list[Evidence] = []
    for stage in (1, 2):
        timed = [f for f in counter.received(stage) if not f.withdrawn_at(stage)]
        what = "complaints" if stage == 1 else "requests"
        out.append(
            Evidence(
                f"Stage {stage} {what} acknowledged within {code.ack_days} working days (the Code)",
                sum(judge.acknowledged_in_time(f, stage, code=True) for f in timed),
                len(timed),
            )
        )
    for stage in (1, 2):
        responses = counter.responses(stage)
        out.append(
            Evidence(
                f"Stage {stage} responses sent within the Code's timescale",
                sum(judge.within_code(f, stage) for f in responses),
                len(responses),
            )
        )
    extended = beyond = good = 0
    for stage in (1, 2):
        c, _days, b, g = counter.extensions(stage, code=True)
        extended, beyond, good = extended + c, beyond + b, good + g
    out.append(Evidence("Extensions beyond the Code's limit", beyond, extended))
    out.append(Evidence("... of which a good reason was recorded", good, beyond))
    stage2 = [
        f
        for f in counter.received(2)
        if f.stage2_acknowledged is not None and f.stage1_handler_id and f.stage2_handler_id
    ]
    out.append(
        Evidence(
            "Stage 2 handled by someone other than the Stage 1 handler",
            sum(1 for f in stage2 if f.stage1_handler_id != f.stage2_handler_id),
            len(stage2),
        )
    )
    for stage, kind in ((1, "stage1-response"), (2, "stage2-response")):
        responses = counter.responses(stage)
        out.append(
            Evidence(
                f"Stage {stage} responses with the response letter on file (made by Caseworker, "
                "which checks the required content)",
                _with_letter(session, responses, kind, counter.end),
                len(responses),
            )
        )
    return tuple(out)


def _tsm(counter: _Counter, ytd: Period, homes: int | None) -> tuple[TsmCounts, TenantMeasures]:
    judge = counter.judge

    def tenants(fs: list[CaseFact]) -> list[CaseFact]:
        return [f for f in fs if f.tenure == Tenure.TENANT.value]

    year = _Counter(counter.facts, ytd, judge)
    r1 = tenants(year.responses(1))
    r2 = tenants(year.responses(2))
    counts = TsmCounts(
        stage1_received=len(tenants(year.received(1))),
        stage2_received=len(tenants(year.received(2))),
        stage1_responses=len(r1),
        stage1_within_code=sum(judge.within_code(f, 1) for f in r1),
        stage2_responses=len(r2),
        stage2_within_code=sum(judge.within_code(f, 2) for f in r2),
    )
    measures = TenantMeasures(
        ch01_1=one_place(counts.stage1_received * 1000, homes) if homes else None,
        ch01_2=one_place(counts.stage2_received * 1000, homes) if homes else None,
        ch02_1=percent(counts.stage1_within_code, counts.stage1_responses),
        ch02_2=percent(counts.stage2_within_code, counts.stage2_responses),
        homes=homes,
        year_start=ytd.start,
    )
    return counts, measures


def _tenure_label(f: CaseFact) -> str:
    return Tenure(f.tenure).label + "s" if f.tenure else NOT_RECORDED


def gather_figures(
    session: Session,
    period: Period,
    scope: ReportScope,
    *,
    made_on: date,
    homes: int | None = None,
) -> Figures:
    """Count every figure of the report for ``period`` and ``scope``.

    Args:
        homes: homes owned at the period end; None takes it from Settings.
        made_on: the day the report is made (printed on it; never changes a figure).
    """
    conds = scope_conditions(session, scope)
    ytd = Period(year_start(period.end), period.end, "year to date")
    since = min(ytd.start, period.start)
    facts = load_facts(session, conds, since, period.end)
    judge = _Timeliness(store_calendar(session), period.end)
    counter = _Counter(facts, period, judge)
    code = judge.code
    months = period.months()
    events = [e for f in facts for e in received_events(f)]
    by_month = [
        _tally(c for c, d in events if (d.year, d.month) == (y, m) and period.start <= d)
        for y, m in months
    ]
    quarters = quarters_to(period.end)
    by_quarter = [_tally(c for c, d in events if q.start <= d <= q.end) for q in quarters]
    site_names = names(session, Site)
    area_names = names(session, ServiceArea)
    ombudsman, determinations = _ombudsman(session, conds, period.start, period.end)
    tsm_counts, tsm = _tsm(
        counter, ytd, homes if homes is not None else homes_at(session, period.end)
    )
    organisation = get_setting(session, "organisation") or {}
    return Figures(
        organisation=str(organisation.get("name") or ""),
        period=period,
        scope=scope.label(),
        made_on=made_on,
        audit_head=chain_head(session),
        months=tuple(f"{date(y, m, 1):%b %Y}" for y, m in months),
        by_month=tuple(zip(*by_month, strict=True)) if by_month else (),
        quarters=tuple(q.label for q in quarters),
        by_quarter=tuple(zip(*by_quarter, strict=True)) if by_quarter else (),
        stages=(counter.stage(1), counter.stage(2)),
        late=(*counter.late(1), *counter.late(2)),
        extensions=tuple(ExtensionFigures(s, *counter.extensions(s, code=False)) for s in (1, 2)),
        areas=_areas(facts, period.start, period.end, area_names),
        sites=_breakdown(
            facts,
            period.start,
            period.end,
            lambda f: site_names[f.site_id] if f.site_id else NOT_RECORDED,
            [*sorted(site_names.values(), key=str.lower), NOT_RECORDED],
        ),
        channels=_breakdown(
            facts,
            period.start,
            period.end,
            lambda f: Channel(f.channel).label if f.channel else NOT_RECORDED,
            [],
        ),
        tenures=_breakdown(
            facts,
            period.start,
            period.end,
            _tenure_label,
            ["Tenants", "Leaseholders", "Other residents", NOT_RECORDED],
        ),
        themes=_themes(facts, period.start, period.end, names(session, Theme)),
        decisions=_decisions(counter),
        remedies=_remedies(session, conds, period.start, period.end),
        refusals=_refusals(facts, period.start, period.end),
        ombudsman=ombudsman,
        determinations=determinations,
        improvements=_improvements(session, conds, period.start, period.end),
        tsm_counts=tsm_counts,
        tsm=tsm,
        evidence=_evidence(session, counter, code),
    )


def make_report(
    session: Session,
    period: Period,
    scope: ReportScope,
    *,
    made_on: date,
    homes: int | None = None,
) -> Report:
    """The report as frozen tables (for the PDF, CSV, XLSX, JSON and the app's Reports view)."""
    return build_report(gather_figures(session, period, scope, made_on=made_on, homes=homes))

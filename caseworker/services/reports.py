"""Counting a period's figures from the store, exactly as DOMAIN.md "How the figures are counted".

Every state is judged as at the period end (``reports_window``), so a past period's report
never changes with the day it is run. The figures are counted in SQL by a few grouped
queries (``reports_queries``); timeliness compares the stored due dates the services write
from the clock functions (final dates, extensions included: a response is in time when
sent on or before its due date). The clock functions run only where the stored dates
cannot say: a case whose policy's timescales differ from the Code's (and, for a policy
that counts from receipt, only its responses late by its own timescale), and a case
acknowledged only after the period end, whose due date at the end was provisional.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import ClockName, ClockState, compute_clocks, find_clock
from caseworker.domain.policy import CODE_POLICY, Policy, available_policies, load_policy
from caseworker.domain.vocab import Channel, Decision, RecordKind, Tenure
from caseworker.reports.figures import (
    CATEGORIES,
    AreaCounts,
    Breakdown,
    Evidence,
    ExtensionFigures,
    Figures,
    LateBand,
    LocalStageFigures,
    TsmCounts,
)
from caseworker.reports.model import Report, StageFigures, TenantMeasures, one_place, percent
from caseworker.reports.periods import Period, month_end, quarters_to, year_start
from caseworker.reports.tables import build_report
from caseworker.services.actor import Actor
from caseworker.services.audit import chain_head
from caseworker.services.permissions import check
from caseworker.services.reports_data import (
    CaseFact,
    ReportScope,
    load_facts,
    names,
    scope_conditions,
)
from caseworker.services.reports_lists import WITHHELD, improvements, ombudsman, refusals, remedies
from caseworker.services.reports_queries import (
    STAGE1,
    STAGE2,
    Events,
    awaiting,
    awaiting_clocks,
    events,
    other_areas,
    response_clocks,
    responses,
)
from caseworker.services.reports_window import StagePolicies, Window
from caseworker.services.settings import get_setting, homes_at, store_calendar
from db.engine import is_server
from db.models import Case, CaseServiceArea, CaseTheme, ServiceArea, Site, Theme

__all__ = ["WITHHELD", "ReportScope", "gather_figures", "make_report"]

NOT_RECORDED = "Not recorded"
NO_AREA = "No service area recorded"
NO_THEME = "No theme recorded"
_CATEGORY = {
    STAGE1: "Stage 1 complaints",
    STAGE2: "Stage 2 complaints",
    RecordKind.COMPLIMENT.value: "Compliments",
    RecordKind.COMMENT.value: "Comments",
    RecordKind.MP_ENQUIRY.value: "MP enquiries",
    RecordKind.COUNCILLOR_ENQUIRY.value: "Councillor enquiries",
    RecordKind.SERVICE_REQUEST.value: "Service requests",
}
_LETTER = {1: "stage1-response", 2: "stage2-response"}


class _Judge:
    """Judges with the clock functions what the stored due dates cannot say."""

    def __init__(
        self, cal: WorkingCalendar, end: date, policies: tuple[StagePolicies, StagePolicies]
    ) -> None:
        self.cal = cal
        self.end = end
        self.code = load_policy(CODE_POLICY)
        # Policies whose timescales and extension limit are the Code's, per stage.
        self.same = {p.stage: p.same for p in policies}

    def _clock(self, f: CaseFact, policy: Policy, name: ClockName) -> ClockState:
        clock = find_clock(compute_clocks(f.facts(), policy, self.cal, self.end), name)
        assert clock is not None
        return clock.state

    @staticmethod
    def _response(stage: int) -> ClockName:
        return ClockName.STAGE1_RESPONSE if stage == 1 else ClockName.STAGE2_RESPONSE

    def _same_as_code(self, f: CaseFact, stage: int) -> bool:
        return f.policy in self.same[stage]

    def due(self, f: CaseFact, stage: int) -> date:
        """The response due date: stored, else from the clock functions."""
        stored = f.due(stage)
        if stored is not None:
            return stored
        clocks = compute_clocks(f.facts(), load_policy(f.policy), self.cal, self.end)
        clock = find_clock(clocks, self._response(stage))
        assert clock is not None
        return clock.due

    def within_local(self, f: CaseFact, stage: int) -> bool:
        sent = f.responded(stage)
        return sent is not None and sent <= self.due(f, stage)

    def within_code(self, f: CaseFact, stage: int) -> bool:
        if self._same_as_code(f, stage):
            return self.within_local(f, stage)
        return self._clock(f, self.code, self._response(stage)) is ClockState.MET

    def acknowledged_in_time(self, f: CaseFact, stage: int, *, code: bool) -> bool:
        ack = f.acknowledged_at(stage)
        if ack is None:
            return False
        due = f.ack_due_at(stage)
        if due is not None and (not code or self._same_as_code(f, stage)):
            return ack <= due
        name = ClockName.ACKNOWLEDGEMENT if stage == 1 else ClockName.STAGE2_ACKNOWLEDGEMENT
        policy = self.code if code else load_policy(f.policy)
        return self._clock(f, policy, name) is ClockState.MET

    def overdue_at_end(self, f: CaseFact, stage: int) -> bool:
        """For a case awaiting this stage's response at the end: past its due date then?"""
        state = self._clock(f, load_policy(f.policy), self._response(stage))
        return state is ClockState.OVERDUE

    def working_days_late(self, due: date, sent: date) -> int:
        return self.cal.working_days_between(due, sent)


@dataclass
class _Stage:
    """One stage's counts, from the grouped queries and the few cases judged by clocks."""

    stage: int
    received: int = 0
    withdrawn: int = 0
    ack_local: int = 0
    ack_code: int = 0
    extended: int = 0
    ext_days: int = 0
    beyond_own: int = 0
    good_own: int = 0
    beyond_code: int = 0
    good_code: int = 0
    handled: int = 0  # Stage 2 handler known (and the Stage 1 handler)
    handled_apart: int = 0
    responded: int = 0
    within_local: int = 0
    within_code: int = 0
    letters: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    late: list[tuple[bool, int, int]] = field(default_factory=list)  # extended, days, count
    year_tenant_responses: int = 0
    year_tenant_within_code: int = 0
    awaiting: int = 0
    overdue: int = 0
    # By the cases' policy: received, responses sent, within own policy, within the Code
    # (for the table of an older three-stage scheme's local stages).
    by_policy: defaultdict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0])
    )

    def figures(self) -> StageFigures:
        return StageFigures(
            stage=self.stage,
            received=self.received,
            withdrawn=self.withdrawn,
            acknowledged_in_time=self.ack_local,
            responded=self.responded,
            within_local=self.within_local,
            within_code=self.within_code,
            pending=self.awaiting - self.overdue,
            overdue=self.overdue,
            late=self.responded - self.within_local,
            extended=self.extended,
        )

    def late_bands(self) -> list[LateBand]:
        bands: list[LateBand] = []
        for extended in (True, False):
            days = [(d, n) for e, d, n in self.late if e is extended]
            bands.append(
                LateBand(
                    stage=self.stage,
                    extended=extended,
                    count=sum(n for _, n in days),
                    up_to_5=sum(n for d, n in days if d <= 5),
                    six_to_10=sum(n for d, n in days if 6 <= d <= 10),
                    over_10=sum(n for d, n in days if d > 10),
                    longest=max((d for d, _ in days), default=0),
                )
            )
        return bands


class _Counter:
    """Counts one stage of a report."""

    def __init__(
        self, session: Session, w: Window, p: StagePolicies, ev: Events, judge: _Judge
    ) -> None:
        self.session = session
        self.w = w
        self.p = p
        self.judge = judge
        self.out = _Stage(p.stage)
        self._received(ev)
        self._responses()
        self._awaiting()

    def _received(self, ev: Events) -> None:
        out, code = self.out, self.judge.code
        cat = STAGE1 if self.p.stage == 1 else STAGE2
        clocks = 0
        for key, n in ev.stages.items():
            kind, policy, withdrawn, ack_ok, ext_days, good, apart, by_clocks = key
            if kind != cat:
                continue
            out.received += n
            out.by_policy[policy][0] += n
            if withdrawn:
                out.withdrawn += n
            elif by_clocks:
                clocks += n
            elif ack_ok:
                # Stored dates hold only where the acknowledgement timescale is the Code's.
                out.ack_local += n
                out.ack_code += n
            if ext_days:
                out.extended += n
                out.ext_days += n * ext_days
                if ext_days > load_policy(policy).extension_limit(self.p.stage):
                    out.beyond_own += n
                    out.good_own += n * good
                if ext_days > code.extension_limit(self.p.stage):
                    out.beyond_code += n
                    out.good_code += n * good
            if apart is not None:
                out.handled += n
                out.handled_apart += n * apart
        if clocks:
            stage = self.p.stage
            day = Case.received if stage == 1 else Case.escalated
            for f in load_facts(
                self.session,
                self.w,
                *self.w.received(stage),
                self.w.between(day, self.w.start),
                self.w.not_withdrawn_at(stage),
                self.p.needs_clocks(),
            ):
                out.ack_local += self.judge.acknowledged_in_time(f, stage, code=False)
                out.ack_code += self.judge.acknowledged_in_time(f, stage, code=True)

    def _responses(self) -> None:
        out, stage = self.out, self.p.stage
        clocks = 0
        for g, n in responses(self.session, self.w, self.p, _LETTER[stage]):
            by = out.by_policy[g.policy]
            if g.in_period:
                out.responded += n
                by[1] += n
                out.decisions[g.decision or ""] += n
                out.letters += n * g.letter
            tenant = g.in_year and g.tenant
            if tenant:
                out.year_tenant_responses += n
            if g.clocks or g.code_clocks:
                clocks += n
            if g.clocks:
                continue
            if g.in_period:
                out.within_local += n * g.within_local
                by[2] += n * g.within_local
                if g.due is not None and g.responded is not None:
                    days = self.judge.working_days_late(g.due, g.responded)
                    out.late.append((g.extended, days, n))
            if not g.code_clocks:  # within the Code's timescale exactly when within its own
                out.within_code += n * g.within_local if g.in_period else 0
                by[3] += n * g.within_local if g.in_period else 0
                out.year_tenant_within_code += n * g.within_local if tenant else 0
        if clocks:
            self._responses_by_clocks()

    def _responses_by_clocks(self) -> None:
        out, stage, judge, w = self.out, self.p.stage, self.judge, self.w
        for f in load_facts(self.session, w, *w.responses(stage), response_clocks(self.p)):
            sent = f.responded(stage)
            assert sent is not None
            in_period = sent >= w.start
            stored = (
                f.policy in self.p.same + self.p.later
                and f.due(stage) is not None
                and f.ack_due_at(stage) is not None
            )
            by = out.by_policy[f.policy]
            if not stored and in_period:
                local = judge.within_local(f, stage)
                out.within_local += local
                by[2] += local
                if not local:
                    days = judge.working_days_late(judge.due(f, stage), sent)
                    out.late.append((bool(f.extensions.get(stage)), days, 1))
            within = judge.within_code(f, stage)
            out.within_code += within and in_period
            by[3] += within and in_period
            out.year_tenant_within_code += (
                within and sent >= w.year_start and f.complainant_tenure == Tenure.TENANT.value
            )

    def _awaiting(self) -> None:
        out, stage = self.out, self.p.stage
        stored, overdue, clocks = awaiting(self.session, self.w, self.p)
        out.awaiting, out.overdue = stored + clocks, overdue
        for where in self.w.awaiting(stage) if clocks else []:
            for f in load_facts(self.session, self.w, *where, awaiting_clocks(self.w, self.p)):
                out.overdue += self.judge.overdue_at_end(f, stage)


def _tally(counts: Counter[str]) -> tuple[int, ...]:
    return tuple(counts[c] for c in CATEGORIES)


def _received(ev: Events, start: date, end: date) -> Counter[str]:
    """Records received from ``start`` to ``end``, by category."""
    out: Counter[str] = Counter()
    for (cat, day), n in ev.by_day.items():
        if start <= day <= end:
            out[_CATEGORY[cat]] += n
    return out


def _grouped(pairs: Iterable[tuple[tuple[str, str], int]]) -> dict[str, Counter[str]]:
    """``((category key, group name), count)`` pairs as a Counter of categories per group."""
    groups: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for (cat, name), n in pairs:
        groups[name][_CATEGORY[cat]] += n
    return groups


def _breakdown(groups: dict[str, Counter[str]], order: list[str]) -> tuple[Breakdown, ...]:
    out = [Breakdown(name, _tally(groups.get(name, Counter()))) for name in order]
    others = sorted((n for n in groups if n not in order), key=lambda n: (n == NOT_RECORDED, n))
    out += [Breakdown(n, _tally(groups[n])) for n in others]
    out.append(Breakdown("Total", _tally(sum(groups.values(), Counter()))))
    return tuple(out)


def _areas(ev: Events, area_names: dict[int, str], others: set[int]) -> tuple[AreaCounts, ...]:
    """ "Unique" counts a case under its main service area, "split" under each of them; a row
    for each area with a record in the period (``others``: linked to records other than
    complaints only, so with no count shown)."""
    unique: defaultdict[str, Counter[str]] = defaultdict(Counter)
    split: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for counts, found in ((unique, ev.by_area), (split, ev.by_any_area)):
        for (cat, area), n in found.items():
            counts[NO_AREA if area is None else area_names[area]][cat] += n
    named = {*unique, *split, *(area_names[a] for a in others)}
    rows = sorted(named, key=lambda n: (n == NO_AREA, n.lower()))

    def row(name: str, u: Counter[str], s: Counter[str]) -> AreaCounts:
        return AreaCounts(
            name,
            u[STAGE1],
            s[STAGE1],
            u[STAGE2],
            s[STAGE2],
            u[RecordKind.COMPLIMENT.value],
            u[RecordKind.COMMENT.value],
        )

    out = [row(n, unique[n], split[n]) for n in rows]
    out.append(row("Total", sum(unique.values(), Counter()), sum(split.values(), Counter())))
    return tuple(out)


def _themes(ev: Events, theme_names: dict[int, str]) -> tuple[tuple[str, int, int], ...]:
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (cat, theme), n in ev.by_theme.items():
        counts[NO_THEME if theme is None else theme_names[theme]][cat == STAGE2] += n
    ordered = sorted(
        counts.items(),
        key=lambda kv: (kv[0] == NO_THEME, -kv[1][0], -kv[1][1], kv[0].lower()),
    )
    return tuple((name, c[0], c[1]) for name, c in ordered)


def _decisions(stages: list[_Stage]) -> tuple[tuple[str, int, int], ...]:
    one, two = stages[0].decisions, stages[1].decisions
    rows = [(d.label, one[d.value], two[d.value]) for d in Decision]
    rows.append((NOT_RECORDED, one[""], two[""]))
    rows.append(("Total", sum(one.values()), sum(two.values())))
    return tuple(rows)


def _evidence(stages: list[_Stage], code: Policy) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    for s in stages:
        what = "complaints" if s.stage == 1 else "requests"
        out.append(
            Evidence(
                f"Stage {s.stage} {what} acknowledged within {code.ack_days} working days "
                "(the Code)",
                s.ack_code,
                s.received - s.withdrawn,
            )
        )
    for s in stages:
        out.append(
            Evidence(
                f"Stage {s.stage} responses sent within the Code's timescale",
                s.within_code,
                s.responded,
            )
        )
    beyond, good = sum(s.beyond_code for s in stages), sum(s.good_code for s in stages)
    extended = sum(s.extended for s in stages)
    out.append(Evidence("Extensions beyond the Code's limit", beyond, extended))
    out.append(Evidence("... of which a good reason was recorded", good, beyond))
    two = stages[1]
    out.append(
        Evidence(
            "Stage 2 handled by someone other than the Stage 1 handler",
            two.handled_apart,
            two.handled,
        )
    )
    for s in stages:
        out.append(
            Evidence(
                f"Stage {s.stage} responses with the response letter on file (made by Caseworker, "
                "which checks the required content)",
                s.letters,
                s.responded,
            )
        )
    return tuple(out)


def _tsm(
    ev: Events, stages: list[_Stage], ytd_start: date, homes: int | None
) -> tuple[TsmCounts, TenantMeasures]:
    tenants: Counter[str] = Counter()
    for (cat, tenure, _in_period, in_year), n in ev.by_tenure.items():
        if in_year and tenure == Tenure.TENANT.value and cat in (STAGE1, STAGE2):
            tenants[cat] += n
    one, two = stages
    counts = TsmCounts(
        stage1_received=tenants[STAGE1],
        stage2_received=tenants[STAGE2],
        stage1_responses=one.year_tenant_responses,
        stage1_within_code=one.year_tenant_within_code,
        stage2_responses=two.year_tenant_responses,
        stage2_within_code=two.year_tenant_within_code,
    )
    measures = TenantMeasures(
        ch01_1=one_place(counts.stage1_received * 1000, homes) if homes else None,
        ch01_2=one_place(counts.stage2_received * 1000, homes) if homes else None,
        ch02_1=percent(counts.stage1_within_code, counts.stage1_responses),
        ch02_2=percent(counts.stage2_within_code, counts.stage2_responses),
        homes=homes,
        year_start=ytd_start,
    )
    return counts, measures


def _local_stages(stages: list[_Stage], code: Policy) -> tuple[LocalStageFigures, ...]:
    """Each older three-stage scheme with records in the period, by local stage: its
    Informal and Formal stages are the Code's Stage 1, its Stage 3 the Code's Stage 2."""
    one, two = stages
    seen = {*one.by_policy, *two.by_policy}
    out: list[LocalStageFigures] = []
    for name in available_policies():
        scheme = load_policy(name)
        if not scheme.three_stage or not seen & {name, scheme.informal_policy}:
            continue
        informal = load_policy(scheme.informal_policy)
        parts = (
            (scheme.stage_names[0], 1, informal.stage1_days, one.by_policy[informal.name]),
            (scheme.stage_names[1], 1, scheme.stage1_days, one.by_policy[name]),
            (scheme.stage_names[2], 2, scheme.stage2_days, two.by_policy[name]),
        )
        for stage, code_stage, days, (received, responded, local, in_code) in parts:
            code_days = code.stage1_days if code_stage == 1 else code.stage2_days
            out.append(
                LocalStageFigures(
                    scheme.title, stage, code_stage, f"{days} working days",
                    f"{code_days} working days", received, responded, local, in_code,
                )
            )  # fmt: skip
        first, second = out[-3], out[-2]
        out.append(
            LocalStageFigures(
                scheme.title,
                f"Stage 1 total ({first.stage} and {second.stage})",
                1,
                "",
                "",
                first.received + second.received,
                first.responded + second.responded,
                first.within_local + second.within_local,
                first.within_code + second.within_code,
            )
        )
    return tuple(out)


def _tenure_label(tenure: str | None) -> str:
    return NOT_RECORDED if tenure is None else Tenure(tenure).label + "s"


RESTRICTED_NAME = "Withheld (named only on restricted cases)"


def _restricted_only(session: Session, model: Any) -> set[int]:
    """Ids of sites, service areas or themes that only restricted cases carry.

    Their names came from a restricted (safeguarding) case and can say too much about it
    ("Refuge, Mill Lane"); a reader without restricted access sees them as one row,
    ``RESTRICTED_NAME``, with the counts still in.
    """
    if model is Site:
        pairs = select(Case.site_id, Case.restricted).where(Case.site_id.is_not(None))
    elif model is Theme:
        pairs = select(CaseTheme.theme_id, Case.restricted).join(Case, Case.id == CaseTheme.case_id)
    else:
        pairs = select(CaseServiceArea.service_area_id, Case.restricted).join(
            Case, Case.id == CaseServiceArea.case_id
        )
    sub = pairs.subquery()
    key, restricted = sub.c[0], sub.c[1]
    # Every case restricted: the least of 1 (restricted) and 0 is 1. Written with CASE, as
    # PostgreSQL has no min() of booleans.
    every = func.min(case((func.coalesce(restricted, False), 1), else_=0))
    stmt = select(key).group_by(key).having(every == 1)
    return {int(i) for i in session.scalars(stmt)}


def _names(session: Session, model: Any, restricted_access: bool) -> dict[int, str]:
    """Id to name of a reference list, as the reader may see it."""
    found = names(session, model)
    if restricted_access:
        return found
    for hidden in _restricted_only(session, model):
        if hidden in found:
            found[hidden] = RESTRICTED_NAME
    return found


def gather_figures(
    session: Session,
    period: Period,
    scope: ReportScope,
    *,
    made_on: date,
    homes: int | None = None,
    restricted_access: bool = False,
) -> Figures:
    """Count every figure of the report for ``period`` and ``scope``.

    Args:
        homes: homes owned at the period end; None takes it from Settings.
        made_on: the day the report is made (printed on it; never changes a figure).
    """
    if is_server(session.get_bind()):
        # PostgreSQL compiles a costly-looking read to machine code first (JIT): at a
        # million cases that took up to 0.7 s a statement, longer than the reads it sped up.
        session.execute(text("SET LOCAL jit = off"))
    ytd_start = year_start(period.end)
    w = Window(period.start, ytd_start, period.end, tuple(scope_conditions(session, scope)))
    policies = (StagePolicies.of(1), StagePolicies.of(2))
    judge = _Judge(store_calendar(session), period.end, policies)
    ev = events(session, w, policies)
    stages = [_Counter(session, w, p, ev, judge).out for p in policies]
    months = period.months()
    by_month = [
        _tally(_received(ev, max(date(y, m, 1), period.start), month_end(y, m))) for y, m in months
    ]
    quarters = quarters_to(period.end)
    by_quarter = [_tally(_received(ev, q.start, q.end)) for q in quarters]
    site_names = _names(session, Site, restricted_access)
    sites = _grouped(
        ((c, site_names[s] if s else NOT_RECORDED), n) for (c, s), n in ev.by_site.items()
    )
    channels = _grouped(
        ((c, Channel(ch).label if ch else NOT_RECORDED), n) for (c, ch), n in ev.by_channel.items()
    )
    tenures = _grouped(
        ((c, _tenure_label(tenure)), n)
        for (c, tenure, in_period, _), n in ev.by_tenure.items()
        if in_period
    )
    ombudsman_rows, determinations = ombudsman(session, w)
    area_names = _names(session, ServiceArea, restricted_access)
    seen = {area for _, area in (*ev.by_area, *ev.by_any_area) if area is not None}
    areas = _areas(ev, area_names, other_areas(session, w, set(area_names) - seen))
    homes = homes if homes is not None else homes_at(session, period.end)
    tsm_counts, tsm = _tsm(ev, stages, ytd_start, homes)
    return Figures(
        organisation=str((get_setting(session, "organisation") or {}).get("name") or ""),
        period=period,
        scope=scope.label(),
        made_on=made_on,
        audit_head=chain_head(session),
        months=tuple(f"{date(y, m, 1):%b %Y}" for y, m in months),
        by_month=tuple(zip(*by_month, strict=True)) if by_month else (),
        quarters=tuple(q.label for q in quarters),
        by_quarter=tuple(zip(*by_quarter, strict=True)) if by_quarter else (),
        stages=tuple(s.figures() for s in stages),
        late=tuple(b for s in stages for b in s.late_bands()),
        extensions=tuple(
            ExtensionFigures(s.stage, s.extended, s.ext_days, s.beyond_own, s.good_own)
            for s in stages
        ),
        areas=areas,
        sites=_breakdown(sites, [*sorted(set(site_names.values()), key=str.lower), NOT_RECORDED]),
        channels=_breakdown(channels, []),
        tenures=_breakdown(tenures, [_tenure_label(t.value) for t in Tenure] + [NOT_RECORDED]),
        themes=_themes(ev, _names(session, Theme, restricted_access)),
        decisions=_decisions(stages),
        remedies=remedies(session, w),
        refusals=refusals(session, w),
        ombudsman=ombudsman_rows,
        determinations=determinations,
        improvements=improvements(session, w),
        tsm_counts=tsm_counts,
        tsm=tsm,
        evidence=_evidence(stages, judge.code),
        local_stages=_local_stages(stages, judge.code),
    )


def make_report(
    session: Session,
    period: Period,
    scope: ReportScope,
    *,
    actor: Actor,
    made_on: date,
    homes: int | None = None,
) -> Report:
    """The report as frozen tables (for the PDF, CSV, XLSX, JSON and the app's Reports view).

    Raises:
        NotAllowed: the actor's role may not run reports (managers and administrators may).
    """
    check(actor, "run-report")
    figures = gather_figures(
        session,
        period,
        scope,
        made_on=made_on,
        homes=homes,
        restricted_access=actor.restricted_access,
    )
    return build_report(figures)

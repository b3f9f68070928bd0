"""Turning counted figures into the report's numbered tables."""

from __future__ import annotations

from decimal import Decimal

from caseworker.reports.figures import CATEGORIES, Breakdown, Figures
from caseworker.reports.model import Cell, Chart, Report, Table, percent

# Sections follow the order of the annual Complaint Performance report.
S_VOLUMES = "1. Records received"
S_STAGES = "2. Stage 1 and Stage 2 performance"
S_WHERE = "3. Service areas and sites"
S_WHO = "4. How, who, what and outcomes"
S_REFUSED = "5. Refusals and the Ombudsman"
S_LEARNING = "6. Learning from complaints"
S_TSM = "7. Tenant Satisfaction Measures"
S_SELF = "8. Self-assessment evidence"

_SHORT = {
    "Stage 1 complaints": "Stage 1",
    "Stage 2 complaints": "Stage 2",
    "MP enquiries": "MP enq.",
    "Councillor enquiries": "Cllr enq.",
    "Service requests": "Service req.",
}
_BREAKDOWN_COLUMNS = tuple(_SHORT.get(c, c) for c in CATEGORIES)


class _Numbered:
    """Hands out table numbers in order."""

    def __init__(self) -> None:
        self.tables: list[Table] = []

    def add(
        self,
        section: str,
        title: str,
        columns: tuple[str, ...],
        rows: list[tuple[Cell, ...]],
        note: str = "",
        chart: Chart | None = None,
        chart_rows: int | None = None,
    ) -> None:
        self.tables.append(
            Table(
                len(self.tables) + 1,
                section,
                title,
                columns,
                tuple(rows),
                note,
                chart,
                chart_rows,
            )
        )


def _volumes(t: _Numbered, f: Figures) -> None:
    rows: list[tuple[Cell, ...]] = [
        (cat, *counts, sum(counts)) for cat, counts in zip(CATEGORIES, f.by_month, strict=True)
    ]
    t.add(
        S_VOLUMES,
        "Records received by kind and month",
        ("Kind", *f.months, "Total"),
        rows,
        "Stage 1 counts by the date received, Stage 2 by the date the escalation was requested. "
        "Refused complaints are not counted here (see Refused complaints).",
        Chart("Records received by month", tuple(f.months), across_columns=True),
        chart_rows=3,
    )
    rows = [
        (cat, *counts, sum(counts)) for cat, counts in zip(CATEGORIES, f.by_quarter, strict=True)
    ]
    t.add(
        S_VOLUMES,
        "Records received by quarter, financial year to date",
        ("Kind", *f.quarters, "Year to date"),
        rows,
        "Quarters of the financial year (April to March) up to the end of this report's period.",
    )


def _pct(part: int, whole: int) -> Decimal | None:
    return percent(part, whole)


def _stages(t: _Numbered, f: Figures) -> None:
    t.add(
        S_STAGES,
        "Complaints received and acknowledged",
        (
            "Stage",
            "Received",
            "Withdrawn",
            "Acknowledged in time",
            "Acknowledged in time %",
            "Extended",
        ),
        [
            (
                f"Stage {s.stage}",
                s.received,
                s.withdrawn,
                s.acknowledged_in_time,
                _pct(s.acknowledged_in_time, s.received - s.withdrawn),
                s.extended,
            )
            for s in f.stages
        ],
        "Acknowledged in time: of the complaints received in the period, not counting withdrawn "
        "ones, those acknowledged within the case's own policy.",
    )
    t.add(
        S_STAGES,
        "Responses sent and timeliness",
        (
            "Stage",
            "Responses sent",
            "Within own policy",
            "Within own policy %",
            "Within the Code",
            "Within the Code %",
            "Pending",
            "Overdue",
        ),
        [
            (
                f"Stage {s.stage}",
                s.responded,
                s.within_local,
                _pct(s.within_local, s.responded),
                s.within_code,
                _pct(s.within_code, s.responded),
                s.pending,
                s.overdue,
            )
            for s in f.stages
        ],
        "Over the responses sent in the period (withdrawn cases are left out). Pending: awaiting "
        "a response at the period end and not yet due; overdue: awaiting it and past due. "
        "The Code: the Housing Ombudsman's Complaint Handling Code timescales.",
        Chart("Responses within timescale (%)", ("Within own policy %", "Within the Code %")),
    )
    _local_stages(t, f)
    t.add(
        S_STAGES,
        "Late responses: how late, and whether an extension was agreed",
        (
            "Stage",
            "Extension agreed",
            "Late responses",
            "1-5 working days late",
            "6-10 working days late",
            "Over 10 working days late",
            "Longest (working days)",
        ),
        [
            (
                f"Stage {b.stage}",
                "Yes" if b.extended else "No",
                b.count,
                b.up_to_5,
                b.six_to_10,
                b.over_10,
                b.longest,
            )
            for b in f.late
        ],
        "Late: sent after the due date of the case's own policy (including any agreed extension).",
    )
    t.add(
        S_STAGES,
        "Extensions",
        (
            "Stage",
            "Cases extended",
            "Working days added",
            "Beyond the policy's limit",
            "Beyond the limit with a good reason",
        ),
        [
            (f"Stage {e.stage}", e.cases, e.days, e.beyond_limit, e.beyond_limit_good_reason)
            for e in f.extensions
        ],
        "Of the complaints received at each stage in the period.",
    )


def _breakdown_rows(items: tuple[Breakdown, ...]) -> list[tuple[Cell, ...]]:
    return [(b.name, *b.counts) for b in items]


def _where(t: _Numbered, f: Figures) -> None:
    t.add(
        S_WHERE,
        "By service area: unique and split by department",
        (
            "Service area",
            "Stage 1 unique",
            "Stage 1 split",
            "Stage 2 unique",
            "Stage 2 split",
            "Compliments",
            "Comments",
        ),
        [
            (
                a.name,
                a.stage1_unique,
                a.stage1_split,
                a.stage2_unique,
                a.stage2_split,
                a.compliments,
                a.comments,
            )
            for a in f.areas
        ],
        "Unique: each case counted once, under its main service area. Split by department: a case "
        "about two service areas counted under both.",
        Chart("Stage 1 complaints by service area (split)", ("Stage 1 split",), horizontal=True),
        chart_rows=len(f.areas) - 1,
    )
    t.add(
        S_WHERE,
        "By site (contact centre area)",
        ("Site", *_BREAKDOWN_COLUMNS),
        _breakdown_rows(f.sites),
    )


def _who(t: _Numbered, f: Figures) -> None:
    t.add(
        S_WHO, "By method of contact", ("Method", *_BREAKDOWN_COLUMNS), _breakdown_rows(f.channels)
    )
    t.add(
        S_WHO,
        "Tenants and other residents",
        ("Resident", *_BREAKDOWN_COLUMNS),
        _breakdown_rows(f.tenures),
        "A case counts as a tenant's when any complainant is a tenant.",
    )
    t.add(
        S_WHO,
        "Themes",
        ("Theme", "Stage 1", "Stage 2"),
        [tuple(r) for r in f.themes],
        "A complaint with several themes is counted under each.",
    )
    t.add(
        S_WHO,
        "Decisions",
        ("Decision", "Stage 1", "Stage 1 %", "Stage 2", "Stage 2 %"),
        [
            (name, s1, _pct(s1, f.decisions[-1][1]), s2, _pct(s2, f.decisions[-1][2]))
            for name, s1, s2 in f.decisions
        ],
        "Of the responses sent in the period.",
    )
    t.add(
        S_WHO,
        "Remedies offered and money paid",
        ("Remedy", "Offered", "Amount offered (£)", "Amount paid (£)"),
        [(r.kind, r.offered, r.amount_offered, r.amount_paid) for r in f.remedies],
        "Offered: remedies offered in the period. Paid: payments completed in the period.",
    )


def _refused(t: _Numbered, f: Figures) -> None:
    t.add(
        S_REFUSED,
        "Refused complaints by reason",
        ("Reason", "Refused"),
        [tuple(r) for r in f.refusals],
        "Contacts not taken on as complaints (and Stage 2 requests refused) in the period; these "
        "are not counted as Stage 1 or Stage 2 complaints.",
    )
    t.add(
        S_REFUSED,
        "Ombudsman referrals and determinations",
        ("Ombudsman", "Referred", "Determined"),
        [(o.ombudsman, o.referred, o.determined) for o in f.ombudsman],
    )
    t.add(
        S_REFUSED,
        "Ombudsman determinations",
        ("Reference", "Ombudsman", "Determined on", "Determination"),
        [(d.reference, d.ombudsman, d.determined_on.isoformat(), d.text) for d in f.determinations],
    )


def _learning(t: _Numbered, f: Figures) -> None:
    t.add(
        S_LEARNING,
        "Service improvements",
        ("Reference", "Recorded", "What we learned", "Improvement"),
        [
            (i.reference, i.recorded_on.isoformat(), i.learned, i.improvement)
            for i in f.improvements
        ],
    )


def _tsm(t: _Numbered, f: Figures) -> None:
    c, m = f.tsm_counts, f.tsm
    homes = m.homes if m.homes is not None else "Not recorded"
    t.add(
        S_TSM,
        "Tenant Satisfaction Measures, year to date",
        ("Measure", "Description", "Count", "Out of", "Result"),
        [
            ("CH01 (1)", "Stage 1 complaints per 1,000 homes", c.stage1_received, homes, m.ch01_1),
            ("CH01 (2)", "Stage 2 complaints per 1,000 homes", c.stage2_received, homes, m.ch01_2),
            (
                "CH02 (1)",
                "Stage 1 responses within the Code's timescales (%)",
                c.stage1_within_code,
                c.stage1_responses,
                m.ch02_1,
            ),
            (
                "CH02 (2)",
                "Stage 2 responses within the Code's timescales (%)",
                c.stage2_within_code,
                c.stage2_responses,
                m.ch02_2,
            ),
        ],
        f"Tenants' complaints from {m.year_start:%-d %B %Y} to the period end; homes owned at "
        "the period end. One decimal place, halves rounded up.",
    )


def _self(t: _Numbered, f: Figures) -> None:
    t.add(
        S_SELF,
        "Evidence for the self-assessment against the Code",
        ("Measure", "Number", "Out of", "%"),
        [(e.measure, e.count, e.out_of, _pct(e.count, e.out_of)) for e in f.evidence],
    )


def _local_stages(t: _Numbered, f: Figures) -> None:
    """Records kept under an older three-stage scheme, by local stage (Bolsover's table)."""
    for scheme in dict.fromkeys(s.scheme for s in f.local_stages):
        rows = [s for s in f.local_stages if s.scheme == scheme]
        t.add(
            S_STAGES,
            f"By local stage: {scheme}",
            (
                "Local stage",
                "Counts as",
                "Local timescale",
                "The Code's timescale",
                "Received",
                "Responses sent",
                "Within local timescale",
                "Within local timescale %",
                "Within the Code",
                "Within the Code %",
            ),
            [
                (
                    s.stage,
                    f"Stage {s.code_stage}",
                    s.timescale,
                    s.code_timescale,
                    s.received,
                    s.responded,
                    s.within_local,
                    _pct(s.within_local, s.responded),
                    s.within_code,
                    _pct(s.within_code, s.responded),
                )
                for s in rows
            ],
            "Records handled under an older local scheme of three stages. Under the Code each "
            "of its first two stages received is a Stage 1 complaint and its third stage is "
            "Stage 2: the other tables count them so. Within the Code: within the Code's "
            "timescale for the stage it counts as.",
        )


def build_report(f: Figures) -> Report:
    """Every table of the report, numbered in order."""
    t = _Numbered()
    for part in (_volumes, _stages, _where, _who, _refused, _learning, _tsm, _self):
        part(t, f)
    return Report(
        title="Complaint Performance and Service Improvement Report",
        organisation=f.organisation,
        period_label=f.period.label,
        start=f.period.start,
        end=f.period.end,
        scope=f.scope,
        made_on=f.made_on,
        audit_head=f.audit_head,
        by_stage=f.stages,
        tsm=f.tsm,
        tables=tuple(t.tables),
    )

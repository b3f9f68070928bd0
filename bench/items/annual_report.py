"""Annual report: every table of the report for the store's last full financial year.

Ours: ``caseworker.services.reports.make_report`` (figures counted in SQL by grouped
queries, then built into the report's numbered tables).

Baseline: hand-written SQL through raw ``sqlite3`` computing the same figures table by
table, against the same schema and indexes (the complainants' tenure read from the case
row, as ours reads it) on a connection with the app's read settings (memory-mapped I/O):
records by kind and month, the Stage 1 and Stage 2 figures (received, withdrawn,
acknowledged in time, responded, within the policy's and the Code's timescale, pending,
overdue, extended), late responses by how late, extensions, service areas (unique, and
split for complaints: the split figures the report shows), sites, methods of contact,
tenants and others, themes, decisions, remedies, refusals, ombudsman referrals,
improvements, the TSM counts and the self-assessment evidence. What it leaves out,
honestly: it judges every case by its stored due dates as if its policy had the Code's
timescales (the demo store has only such policies, so the figures are the same; ours
checks each policy), it builds no tables (just the numbers), and it counts working days
late with the same calendar object (SQL has no working-day arithmetic). Both must agree
on the headline numbers compared in ``_headline``, or the result says so.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Any

from bench.items import Context
from bench.server import ServerContext, on_server
from bench.timing import Result, compare
from caseworker.domain.calendar import WorkingCalendar
from caseworker.reports.model import Report
from caseworker.reports.periods import Period, financial_year
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.reports import make_report
from caseworker.services.reports_data import ReportScope
from caseworker.services.settings import store_calendar
from db.engine import MMAP_BYTES

NAME = "annual report"

_NOT_REFUSED = "(c.refused_on IS NULL OR c.refused_on > :e)"
_RELEVANT = (
    "c.received <= :e AND (coalesce(c.closed_on, c.withdrawn_on, c.refused_on) IS NULL "
    "OR coalesce(c.closed_on, c.withdrawn_on, c.refused_on) >= :s)"
)
_TENANT = "c.complainant_tenure = 'tenant'"
# The columns of the case row are grouped in one pass ("cube") and added up in Python.
_CUBE = ("site", "channel", "tenure", "area")
_EVENTS = f"""
WITH ev AS MATERIALIZED (
  SELECT c.id, CASE WHEN c.kind = 'complaint' THEN 'stage1' ELSE c.kind END AS cat,
         c.received AS day, c.site_id, c.channel, c.primary_service_area_id AS area,
         c.complainant_tenure AS tenure
  FROM cases c WHERE c.received BETWEEN :s AND :e AND (c.kind != 'complaint' OR {_NOT_REFUSED})
    AND {_RELEVANT}
  UNION ALL
  SELECT c.id, 'stage2', c.escalated, c.site_id, c.channel, c.primary_service_area_id,
         c.complainant_tenure
  FROM cases c WHERE c.kind = 'complaint' AND c.escalated BETWEEN :s AND :e
    AND (c.escalation_refused_on IS NULL OR c.escalation_refused_on > :e) AND {_NOT_REFUSED}
    AND {_RELEVANT}
)
SELECT 'month', cat, substr(day, 1, 7), NULL, NULL, NULL, count(*) FROM ev GROUP BY 2, 3
UNION ALL SELECT 'cube', cat, site_id, channel, tenure, area, count(*) FROM ev
  GROUP BY 2, 3, 4, 5, 6
UNION ALL SELECT 'split', ev.cat, a.service_area_id, NULL, NULL, NULL, count(*)
  FROM ev LEFT JOIN case_service_areas a ON a.case_id = ev.id WHERE ev.cat IN ('stage1', 'stage2')
  GROUP BY 2, 3
UNION ALL SELECT 'theme', ev.cat, t.theme_id, NULL, NULL, NULL, count(*)
  FROM ev LEFT JOIN case_themes t ON t.case_id = ev.id WHERE ev.cat IN ('stage1', 'stage2')
  GROUP BY 2, 3
"""


def _stage_sql(stage: int) -> dict[str, str]:
    """The queries of one stage (column names differ between the stages)."""
    if stage == 1:
        ack, ack_due, sent, due, dec = (
            "acknowledged",
            "ack_due",
            "stage1_responded",
            "stage1_due",
            "stage1_decision",
        )
        received = "c.kind = 'complaint' AND c.received BETWEEN :s AND :e"
        withdrawn = (
            "(c.withdrawn_on <= :e AND (c.escalated IS NULL OR c.escalated > :e "
            "OR c.escalated > c.withdrawn_on))"
        )
        handlers = "NULL"
    else:
        ack, ack_due, sent, due, dec = (
            "stage2_acknowledged",
            "stage2_ack_due",
            "stage2_responded",
            "stage2_due",
            "stage2_decision",
        )
        received = (
            "c.kind = 'complaint' AND c.escalated BETWEEN :s AND :e "
            "AND (c.escalation_refused_on IS NULL OR c.escalation_refused_on > :e)"
        )
        withdrawn = "(c.withdrawn_on <= :e AND c.escalated <= :e AND c.escalated <= c.withdrawn_on)"
        handlers = (
            "CASE WHEN c.stage2_acknowledged <= :e AND c.stage1_handler_id IS NOT NULL "
            "AND c.stage2_handler_id IS NOT NULL THEN c.stage1_handler_id != c.stage2_handler_id "
            "END"
        )
    ext = f"(SELECT sum(x.days) FROM extensions x WHERE x.case_id = c.id AND x.stage = {stage})"
    good = (
        f"(SELECT max(x.good_reason) FROM extensions x WHERE x.case_id = c.id "
        f"AND x.stage = {stage})"
    )
    not_withdrawn = f"NOT coalesce({withdrawn}, 0)"
    stopped = (
        "(c.refused_on <= :e OR c.withdrawn_on <= :e OR c.escalation_refused_on <= :e "
        "OR c.closed_on <= :e)"
    )
    letter = (
        f"EXISTS (SELECT 1 FROM correspondence l WHERE l.case_id = c.id AND "
        f"l.letter_kind = 'stage{stage}-response' AND l.made_at < :after)"
    )
    waiting = (
        "c.stage1_responded IS NULL OR c.stage1_responded > :e"
        if stage == 1
        else "c.escalated <= :e AND (c.escalation_refused_on IS NULL OR "
        "c.escalation_refused_on > :e) AND (c.stage2_responded IS NULL OR c.stage2_responded > :e)"
    )
    # Stage 2: read by the date asked for (``+c.received``: not every complaint received).
    relevant = _RELEVANT if stage == 1 else _RELEVANT.replace("c.received", "+c.received", 1)
    limit = 10 if stage == 1 else 20
    return {
        "received": f"""
            SELECT count(*), sum(coalesce({withdrawn}, 0)),
                   sum({not_withdrawn} AND c.{ack} <= :e AND c.{ack} <= c.{ack_due}),
                   sum({ext} > 0), sum(coalesce({ext}, 0)), sum({ext} > {limit}),
                   sum({ext} > {limit} AND {good}), count({handlers}), sum({handlers})
            FROM cases c WHERE {received} AND {_NOT_REFUSED} AND {_RELEVANT}""",
        "responses": f"""
            SELECT c.{dec}, c.{sent} <= c.{due}, {letter}, {_TENANT},
                   CASE WHEN c.{sent} > c.{due} THEN c.{due} END,
                   CASE WHEN c.{sent} > c.{due} THEN c.{sent} END,
                   CASE WHEN c.{sent} > c.{due} THEN {ext} > 0 END, count(*)
            FROM cases c WHERE c.kind = 'complaint' AND c.{sent} BETWEEN :s AND :e
              AND {_NOT_REFUSED} AND {not_withdrawn} AND {_RELEVANT}
            GROUP BY 1, 2, 3, 4, 5, 6, 7""",
        "awaiting": f"""
            SELECT count(*), sum(:e > c.{due}) FROM cases c
            WHERE c.kind = 'complaint' AND ({waiting}) AND NOT coalesce({stopped}, 0)
              AND {relevant} AND (c.{ack} IS NULL OR c.{ack} <= :e)""",
        # Acknowledged only after the end: the due date at the end was provisional.
        "provisional": f"""
            SELECT c.{ack_due}, coalesce({ext}, 0) FROM cases c
            WHERE c.kind = 'complaint' AND ({waiting}) AND NOT coalesce({stopped}, 0)
              AND {relevant} AND c.{ack} > :e""",
    }


_LISTS = {
    "refusals": """SELECT c.refusal_reason, count(*) FROM cases c
        WHERE c.refused_on BETWEEN :s AND :e AND """
    + _RELEVANT
    + " GROUP BY 1",
    "escalation refusals": """SELECT count(*) FROM cases c WHERE c.kind = 'complaint'
        AND c.escalated <= :e AND c.escalation_refused_on BETWEEN :s AND :e AND """
    + _RELEVANT.replace("c.received", "+c.received", 1),
    "remedies offered": """SELECT kind, count(*), sum(amount_offered) FROM remedies
        WHERE offered_on BETWEEN :s AND :e GROUP BY 1""",
    "remedies paid": """SELECT kind, sum(amount_paid) FROM remedies
        WHERE done BETWEEN :s AND :e AND amount_paid > 0 GROUP BY 1""",
    "ombudsman": """SELECT ombudsman, sum(ombudsman_referred_on >= :s),
        sum(ombudsman_determined_on BETWEEN :s AND :e) FROM cases
        WHERE ombudsman_referred_on <= :e GROUP BY 1""",
    "determinations": """SELECT reference, ombudsman, ombudsman_determined_on,
        ombudsman_determination FROM cases WHERE ombudsman_referred_on <= :e
        AND ombudsman_determined_on BETWEEN :s AND :e ORDER BY 3, 1""",
    "improvements": """SELECT c.reference, l.recorded_on, l.description, l.improvement
        FROM learning l JOIN cases c ON c.id = l.case_id
        WHERE l.recorded_on BETWEEN :s AND :e ORDER BY 2, 1, l.id""",
}


def baseline_figures(
    raw: sqlite3.Connection, period: Period, cal: WorkingCalendar
) -> dict[str, Any]:
    """The report's figures for a financial year by hand-written SQL (see the module note)."""
    args = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    args["after"] = f"{date.fromordinal(period.end.toordinal() + 1).isoformat()} 00:00:00"
    events: Counter[tuple[str, str, Any]] = Counter()
    for dim, cat, *keys, n in raw.execute(_EVENTS, args):
        if dim == "cube":
            for name, key in zip(_CUBE, keys, strict=True):
                events[name, cat, key] += n
        else:
            events[dim, cat, keys[0]] += n
    out: dict[str, Any] = {"events": events}
    for stage in (1, 2):
        sql = _stage_sql(stage)
        received = raw.execute(sql["received"], args).fetchone()
        responses = raw.execute(sql["responses"], args).fetchall()
        late: list[int] = []
        for *_, due, sent, _ext, n in responses:
            if due is not None:
                late += [
                    cal.working_days_between(date.fromisoformat(due), date.fromisoformat(sent))
                ] * n
        waiting, overdue = raw.execute(sql["awaiting"], args).fetchone()
        days = 10 if stage == 1 else 20
        for ack_due, ext in raw.execute(sql["provisional"], args):
            waiting += 1
            due = cal.add_working_days(date.fromisoformat(ack_due), days + ext)
            overdue += period.end > due
        out[stage] = {
            "received": received,
            "responded": sum(r[-1] for r in responses),
            "within": sum(r[-1] for r in responses if r[1]),
            "tenant responses within": sum(r[-1] for r in responses if r[1] and r[3]),
            "late": late,
            "awaiting": waiting,
            "overdue": overdue or 0,
        }
    for name, sql in _LISTS.items():
        out[name] = raw.execute(sql, args).fetchall()
    return out


def _headline(report: Report, base: dict[str, Any]) -> list[str]:
    """Where ours and the baseline disagree (empty when they agree)."""
    wrong: list[str] = []
    for s in report.by_stage:
        b = base[s.stage]
        received, withdrawn, ack = b["received"][:3]
        theirs = (received, withdrawn, ack, b["responded"], b["within"], b["within"])
        theirs += (b["awaiting"] - b["overdue"], b["overdue"], b["received"][3] or 0)
        mine = (s.received, s.withdrawn, s.acknowledged_in_time, s.responded, s.within_local)
        mine += (s.within_code, s.pending, s.overdue, s.extended)
        if mine != theirs:
            wrong.append(f"Stage {s.stage}: {mine} against {theirs}")
    months = report.table("Records received by kind and month").row("Stage 1 complaints")[-1]
    stage1 = sum(
        n for (dim, cat, _), n in base["events"].items() if (dim, cat) == ("month", "stage1")
    )
    if months != stage1:
        wrong.append(f"Stage 1 by month: {months} against {stage1}")
    tenants = report.table("Tenants and other residents").row("Tenants")[1]
    theirs_tenants = base["events"]["tenure", "stage1", "tenant"]
    if tenants != theirs_tenants:
        wrong.append(f"tenants: {tenants} against {theirs_tenants}")
    return wrong


def last_full_year(ctx: Context) -> Period:
    """The last financial year that ended before the newest record was received."""
    newest = ctx.raw.execute("SELECT max(received) FROM cases").fetchone()[0]
    last = date.fromisoformat(newest)
    first_year = (last.year if last.month >= 4 else last.year - 1) - 1
    return financial_year(first_year)


def _raw(ctx: Context) -> sqlite3.Connection:
    """A read-only connection with the app's read settings (memory-mapped I/O)."""
    raw = sqlite3.connect(f"file:{ctx.path}?mode=ro", uri=True)
    raw.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    return raw


def run(ctx: Context) -> list[Result]:
    period = last_full_year(ctx)
    made_on = date.fromordinal(period.end.toordinal() + 1)
    with ctx.store.read() as session:
        cal = store_calendar(session)
    raw = _raw(ctx)

    def ours() -> Report:
        with ctx.store.read() as session:
            return make_report(session, period, ReportScope(), actor=LOCAL_ADMIN, made_on=made_on)

    def baseline() -> dict[str, Any]:
        return baseline_figures(raw, period, cal)

    try:
        result = compare(
            f"{NAME} ({period.label})",
            ours,
            baseline,
            runs=max(3, min(ctx.runs, 5)),
            max_ratio=1.5,
            max_seconds=3.0,
        )
        wrong = _headline(ours(), baseline())
    finally:
        raw.close()
    stage1 = ours().by_stage[0].received
    note = f"{stage1:,} Stage 1 complaints in the year"
    if wrong:
        note += "; BASELINE DISAGREES: " + "; ".join(wrong)
        result = Result(result.name, result.median_s, result.baseline_median_s, result.ratio,
                        result.target, False, note)  # fmt: skip
    else:
        result = Result(result.name, result.median_s, result.baseline_median_s, result.ratio,
                        result.target, result.met, note)  # fmt: skip
    return [result]


def run_server(ctx: ServerContext) -> list[Result]:
    """The report on a PostgreSQL store; the baseline replays every statement ours sent."""
    newest = date.fromisoformat(str(ctx.value("SELECT max(received) FROM cases")))
    period = financial_year((newest.year if newest.month >= 4 else newest.year - 1) - 1)
    made_on = date.fromordinal(period.end.toordinal() + 1)

    def report(session: Any) -> Report:
        return make_report(session, period, ReportScope(), actor=LOCAL_ADMIN, made_on=made_on)

    def ours() -> Report:
        with ctx.store.read() as session:
            return report(session)

    name = f"{NAME} ({period.label})"
    statements = ctx.session_statements(on_server(name), report)
    result = compare(
        name,
        ours,
        ctx.baseline(statements),
        runs=max(3, min(ctx.runs, 5)),
        max_ratio=1.5,
        max_seconds=3.0,
    )
    stage1 = ours().by_stage[0].received
    note = f"{stage1:,} Stage 1 complaints in the year; {len(statements)} statements replayed"
    return [replace(result, note=note)]

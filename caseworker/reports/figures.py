"""The counted figures of a report, as gathered from the store (before they become tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caseworker.reports.model import StageFigures, TenantMeasures
from caseworker.reports.periods import Period

# What is counted as received, in the order reports show it.
CATEGORIES: tuple[str, ...] = (
    "Stage 1 complaints",
    "Stage 2 complaints",
    "Compliments",
    "Comments",
    "MP enquiries",
    "Councillor enquiries",
    "Service requests",
)


@dataclass(frozen=True)
class Breakdown:
    """Counts per category (in ``CATEGORIES`` order) for one group: a site, a channel..."""

    name: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class AreaCounts:
    """A service area: a case about two areas counts once in ``unique``, in both in ``split``."""

    name: str
    stage1_unique: int
    stage1_split: int
    stage2_unique: int
    stage2_split: int
    compliments: int
    comments: int


@dataclass(frozen=True)
class LateBand:
    """Late responses of one stage, with or without an agreed extension."""

    stage: int
    extended: bool
    count: int
    up_to_5: int
    six_to_10: int
    over_10: int
    longest: int


@dataclass(frozen=True)
class ExtensionFigures:
    stage: int
    cases: int
    days: int
    beyond_limit: int
    beyond_limit_good_reason: int


@dataclass(frozen=True)
class RemedyFigures:
    kind: str
    offered: int
    amount_offered: Decimal
    amount_paid: Decimal


@dataclass(frozen=True)
class OmbudsmanFigures:
    ombudsman: str
    referred: int
    determined: int


@dataclass(frozen=True)
class Determination:
    reference: str
    ombudsman: str
    determined_on: date
    text: str


@dataclass(frozen=True)
class Improvement:
    reference: str
    recorded_on: date
    learned: str
    improvement: str


@dataclass(frozen=True)
class Evidence:
    """One line of the self-assessment evidence: ``count`` out of ``out_of``."""

    measure: str
    count: int
    out_of: int


@dataclass(frozen=True)
class TsmCounts:
    """The numbers each Tenant Satisfaction Measure is made from."""

    stage1_received: int
    stage2_received: int
    stage1_responses: int
    stage1_within_code: int
    stage2_responses: int
    stage2_within_code: int


@dataclass(frozen=True)
class LocalStageFigures:
    """One stage of an older three-stage scheme, and the scheme's Stage 1 total (Bolsover's
    table: each local stage with the Code's stage it counts as)."""

    scheme: str  # the scheme's title
    stage: str  # "Informal", "Formal", "Stage 3", or the Stage 1 total
    code_stage: int
    timescale: str  # the local timescale in words, e.g. "15 working days"
    code_timescale: str  # the Code's, for the stage it counts as
    received: int
    responded: int
    within_local: int
    within_code: int


@dataclass(frozen=True)
class Figures:
    """Everything a report counts for one period and scope."""

    organisation: str
    period: Period
    scope: str
    made_on: date
    audit_head: str
    months: tuple[str, ...]
    by_month: tuple[tuple[int, ...], ...]  # per category, per month
    quarters: tuple[str, ...]
    by_quarter: tuple[tuple[int, ...], ...]  # per category, per quarter of the year
    stages: tuple[StageFigures, ...]
    late: tuple[LateBand, ...]
    extensions: tuple[ExtensionFigures, ...]
    areas: tuple[AreaCounts, ...]
    sites: tuple[Breakdown, ...]
    channels: tuple[Breakdown, ...]
    tenures: tuple[Breakdown, ...]
    themes: tuple[tuple[str, int, int], ...]  # theme, Stage 1, Stage 2
    decisions: tuple[tuple[str, int, int], ...]  # decision, Stage 1, Stage 2
    remedies: tuple[RemedyFigures, ...]
    refusals: tuple[tuple[str, int], ...]
    ombudsman: tuple[OmbudsmanFigures, ...]
    determinations: tuple[Determination, ...]
    improvements: tuple[Improvement, ...]
    tsm_counts: TsmCounts
    tsm: TenantMeasures
    evidence: tuple[Evidence, ...]
    # Records kept under an older three-stage scheme, by local stage (none: no table).
    local_stages: tuple[LocalStageFigures, ...] = ()

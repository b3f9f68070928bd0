"""Property-based tests of the calendar and the clocks (profiles in tests/conftest.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import (
    CaseFacts,
    ClockName,
    Extension,
    compute_clocks,
    deadlines,
)
from caseworker.domain.policy import Policy, load_policy
from caseworker.domain.vocab import RecordKind

# Calendars are built once: building is cheap but not free.
_CLOSURES = [date(y, 12, d) for y in range(2014, 2038) for d in (29, 30, 31)]
CALENDARS = [
    WorkingCalendar(),
    WorkingCalendar("scotland"),
    WorkingCalendar("northern-ireland"),
    WorkingCalendar(closures=_CLOSURES),
]
POLICIES = [load_policy(n) for n in ("hos-2024", "lgsco-2024", "receipt-based-local")]

calendars = st.sampled_from(CALENDARS)
policies = st.sampled_from(POLICIES)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
gaps = st.integers(min_value=0, max_value=60)  # calendar days between steps
ext_days = st.integers(min_value=0, max_value=25)
kinds = st.sampled_from(list(RecordKind))
today_offsets = st.integers(min_value=-30, max_value=200)

WORKING_DAY_CLOCKS = set(ClockName) - {ClockName.ESCALATION_WINDOW}


def _exts(n: int) -> tuple[Extension, ...]:
    return (Extension(n, good_reason=True),) if n else ()


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    """A complaint somewhere along the two stages, with dates in a possible order."""
    kind = draw(kinds)
    received = draw(days)
    steps = draw(st.integers(min_value=0, max_value=5))
    dates: list[date] = []
    d = received
    for _ in range(steps):
        d = d + timedelta(days=draw(gaps))
        dates.append(d)
    dates += [None] * (5 - steps)  # type: ignore[list-item]
    ack, s1, esc, s2ack, s2 = dates
    return CaseFacts(
        kind=kind,
        received=received,
        acknowledged=ack,
        stage1_extensions=_exts(draw(ext_days)),
        stage1_responded=s1,
        escalated=esc,
        stage2_acknowledged=s2ack,
        stage2_extensions=_exts(draw(ext_days)),
        stage2_responded=s2,
        replied=draw(st.none() | st.just(received + timedelta(days=draw(gaps)))),
    )


# --- the calendar ------------------------------------------------------------------------------


@given(cal=calendars, d=days, n=st.integers(min_value=-40, max_value=300))
def test_add_then_count_back_is_n(cal: WorkingCalendar, d: date, n: int) -> None:
    d = cal.next_working_day(d)
    end = cal.add_working_days(d, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(d, end) == n


@given(cal=calendars, d=days, n=st.integers(min_value=0, max_value=300))
def test_add_from_non_working_day_starts_at_next_working_day(
    cal: WorkingCalendar, d: date, n: int
) -> None:
    assert cal.add_working_days(d, n) == cal.add_working_days(cal.next_working_day(d), n)
    assert cal.add_working_days(d, n) >= d


@given(cal=calendars, d=days)
def test_next_working_day_skips_only_non_working_days(cal: WorkingCalendar, d: date) -> None:
    nxt = cal.next_working_day(d)
    assert cal.is_working_day(nxt)
    assert nxt >= d
    assert (nxt - d).days <= 14
    probe = d
    while probe < nxt:
        assert not cal.is_working_day(probe)
        assert cal.reason_closed(probe) is not None
        probe += timedelta(days=1)
    assert cal.reason_closed(nxt) is None


@given(cal=calendars, a=days, b=days)
def test_working_days_between_is_antisymmetric_and_bounded(
    cal: WorkingCalendar, a: date, b: date
) -> None:
    n = cal.working_days_between(a, b)
    assert n == -cal.working_days_between(b, a)
    assert abs(n) <= abs((b - a).days)


@given(cal=calendars, d=days, n=st.integers(min_value=0, max_value=100), m=st.integers(0, 100))
def test_add_is_monotonic_and_composes(cal: WorkingCalendar, d: date, n: int, m: int) -> None:
    assert cal.add_working_days(d, n) <= cal.add_working_days(d, n + m)
    assert cal.add_working_days(cal.add_working_days(d, n), m) == cal.add_working_days(d, n + m)
    assert cal.add_working_days(d, n) <= cal.add_working_days(d + timedelta(days=m), n)


# --- the clocks --------------------------------------------------------------------------------


@given(facts=case_facts(), policy=policies, cal=calendars, offset=today_offsets)
def test_every_working_day_due_date_is_a_working_day(
    facts: CaseFacts, policy: Policy, cal: WorkingCalendar, offset: int
) -> None:
    today = facts.received + timedelta(days=offset)
    for clock in compute_clocks(facts, policy, cal, today):
        if clock.name in WORKING_DAY_CLOCKS:
            assert cal.is_working_day(clock.due), clock.explanation
            assert clock.due > facts.received
        assert clock.explanation
        if clock.state.is_live:
            assert clock.working_days_left is not None
            assert clock.working_days_left == cal.working_days_between(today, clock.due)
        else:
            assert clock.working_days_left is None


def _due(facts: CaseFacts, policy: Policy, cal: WorkingCalendar) -> dict[str, date | None]:
    d = deadlines(facts, policy, cal, facts.received)
    return {
        "ack": d.ack_due,
        "s1": d.stage1_due,
        "window": d.escalation_window_ends,
        "s2ack": d.stage2_ack_due,
        "s2": d.stage2_due,
    }


def _not_earlier(before: dict[str, date | None], after: dict[str, date | None]) -> None:
    for key, old in before.items():
        new = after[key]
        assert (old is None) == (new is None), key
        if old is not None and new is not None:
            assert new >= old, key


_FIELDS = [
    "received",
    "acknowledged",
    "stage1_responded",
    "escalated",
    "stage2_acknowledged",
]


@given(
    facts=case_facts(),
    policy=policies,
    cal=calendars,
    field=st.sampled_from(_FIELDS),
    shift=st.integers(min_value=1, max_value=40),
)
def test_a_later_date_never_moves_a_due_date_earlier(
    facts: CaseFacts, policy: Policy, cal: WorkingCalendar, field: str, shift: int
) -> None:
    old = getattr(facts, field)
    assume(old is not None)
    values = {f: getattr(facts, f) for f in CaseFacts.__dataclass_fields__}
    values[field] = old + timedelta(days=shift)
    later = CaseFacts(**values)
    _not_earlier(_due(facts, policy, cal), _due(later, policy, cal))


@given(
    facts=case_facts(),
    policy=policies,
    cal=calendars,
    more1=st.integers(min_value=0, max_value=15),
    more2=st.integers(min_value=0, max_value=15),
)
def test_more_extension_days_never_move_a_due_date_earlier(
    facts: CaseFacts, policy: Policy, cal: WorkingCalendar, more1: int, more2: int
) -> None:
    more = CaseFacts(
        **{
            **{f: getattr(facts, f) for f in CaseFacts.__dataclass_fields__},
            "stage1_extensions": (*facts.stage1_extensions, *_exts(more1)),
            "stage2_extensions": (*facts.stage2_extensions, *_exts(more2)),
        }
    )
    before, after = _due(facts, policy, cal), _due(more, policy, cal)
    _not_earlier(before, after)
    if facts.kind is RecordKind.COMPLAINT:
        assert after["s1"] == cal.add_working_days(before["s1"], more1)  # type: ignore[arg-type]
        if before["s2"] is not None:
            assert after["s2"] == cal.add_working_days(before["s2"], more2)


@given(received=days, lateness=st.integers(min_value=0, max_value=30), cal=calendars)
def test_acknowledging_on_or_after_the_latest_date_never_beats_the_provisional_date(
    received: date, lateness: int, cal: WorkingCalendar
) -> None:
    policy = POLICIES[0]
    provisional = deadlines(CaseFacts(RecordKind.COMPLAINT, received), policy, cal, received)
    assert provisional.stage1_provisional
    assert provisional.ack_due is not None
    ack = provisional.ack_due + timedelta(days=lateness)
    actual = deadlines(
        CaseFacts(RecordKind.COMPLAINT, received, acknowledged=ack), policy, cal, received
    )
    assert actual.stage1_provisional is False
    assert actual.stage1_due is not None and provisional.stage1_due is not None
    assert actual.stage1_due >= provisional.stage1_due
    if lateness == 0:
        assert actual.stage1_due == provisional.stage1_due


@given(received=days, cal=calendars)
def test_ack_due_is_five_working_days_after_the_effective_receipt(
    received: date, cal: WorkingCalendar
) -> None:
    d = deadlines(CaseFacts(RecordKind.COMPLAINT, received), POLICIES[0], cal, received)
    assert d.ack_due is not None
    assert cal.working_days_between(cal.next_working_day(received), d.ack_due) == 5

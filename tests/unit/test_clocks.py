"""The clocks of a case against dates worked out by hand.

Calendar notes (England & Wales unless said): January 2026 starts on a Thursday, so
Mon 5, 12, 19, 26 Jan; Mon 2, 9, 16, 23 Feb; Mon 2, 9 Mar 2026. No bank holidays
between Fri 2 Jan and Thu 2 Apr 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import (
    CaseFacts,
    Clock,
    ClockName,
    ClockState,
    Extension,
    compute_clocks,
    counted_extension_days,
    deadlines,
    find_clock,
    next_deadline,
)
from caseworker.domain.errors import RuleBroken
from caseworker.domain.lifecycle import check_extensions, check_sequence
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import RecordKind

HOS = load_policy("hos-2024")
LGSCO = load_policy("lgsco-2024")
LOCAL = load_policy("receipt-based-local")
ENG = WorkingCalendar()
SCT = WorkingCalendar("scotland")
C = RecordKind.COMPLAINT


def _clock(clocks: list[Clock], name: ClockName) -> Clock:
    c = find_clock(clocks, name)
    assert c is not None, f"no {name} clock"
    return c


def _ack(facts: CaseFacts, today: date, policy=HOS, cal=ENG) -> Clock:  # type: ignore[no-untyped-def]
    return _clock(compute_clocks(facts, policy, cal, today), ClockName.ACKNOWLEDGEMENT)


def _s1(facts: CaseFacts, today: date, policy=HOS, cal=ENG) -> Clock:  # type: ignore[no-untyped-def]
    return _clock(compute_clocks(facts, policy, cal, today), ClockName.STAGE1_RESPONSE)


# --- the example from the issue ------------------------------------------------------------


def test_issue_example_explanation() -> None:
    # Received Thu 24 Dec 2026; acknowledged Mon 4 Jan 2027 (ack was due Tue 5 Jan: F25, M28,
    # F1 Jan are holidays; T29 W30 T31 M4 T5). Stage 1: T5 .. F8 (4), M11 .. F15 (9), M18 (10).
    facts = CaseFacts(C, date(2026, 12, 24), acknowledged=date(2027, 1, 4))
    clocks = compute_clocks(facts, HOS, ENG, date(2027, 1, 11))
    ack = _clock(clocks, ClockName.ACKNOWLEDGEMENT)
    s1 = _clock(clocks, ClockName.STAGE1_RESPONSE)
    assert ack.due == date(2027, 1, 5)
    assert ack.state is ClockState.MET
    assert ack.explanation == (
        "Acknowledgement due Tue 5 Jan 2027: 5 working days from receipt on Thu 24 Dec 2026 "
        "(hos-2024); skipped: Christmas Day (Fri 25 Dec 2026), Boxing Day (observed) "
        "(Mon 28 Dec 2026), New Year's Day (Fri 1 Jan 2027)"
    )
    assert s1.due == date(2027, 1, 18)
    assert s1.provisional is False
    assert s1.state is ClockState.RUNNING
    assert s1.working_days_left == 5  # T12 W13 T14 F15 M18
    assert s1.explanation == (
        "Stage 1 response due Mon 18 Jan 2027: 10 working days from the acknowledgement on "
        "Mon 4 Jan 2027 (hos-2024); skipped: none"
    )


# --- receipt on non-working days -------------------------------------------------------------


def test_weekend_receipt() -> None:
    # Sat 10 Jan 2026 counts as received Mon 12 Jan; ack due Mon 19 Jan.
    facts = CaseFacts(C, date(2026, 1, 10))
    ack = _ack(facts, date(2026, 1, 12))
    assert ack.due == date(2026, 1, 19)
    assert ack.working_days_left == 5
    assert ack.explanation == (
        "Acknowledgement due Mon 19 Jan 2026: 5 working days from receipt on Sat 10 Jan 2026, "
        "counted from Mon 12 Jan 2026 (hos-2024); skipped: none"
    )
    # Provisional Stage 1: 10 working days from Mon 19 Jan -> Mon 2 Feb 2026.
    s1 = _s1(facts, date(2026, 1, 12))
    assert (s1.due, s1.provisional) == (date(2026, 2, 2), True)


def test_bank_holiday_receipt() -> None:
    # Received on Good Friday 29 Mar 2024: counts from Tue 2 Apr (Easter Mon 1 Apr);
    # W3 T4 F5 M8 T9 -> ack due Tue 9 Apr 2024.
    facts = CaseFacts(C, date(2024, 3, 29))
    ack = _ack(facts, date(2024, 4, 2))
    assert ack.due == date(2024, 4, 9)
    assert ack.explanation == (
        "Acknowledgement due Tue 9 Apr 2024: 5 working days from receipt on Fri 29 Mar 2024, "
        "counted from Tue 2 Apr 2024 (hos-2024); skipped: Easter Monday (Mon 1 Apr 2024)"
    )


# --- Christmas, Easter and the one-off holidays ----------------------------------------------


@pytest.mark.parametrize(
    ("received", "ack_due", "stage1_provisional_due"),
    [
        # 2022: Fri 23 Dec; M26, T27 (substitute), M2 Jan (substitute) skipped -> W4 Jan 2023;
        # + 10: T5 F6 M9 T10 W11 T12 F13 M16 T17 W18 -> Wed 18 Jan 2023.
        (date(2022, 12, 23), date(2023, 1, 4), date(2023, 1, 18)),
        # 2026: Thu 24 Dec; F25, M28 (Boxing Day observed), F1 Jan skipped -> T5 Jan 2027;
        # + 10 -> Tue 19 Jan 2027.
        (date(2026, 12, 24), date(2027, 1, 5), date(2027, 1, 19)),
        # 2027: Fri 24 Dec; M27, T28 (substitutes), M3 Jan 2028 (substitute) -> W5 Jan 2028;
        # + 10 -> Wed 19 Jan 2028.
        (date(2027, 12, 24), date(2028, 1, 5), date(2028, 1, 19)),
        # Easter 2026: Thu 2 Apr; F3, M6 skipped -> M13 Apr; + 10 -> Mon 27 Apr 2026.
        (date(2026, 4, 2), date(2026, 4, 13), date(2026, 4, 27)),
        # Easter 2025: Wed 16 Apr; F18, M21 skipped -> F25 Apr; + 10: M28 .. F2 May (5), May Day
        # M5 skipped, T6 .. F9 (9), M12 -> Mon 12 May 2025.
        (date(2025, 4, 16), date(2025, 4, 25), date(2025, 5, 12)),
        # Easter 2027: Mon 22 Mar; F26, M29 skipped -> W31 Mar; + 10 -> Wed 14 Apr 2027.
        (date(2027, 3, 22), date(2027, 3, 31), date(2027, 4, 14)),
        # Jubilee 2022: Wed 1 Jun; T2, F3 skipped -> F10 Jun; + 10 -> Fri 24 Jun 2022.
        (date(2022, 6, 1), date(2022, 6, 10), date(2022, 6, 24)),
        # Queen's funeral: Fri 16 Sep 2022; M19 skipped -> M26 Sep; + 10 -> Mon 10 Oct 2022.
        (date(2022, 9, 16), date(2022, 9, 26), date(2022, 10, 10)),
        # Coronation: Fri 28 Apr 2023; M1 May and M8 May skipped -> T9 May; + 10 -> Tue 23 May.
        (date(2023, 4, 28), date(2023, 5, 9), date(2023, 5, 23)),
    ],
)
def test_holiday_periods(received: date, ack_due: date, stage1_provisional_due: date) -> None:
    d = deadlines(CaseFacts(C, received), HOS, ENG, received)
    assert d.ack_due == ack_due
    assert d.stage1_due == stage1_provisional_due
    assert d.stage1_provisional is True
    assert d.stage2_due is None


def test_coronation_explanation_lists_skipped_holidays() -> None:
    ack = _ack(CaseFacts(C, date(2023, 4, 28)), date(2023, 4, 28))
    assert ack.explanation == (
        "Acknowledgement due Tue 9 May 2023: 5 working days from receipt on Fri 28 Apr 2023 "
        "(hos-2024); skipped: May Day (Mon 1 May 2023), Coronation of Charles III (Mon 8 May 2023)"
    )


def test_closure_days() -> None:
    cal = WorkingCalendar(closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    # Thu 24 Dec 2026; everything up to Fri 1 Jan is closed -> M4 T5 W6 T7 F8 Jan 2027.
    ack = _ack(CaseFacts(C, date(2026, 12, 24)), date(2026, 12, 24), cal=cal)
    assert ack.due == date(2027, 1, 8)
    assert ack.explanation.endswith(
        "skipped: Christmas Day (Fri 25 Dec 2026), Boxing Day (observed) (Mon 28 Dec 2026), "
        "closure day (Tue 29 Dec 2026), closure day (Wed 30 Dec 2026), "
        "closure day (Thu 31 Dec 2026), New Year's Day (Fri 1 Jan 2027)"
    )


def test_scottish_case() -> None:
    # Received Wed 31 Dec 2025. Scotland: Thu 1 and Fri 2 Jan 2026 are holidays -> M5 .. F9 Jan.
    facts = CaseFacts(C, date(2025, 12, 31), acknowledged=date(2026, 1, 9))
    sct = deadlines(facts, HOS, SCT, date(2026, 1, 9))
    assert sct.ack_due == date(2026, 1, 9)
    # Stage 1 from Fri 9 Jan: M12 .. F16 (5), M19 .. F23 (10) -> Fri 23 Jan 2026.
    assert sct.stage1_due == date(2026, 1, 23)
    assert _clock(sct.clocks, ClockName.ACKNOWLEDGEMENT).explanation == (
        "Acknowledgement due Fri 9 Jan 2026: 5 working days from receipt on Wed 31 Dec 2025 "
        "(hos-2024); skipped: New Year's Day (Thu 1 Jan 2026), New Year Holiday (Fri 2 Jan 2026)"
    )
    # In England only 1 Jan is a holiday: F2 M5 T6 W7 T8 -> Thu 8 Jan; acknowledged on the
    # 9th is one day late there.
    eng = compute_clocks(facts, HOS, ENG, date(2026, 1, 9))
    assert _clock(eng, ClockName.ACKNOWLEDGEMENT).due == date(2026, 1, 8)
    assert _clock(eng, ClockName.ACKNOWLEDGEMENT).state is ClockState.MET_LATE


def test_scottish_st_andrews_day() -> None:
    # Fri 27 Nov 2026; Mon 30 Nov is St Andrew's Day in Scotland -> T1 W2 T3 F4 M7 Dec.
    facts = CaseFacts(C, date(2026, 11, 27))
    assert deadlines(facts, HOS, SCT, date(2026, 11, 27)).ack_due == date(2026, 12, 7)
    assert deadlines(facts, HOS, ENG, date(2026, 11, 27)).ack_due == date(2026, 12, 4)


# --- acknowledgement and Stage 1 ---------------------------------------------------------------


def test_provisional_stage1_before_ack() -> None:
    # Received Mon 5 Jan 2026: ack due Mon 12 Jan; provisional Stage 1 from Mon 12 Jan + 10
    # -> Mon 26 Jan 2026.
    s1 = _s1(CaseFacts(C, date(2026, 1, 5)), date(2026, 1, 6))
    assert s1.due == date(2026, 1, 26)
    assert s1.provisional is True
    assert s1.state is ClockState.RUNNING
    assert s1.working_days_left == 14  # W7 .. F9 (3), M12 .. F23 (13), M26 (14)
    assert s1.explanation == (
        "Stage 1 response due Mon 26 Jan 2026 (provisional): 10 working days from the latest "
        "acknowledgement date on Mon 12 Jan 2026 (hos-2024); skipped: none"
    )


def test_late_acknowledgement_runs_stage1_from_actual_ack() -> None:
    # Ack due Mon 12 Jan 2026, sent late on Wed 14 Jan. Stage 1 from Wed 14 Jan:
    # T15 F16 (2), M19 .. F23 (7), M26 T27 W28 (10) -> Wed 28 Jan 2026 (not Mon 26 Jan).
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 14))
    clocks = compute_clocks(facts, HOS, ENG, date(2026, 1, 15))
    ack = _clock(clocks, ClockName.ACKNOWLEDGEMENT)
    assert (ack.due, ack.state, ack.working_days_left) == (
        date(2026, 1, 12),
        ClockState.MET_LATE,
        None,
    )
    assert ack.countdown == "met late on Wed 14 Jan 2026"
    s1 = _clock(clocks, ClockName.STAGE1_RESPONSE)
    assert (s1.due, s1.provisional) == (date(2026, 1, 28), False)
    assert s1.working_days_left == 9
    assert s1.explanation == (
        "Stage 1 response due Wed 28 Jan 2026: 10 working days from the acknowledgement on "
        "Wed 14 Jan 2026 (hos-2024); skipped: none"
    )


def test_early_acknowledgement_runs_stage1_from_actual_ack() -> None:
    # Ack sent the day of receipt, Mon 5 Jan 2026 -> Stage 1 due Mon 19 Jan 2026.
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 5))
    assert _s1(facts, date(2026, 1, 5)).due == date(2026, 1, 19)


def test_acknowledgement_on_a_saturday() -> None:
    # Received Fri 9 Jan, acknowledged Sat 10 Jan 2026: Stage 1 counts from Mon 12 Jan
    # -> Mon 26 Jan.
    facts = CaseFacts(C, date(2026, 1, 9), acknowledged=date(2026, 1, 10))
    s1 = _s1(facts, date(2026, 1, 12))
    assert s1.due == date(2026, 1, 26)
    assert s1.explanation == (
        "Stage 1 response due Mon 26 Jan 2026: 10 working days from the acknowledgement on "
        "Sat 10 Jan 2026, counted from Mon 12 Jan 2026 (hos-2024); skipped: none"
    )


# --- extensions --------------------------------------------------------------------------------


def test_cumulative_extensions_within_limit() -> None:
    # Received Mon 5 Jan, ack Wed 7 Jan 2026 -> Stage 1 due Wed 21 Jan (T8 F9, M12-F16, M19 T20
    # W21). Extensions 4 + 6 = 10 from Wed 21 Jan -> Wed 4 Feb 2026.
    exts = (Extension(4, "survey needed", told_on=date(2026, 1, 19)), Extension(6, "contractor"))
    check_extensions(HOS, 1, exts)  # exactly at the limit: allowed
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 7), stage1_extensions=exts)
    s1 = _s1(facts, date(2026, 1, 22))
    assert s1.due == date(2026, 2, 4)
    assert s1.state is ClockState.RUNNING
    assert s1.explanation == (
        "Stage 1 response due Wed 4 Feb 2026: 10 working days from the acknowledgement on "
        "Wed 7 Jan 2026, plus 10 working days of extension (hos-2024); skipped: none"
    )
    # A response on the extended date counts as within timescale.
    met = _s1(
        CaseFacts(
            C,
            date(2026, 1, 5),
            acknowledged=date(2026, 1, 7),
            stage1_extensions=exts,
            stage1_responded=date(2026, 2, 4),
        ),
        date(2026, 2, 10),
    )
    assert met.state is ClockState.MET


def test_single_day_extension_wording() -> None:
    facts = CaseFacts(
        C, date(2026, 1, 5), acknowledged=date(2026, 1, 7), stage1_extensions=(Extension(1),)
    )
    s1 = _s1(facts, date(2026, 1, 7))
    assert s1.due == date(2026, 1, 22)
    assert ", plus 1 working day of extension (hos-2024)" in s1.explanation


def test_extensions_over_limit_need_a_good_reason() -> None:
    exts = (Extension(4), Extension(6), Extension(1))
    with pytest.raises(RuleBroken) as exc:
        check_extensions(HOS, 1, exts)
    assert str(exc.value) == (
        "Stage 1 extensions total 11 working days, over the limit of 10 under hos-2024; "
        "record a good reason to go beyond it"
    )
    good = (Extension(4), Extension(6), Extension(1, "awaiting specialist report", True))
    check_extensions(HOS, 1, good)
    # Wed 21 Jan 2026 + 11 -> Thu 5 Feb 2026.
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 7), stage1_extensions=good)
    assert _s1(facts, date(2026, 1, 7)).due == date(2026, 2, 5)


def test_stage2_extension_limit() -> None:
    check_extensions(HOS, 2, (Extension(20),))
    with pytest.raises(RuleBroken) as exc:
        check_extensions(HOS, 2, (Extension(15), Extension(6)))
    assert str(exc.value) == (
        "Stage 2 extensions total 21 working days, over the limit of 20 under hos-2024; "
        "record a good reason to go beyond it"
    )
    check_extensions(HOS, 2, (Extension(15), Extension(6, good_reason=True)))
    with pytest.raises(RuleBroken) as exc:
        check_extensions(LOCAL, 1, (Extension(11),))
    assert "over the limit of 10 under receipt-based-local" in str(exc.value)


def test_extension_beyond_the_limit_without_good_reason_stops_at_the_limit() -> None:
    # The issue's example (imported history; the app refuses such an extension): acknowledged
    # Tue 2 Sep 2025, 15 WD agreed with no good reason. 10 WD -> Tue 16 Sep, plus the 10 WD
    # limit -> Tue 30 Sep; a response on Fri 3 Oct is late.
    facts = CaseFacts(
        C,
        date(2025, 9, 1),
        acknowledged=date(2025, 9, 2),
        stage1_extensions=(Extension(15),),
        stage1_responded=date(2025, 10, 3),
    )
    s1 = _s1(facts, date(2025, 10, 3))
    assert (s1.due, s1.state) == (date(2025, 9, 30), ClockState.MET_LATE)
    assert counted_extension_days(HOS, 1, facts.stage1_extensions) == 10
    assert s1.explanation == (
        "Stage 1 response due Tue 30 Sep 2025: 10 working days from the acknowledgement on "
        "Tue 2 Sep 2025, plus 10 working days of extension (15 agreed; without a recorded good "
        "reason only the limit counts) (hos-2024); skipped: none"
    )
    # With a good reason the 15 days count in full: due Tue 7 Oct, so Fri 3 Oct is in time.
    good = CaseFacts(
        C,
        date(2025, 9, 1),
        acknowledged=date(2025, 9, 2),
        stage1_extensions=(Extension(15, good_reason=True),),
        stage1_responded=date(2025, 10, 3),
    )
    s1 = _s1(good, date(2025, 10, 3))
    assert (s1.due, s1.state) == (date(2025, 10, 7), ClockState.MET)
    # Stage 2: acknowledged Tue 2 Sep, 20 WD -> Tue 30 Sep, plus the 20 WD limit -> Tue
    # 28 Oct (not Tue 4 Nov for all 25); sent Fri 31 Oct: late.
    two = CaseFacts(
        C,
        date(2025, 8, 4),
        acknowledged=date(2025, 8, 5),
        stage1_responded=date(2025, 8, 11),
        escalated=date(2025, 9, 1),
        stage2_acknowledged=date(2025, 9, 2),
        stage2_extensions=(Extension(25),),
        stage2_responded=date(2025, 10, 31),
    )
    s2 = _clock(compute_clocks(two, HOS, ENG, date(2025, 11, 3)), ClockName.STAGE2_RESPONSE)
    assert (s2.due, s2.state) == (date(2025, 10, 28), ClockState.MET_LATE)


def test_extension_must_be_at_least_a_day() -> None:
    with pytest.raises(RuleBroken) as exc:
        check_extensions(HOS, 1, (Extension(0),))
    assert str(exc.value) == "An extension must be at least 1 working day"


# --- Stage 2 -----------------------------------------------------------------------------------

_S1_DONE = dict(
    kind=C,
    received=date(2026, 1, 5),
    acknowledged=date(2026, 1, 7),
    stage1_responded=date(2026, 1, 19),
)


def test_stage2_provisional() -> None:
    # Escalated Mon 2 Feb 2026: Stage 2 ack due Mon 9 Feb; provisional response 20 working days
    # from Mon 9 Feb -> Mon 9 Mar 2026.
    facts = CaseFacts(**_S1_DONE, escalated=date(2026, 2, 2))  # type: ignore[arg-type]
    d = deadlines(facts, HOS, ENG, date(2026, 2, 3))
    assert d.ack_due == date(2026, 1, 12)
    assert d.stage1_due == date(2026, 1, 21)
    assert d.stage1_provisional is False
    assert d.escalation_window_ends is None
    assert d.stage2_ack_due == date(2026, 2, 9)
    assert d.stage2_due == date(2026, 3, 9)
    assert d.stage2_provisional is True
    s2 = _clock(d.clocks, ClockName.STAGE2_RESPONSE)
    assert s2.explanation == (
        "Stage 2 response due Mon 9 Mar 2026 (provisional): 20 working days from the latest "
        "Stage 2 acknowledgement date on Mon 9 Feb 2026 (hos-2024); skipped: none"
    )
    s2ack = _clock(d.clocks, ClockName.STAGE2_ACKNOWLEDGEMENT)
    assert (s2ack.state, s2ack.working_days_left) == (ClockState.RUNNING, 4)
    assert s2ack.explanation == (
        "Stage 2 acknowledgement due Mon 9 Feb 2026: 5 working days from the escalation request "
        "on Mon 2 Feb 2026 (hos-2024); skipped: none"
    )
    assert [c.name for c in d.clocks] == [
        ClockName.ACKNOWLEDGEMENT,
        ClockName.STAGE1_RESPONSE,
        ClockName.STAGE2_ACKNOWLEDGEMENT,
        ClockName.STAGE2_RESPONSE,
    ]


def test_stage2_from_acknowledgement_with_extension() -> None:
    # Stage 2 acknowledged Wed 4 Feb 2026 -> response 20 working days later, Wed 4 Mar 2026;
    # with 5 days of extension -> Wed 11 Mar 2026.
    base = CaseFacts(
        **_S1_DONE,  # type: ignore[arg-type]
        escalated=date(2026, 2, 2),
        stage2_acknowledged=date(2026, 2, 4),
    )
    d = deadlines(base, HOS, ENG, date(2026, 2, 4))
    assert (d.stage2_due, d.stage2_provisional) == (date(2026, 3, 4), False)
    ext = CaseFacts(
        **_S1_DONE,  # type: ignore[arg-type]
        escalated=date(2026, 2, 2),
        stage2_acknowledged=date(2026, 2, 4),
        stage2_extensions=(Extension(5),),
    )
    d = deadlines(ext, HOS, ENG, date(2026, 2, 4))
    assert d.stage2_due == date(2026, 3, 11)
    assert _clock(d.clocks, ClockName.STAGE2_ACKNOWLEDGEMENT).state is ClockState.MET
    assert _clock(d.clocks, ClockName.STAGE2_RESPONSE).explanation == (
        "Stage 2 response due Wed 11 Mar 2026: 20 working days from the Stage 2 acknowledgement "
        "on Wed 4 Feb 2026, plus 5 working days of extension (hos-2024); skipped: none"
    )


def test_stage2_over_easter() -> None:
    # Escalated Thu 26 Mar 2026; Stage 2 ack due: F27, M30, T31, W1, T2 Apr -> Thu 2 Apr.
    # Response (provisional) 20 from Thu 2 Apr: F3 / M6 skipped; T7 .. F10 (4), 13-17 (9),
    # 20-24 (14), 27 Apr - 1 May (19), May Day M4 skipped, T5 May (20).
    facts = CaseFacts(
        C,
        date(2026, 2, 2),
        acknowledged=date(2026, 2, 3),
        stage1_responded=date(2026, 2, 16),
        escalated=date(2026, 3, 26),
    )
    d = deadlines(facts, LGSCO, ENG, date(2026, 3, 26))
    assert d.stage2_ack_due == date(2026, 4, 2)
    assert d.stage2_due == date(2026, 5, 5)
    assert _clock(d.clocks, ClockName.STAGE2_RESPONSE).explanation == (
        "Stage 2 response due Tue 5 May 2026 (provisional): 20 working days from the latest "
        "Stage 2 acknowledgement date on Thu 2 Apr 2026 (lgsco-2024); skipped: "
        "Good Friday (Fri 3 Apr 2026), Easter Monday (Mon 6 Apr 2026), May Day (Mon 4 May 2026)"
    )


# --- receipt-based-local -----------------------------------------------------------------------


def _local_facts(**kw: object) -> CaseFacts:
    base: dict[str, object] = dict(
        kind=C,
        received=date(2026, 1, 5),
        acknowledged=date(2026, 1, 7),
        stage1_responded=date(2026, 1, 16),
    )
    base.update(kw)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_receipt_based_stage1_counts_from_receipt() -> None:
    # Received Mon 5 Jan 2026: Stage 1 due 10 working days from receipt -> Mon 19 Jan,
    # whatever the acknowledgement date, and never provisional.
    for ack in (None, date(2026, 1, 7), date(2026, 1, 14)):
        facts = CaseFacts(C, date(2026, 1, 5), acknowledged=ack)
        s1 = _s1(facts, date(2026, 1, 6), policy=LOCAL)
        assert (s1.due, s1.provisional) == (date(2026, 1, 19), False)
        assert s1.explanation == (
            "Stage 1 response due Mon 19 Jan 2026: 10 working days from receipt on "
            "Mon 5 Jan 2026 (receipt-based-local); skipped: none"
        )


@pytest.mark.parametrize(
    ("escalated", "today", "state", "left"),
    [
        # Response sent Fri 16 Jan 2026 -> window ends Fri 13 Feb 2026 (28 calendar days).
        (None, date(2026, 2, 9), ClockState.RUNNING, 4),  # T10 W11 T12 F13
        (None, date(2026, 2, 13), ClockState.DUE_TODAY, 0),
        (None, date(2026, 2, 16), ClockState.LAPSED, None),
        (date(2026, 2, 12), date(2026, 2, 16), ClockState.MET, None),
        (date(2026, 2, 13), date(2026, 2, 16), ClockState.MET, None),  # on the last day
        (date(2026, 2, 14), date(2026, 2, 16), ClockState.MET_LATE, None),
    ],
)
def test_escalation_window_states(
    escalated: date | None, today: date, state: ClockState, left: int | None
) -> None:
    clocks = compute_clocks(_local_facts(escalated=escalated), LOCAL, ENG, today)
    w = _clock(clocks, ClockName.ESCALATION_WINDOW)
    assert w.due == date(2026, 2, 13)
    assert w.provisional is False
    assert (w.state, w.working_days_left) == (state, left)
    assert w.explanation == (
        "Escalation window ends Fri 13 Feb 2026: 28 calendar days from the Stage 1 response "
        "sent on Fri 16 Jan 2026 (receipt-based-local)"
    )


def test_escalation_window_countdowns() -> None:
    def countdown(escalated: date | None, today: date) -> str:
        clocks = compute_clocks(_local_facts(escalated=escalated), LOCAL, ENG, today)
        return _clock(clocks, ClockName.ESCALATION_WINDOW).countdown

    assert countdown(None, date(2026, 2, 9)) == "4 working days left"
    assert countdown(None, date(2026, 2, 13)) == "due today"
    assert countdown(None, date(2026, 2, 16)) == "lapsed"
    assert countdown(date(2026, 2, 12), date(2026, 2, 16)) == "met on Thu 12 Feb 2026"
    assert countdown(date(2026, 2, 14), date(2026, 2, 16)) == "met late on Sat 14 Feb 2026"


def test_escalation_window_stopped() -> None:
    facts = _local_facts(stopped_on=date(2026, 1, 20))
    w = _clock(compute_clocks(facts, LOCAL, ENG, date(2026, 2, 20)), ClockName.ESCALATION_WINDOW)
    assert (w.state, w.working_days_left, w.countdown) == (ClockState.STOPPED, None, "stopped")


def test_escalation_window_may_end_on_a_weekend() -> None:
    # Response sent Sat 10 Jan 2026 (calendar days): window ends Sat 7 Feb 2026.
    facts = _local_facts(stage1_responded=date(2026, 1, 10))
    d = deadlines(facts, LOCAL, ENG, date(2026, 1, 12))
    assert d.escalation_window_ends == date(2026, 2, 7)


def test_no_escalation_window_before_response_or_under_the_code() -> None:
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 7))
    assert deadlines(facts, LOCAL, ENG, date(2026, 1, 8)).escalation_window_ends is None
    responded = _local_facts()
    assert deadlines(responded, HOS, ENG, date(2026, 1, 20)).escalation_window_ends is None


def test_receipt_based_stage2() -> None:
    # Escalated Thu 12 Feb 2026: Stage 2 ack due Thu 19 Feb; Stage 2 response 20 working days
    # from the request -> Thu 12 Mar 2026, not provisional even before the Stage 2 ack.
    d = deadlines(_local_facts(escalated=date(2026, 2, 12)), LOCAL, ENG, date(2026, 2, 16))
    assert d.ack_due == date(2026, 1, 12)
    assert d.stage1_due == date(2026, 1, 19)
    assert d.escalation_window_ends == date(2026, 2, 13)
    assert d.stage2_ack_due == date(2026, 2, 19)
    assert (d.stage2_due, d.stage2_provisional) == (date(2026, 3, 12), False)
    s2 = _clock(d.clocks, ClockName.STAGE2_RESPONSE)
    assert s2.working_days_left == 18  # T17 .. F20 (4), 23-27 (9), 2-6 Mar (14), 9-12 (18)
    assert s2.explanation == (
        "Stage 2 response due Thu 12 Mar 2026: 20 working days from the escalation request on "
        "Thu 12 Feb 2026 (receipt-based-local); skipped: none"
    )
    # A later Stage 2 acknowledgement does not move it.
    d2 = deadlines(
        _local_facts(escalated=date(2026, 2, 12), stage2_acknowledged=date(2026, 2, 25)),
        LOCAL,
        ENG,
        date(2026, 2, 25),
    )
    assert d2.stage2_due == date(2026, 3, 12)
    assert _clock(d2.clocks, ClockName.STAGE2_ACKNOWLEDGEMENT).state is ClockState.MET_LATE


def test_shipped_policies_agree_on_the_code_timescales() -> None:
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 8))
    # From the ack Thu 8 Jan: F9, M12 .. F16, M19 .. T22 -> Thu 22 Jan 2026.
    assert deadlines(facts, HOS, ENG, date(2026, 1, 8)).stage1_due == date(2026, 1, 22)
    assert deadlines(facts, LGSCO, ENG, date(2026, 1, 8)).stage1_due == date(2026, 1, 22)
    # From receipt Mon 5 Jan -> Mon 19 Jan.
    assert deadlines(facts, LOCAL, ENG, date(2026, 1, 8)).stage1_due == date(2026, 1, 19)


# --- other records ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "due", "label"),
    [
        # Received Mon 5 Jan 2026: 10 working days -> Mon 19 Jan; 5 -> Mon 12 Jan.
        (RecordKind.MP_ENQUIRY, ClockName.ENQUIRY_REPLY, date(2026, 1, 19), "Enquiry reply"),
        (
            RecordKind.COUNCILLOR_ENQUIRY,
            ClockName.ENQUIRY_REPLY,
            date(2026, 1, 19),
            "Enquiry reply",
        ),
        (RecordKind.COMPLIMENT, ClockName.PASS_ON, date(2026, 1, 12), "Passing on"),
        (RecordKind.COMMENT, ClockName.PASS_ON, date(2026, 1, 12), "Passing on"),
    ],
)
def test_other_record_clocks(kind: RecordKind, name: ClockName, due: date, label: str) -> None:
    facts = CaseFacts(kind, date(2026, 1, 5))
    d = deadlines(facts, HOS, ENG, date(2026, 1, 7))
    assert len(d.clocks) == 1
    c = d.clocks[0]
    assert (c.name, c.due, c.provisional, c.state) == (name, due, False, ClockState.RUNNING)
    days = 10 if name is ClockName.ENQUIRY_REPLY else 5
    assert c.explanation == (
        f"{label} due {c.due:%a} {c.due.day} Jan 2026: {days} working days from receipt on "
        "Mon 5 Jan 2026 (hos-2024); skipped: none"
    )
    assert d.ack_due is None and d.stage1_due is None and d.stage2_due is None
    replied = CaseFacts(kind, date(2026, 1, 5), replied=due)
    assert deadlines(replied, HOS, ENG, date(2026, 2, 1)).clocks[0].state is ClockState.MET


def test_enquiry_over_easter() -> None:
    # MP enquiry received Wed 1 Apr 2026: T2 (1), F3/M6 skipped, T7 .. F10 (5), M13 .. W15 (8),
    # T16 (9), F17 (10) -> Fri 17 Apr 2026.
    c = compute_clocks(
        CaseFacts(RecordKind.MP_ENQUIRY, date(2026, 4, 1)), HOS, ENG, date(2026, 4, 1)
    )
    assert c[0].due == date(2026, 4, 17)


def test_service_request_has_no_clocks() -> None:
    facts = CaseFacts(RecordKind.SERVICE_REQUEST, date(2026, 1, 5))
    assert compute_clocks(facts, HOS, ENG, date(2026, 1, 5)) == []
    d = deadlines(facts, HOS, ENG, date(2026, 1, 5))
    assert d.as_json() == {
        "ack_due": None,
        "stage1_due": None,
        "stage1_provisional": False,
        "escalation_window_ends": None,
        "stage2_ack_due": None,
        "stage2_due": None,
        "stage2_provisional": False,
        "clocks": [],
    }


# --- states and countdowns -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("acknowledged", "stopped", "today", "state", "left", "countdown"),
    [
        # Received Mon 5 Jan 2026 -> ack due Mon 12 Jan 2026.
        (None, None, date(2026, 1, 7), ClockState.RUNNING, 3, "3 working days left"),  # T8 F9 M12
        (None, None, date(2026, 1, 9), ClockState.RUNNING, 1, "1 working day left"),
        (None, None, date(2026, 1, 10), ClockState.RUNNING, 1, "1 working day left"),  # Sat
        (None, None, date(2026, 1, 12), ClockState.DUE_TODAY, 0, "due today"),
        (None, None, date(2026, 1, 13), ClockState.OVERDUE, -1, "1 working day overdue"),
        (None, None, date(2026, 1, 14), ClockState.OVERDUE, -2, "2 working days overdue"),
        (
            None,
            None,
            date(2026, 1, 17),
            ClockState.OVERDUE,
            -4,
            "4 working days overdue",
        ),  # Sat 17 Jan: T13 W14 T15 F16 have passed
        (
            date(2026, 1, 12),
            None,
            date(2026, 1, 20),
            ClockState.MET,
            None,
            "met on Mon 12 Jan 2026",
        ),
        (date(2026, 1, 6), None, date(2026, 1, 6), ClockState.MET, None, "met on Tue 6 Jan 2026"),
        (
            date(2026, 1, 13),
            None,
            date(2026, 1, 20),
            ClockState.MET_LATE,
            None,
            "met late on Tue 13 Jan 2026",
        ),
        (None, date(2026, 1, 8), date(2026, 1, 20), ClockState.STOPPED, None, "stopped"),
    ],
)
def test_states_and_countdowns(
    acknowledged: date | None,
    stopped: date | None,
    today: date,
    state: ClockState,
    left: int | None,
    countdown: str,
) -> None:
    facts = CaseFacts(C, date(2026, 1, 5), acknowledged=acknowledged, stopped_on=stopped)
    ack = _ack(facts, today)
    assert ack.due == date(2026, 1, 12)
    assert (ack.state, ack.working_days_left, ack.countdown) == (state, left, countdown)


def test_overdue_since_on_non_working_day_after_due() -> None:
    # Received Fri 27 Mar 2020: M30 T31 W1 T2 F3 -> ack due Fri 3 Apr 2020 (Good Friday 2020
    # was 10 Apr). On Sat 4 and Sun 5 Apr no working day has passed since the due date.
    facts = CaseFacts(C, date(2020, 3, 27))
    for today in (date(2020, 4, 4), date(2020, 4, 5)):
        ack = _ack(facts, today)
        assert ack.due == date(2020, 4, 3)
        assert (ack.state, ack.working_days_left) == (ClockState.OVERDUE, 0)
        assert ack.countdown == "overdue since Fri 3 Apr"
    assert _ack(facts, date(2020, 4, 6)).countdown == "1 working day overdue"


def test_overdue_since_over_a_bank_holiday() -> None:
    # Received Thu 26 Mar 2026: F27 M30 T31 W1 T2 -> ack due Thu 2 Apr 2026. Good Friday,
    # the weekend and Easter Monday follow: still "overdue since Thu 2 Apr" until Tue 7 Apr.
    facts = CaseFacts(C, date(2026, 3, 26))
    for today in (date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 6)):
        assert _ack(facts, today).countdown == "overdue since Thu 2 Apr"
    assert _ack(facts, date(2026, 4, 7)).countdown == "1 working day overdue"


def test_stopped_case_stops_every_live_clock() -> None:
    facts = CaseFacts(
        C, date(2026, 1, 5), acknowledged=date(2026, 1, 6), stopped_on=date(2026, 1, 9)
    )
    clocks = compute_clocks(facts, HOS, ENG, date(2026, 2, 1))
    assert [(c.name, c.state) for c in clocks] == [
        (ClockName.ACKNOWLEDGEMENT, ClockState.MET),
        (ClockName.STAGE1_RESPONSE, ClockState.STOPPED),
    ]
    assert next_deadline(clocks) is None


def test_stop_before_escalation_does_not_stop_stage2() -> None:
    facts = CaseFacts(**_S1_DONE, escalated=date(2026, 2, 2), stopped_on=date(2026, 1, 20))  # type: ignore[arg-type]
    clocks = compute_clocks(facts, HOS, ENG, date(2026, 2, 3))
    assert _clock(clocks, ClockName.STAGE2_ACKNOWLEDGEMENT).state is ClockState.RUNNING
    withdrawn = CaseFacts(**_S1_DONE, escalated=date(2026, 2, 2), stopped_on=date(2026, 2, 3))  # type: ignore[arg-type]
    clocks = compute_clocks(withdrawn, HOS, ENG, date(2026, 2, 4))
    assert _clock(clocks, ClockName.STAGE2_ACKNOWLEDGEMENT).state is ClockState.STOPPED
    assert _clock(clocks, ClockName.STAGE2_RESPONSE).state is ClockState.STOPPED


def test_next_deadline_is_the_earliest_live_clock() -> None:
    clocks = compute_clocks(CaseFacts(C, date(2026, 1, 5)), HOS, ENG, date(2026, 1, 6))
    nxt = next_deadline(clocks)
    assert nxt is not None
    assert (nxt.name, nxt.due) == (ClockName.ACKNOWLEDGEMENT, date(2026, 1, 12))
    clocks = compute_clocks(
        CaseFacts(C, date(2026, 1, 5), acknowledged=date(2026, 1, 6)), HOS, ENG, date(2026, 1, 6)
    )
    nxt = next_deadline(clocks)
    assert nxt is not None
    assert (nxt.name, nxt.due) == (ClockName.STAGE1_RESPONSE, date(2026, 1, 20))


def test_clock_as_json_and_labels() -> None:
    ack = _ack(CaseFacts(C, date(2026, 1, 5)), date(2026, 1, 7))
    assert ack.label == "Acknowledgement"
    assert ack.as_json() == {
        "name": "acknowledgement",
        "due": "2026-01-12",
        "provisional": False,
        "state": "running",
        "working_days_left": 3,
        "explanation": "Acknowledgement due Mon 12 Jan 2026: 5 working days from receipt on "
        "Mon 5 Jan 2026 (hos-2024); skipped: none",
    }
    assert [n.label for n in ClockName] == [
        "Acknowledgement",
        "Stage 1 response",
        "Escalation window",
        "Stage 2 acknowledgement",
        "Stage 2 response",
        "Enquiry reply",
        "Passing on",
    ]
    assert [s for s in ClockState if s.is_live] == [
        ClockState.RUNNING,
        ClockState.DUE_TODAY,
        ClockState.OVERDUE,
    ]


# --- sequence checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            dict(acknowledged=date(2026, 1, 2)),
            "The acknowledgement (Fri 2 Jan 2026) cannot be before the date received "
            "(Mon 5 Jan 2026)",
        ),
        (
            dict(stage1_responded=date(2026, 1, 9)),
            "A Stage 1 response cannot be recorded before the complaint is acknowledged",
        ),
        (
            dict(acknowledged=date(2026, 1, 7), stage1_responded=date(2026, 1, 6)),
            "The Stage 1 response (Tue 6 Jan 2026) cannot be before the acknowledgement "
            "(Wed 7 Jan 2026)",
        ),
        (
            dict(acknowledged=date(2026, 1, 7), escalated=date(2026, 2, 2)),
            "Stage 2 can only be requested after the Stage 1 response has been sent",
        ),
        (
            dict(
                acknowledged=date(2026, 1, 7),
                stage1_responded=date(2026, 1, 19),
                escalated=date(2026, 1, 16),
            ),
            "The Stage 2 request (Fri 16 Jan 2026) cannot be before the Stage 1 response "
            "(Mon 19 Jan 2026)",
        ),
        (
            dict(
                acknowledged=date(2026, 1, 7),
                stage1_responded=date(2026, 1, 19),
                escalated=date(2026, 2, 2),
                stage2_acknowledged=date(2026, 1, 30),
            ),
            "The Stage 2 acknowledgement (Fri 30 Jan 2026) cannot be before the Stage 2 request "
            "(Mon 2 Feb 2026)",
        ),
        (
            dict(
                acknowledged=date(2026, 1, 7),
                stage1_responded=date(2026, 1, 19),
                escalated=date(2026, 2, 2),
                stage2_responded=date(2026, 2, 20),
            ),
            "A Stage 2 response cannot be recorded before Stage 2 is acknowledged",
        ),
    ],
)
def test_check_sequence(kw: dict[str, date], message: str) -> None:
    facts = CaseFacts(C, date(2026, 1, 5), **kw)  # type: ignore[arg-type]
    with pytest.raises(RuleBroken) as exc:
        check_sequence(facts)
    assert str(exc.value) == message


def test_check_sequence_historical_allows_missing_acks() -> None:
    facts = CaseFacts(
        C,
        date(2026, 1, 5),
        stage1_responded=date(2026, 1, 19),
        escalated=date(2026, 2, 2),
        stage2_responded=date(2026, 3, 2),
    )
    check_sequence(facts, historical=True)
    check_sequence(
        CaseFacts(
            C,
            date(2026, 1, 5),
            acknowledged=date(2026, 1, 5),
            stage1_responded=date(2026, 1, 5),
            escalated=date(2026, 1, 5),
            stage2_acknowledged=date(2026, 1, 5),
            stage2_responded=date(2026, 1, 5),
        )
    )

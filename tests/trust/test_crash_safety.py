"""Killing a saving process at random moments loses nothing reported saved."""

from __future__ import annotations

import os

import pytest
from crash_soak import run_trials, summary

# Enough trials that every kind of save (record, note, acknowledgement, extension) is
# among those reported and killed around; the soak runs 1,000.
TRIALS = int(os.environ.get("CASEWORKER_CRASH_TRIALS", "40"))


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_reported_save() -> None:
    totals = run_trials(TRIALS, seed=20260601)
    print(summary(totals, 0))
    assert totals.problems == []
    assert (totals.trials, totals.lost, totals.half_written) == (TRIALS, 0, 0)
    assert (totals.integrity_failures, totals.chain_failures) == (0, 0)
    # The trials really did save (and so were killed among saves, not before them).
    assert totals.saves >= TRIALS // 2
    assert totals.notes > 0 and totals.acknowledgements > 0 and totals.extensions > 0

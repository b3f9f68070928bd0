"""Guards of the complaints process: which dates may follow which, and extension limits."""

from __future__ import annotations

from datetime import date

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import CaseFacts, Extension, counted_extension_days
from caseworker.domain.errors import RuleBroken
from caseworker.domain.policy import Policy


def _not_before(
    later: date | None, later_what: str, earlier: date | None, earlier_what: str
) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise RuleBroken(
            f"{later_what} ({format_day(later)}) cannot be before {earlier_what} "
            f"({format_day(earlier)})"
        )


def check_sequence(facts: CaseFacts, *, historical: bool = False) -> None:
    """Refuse impossible sequences of dates, naming the rule.

    Args:
        facts: the case's dates.
        historical: imported history is checked for consistency only (a response
            with no recorded acknowledgement is allowed; order still matters).
    """
    _not_before(facts.acknowledged, "The acknowledgement", facts.received, "the date received")
    if facts.stage1_responded is not None and facts.acknowledged is None and not historical:
        raise RuleBroken(
            "A Stage 1 response cannot be recorded before the complaint is acknowledged"
        )
    _not_before(
        facts.stage1_responded, "The Stage 1 response", facts.acknowledged, "the acknowledgement"
    )
    _not_before(facts.stage1_responded, "The Stage 1 response", facts.received, "the date received")
    if facts.escalated is not None and facts.stage1_responded is None:
        raise RuleBroken("Stage 2 can only be requested after the Stage 1 response has been sent")
    _not_before(
        facts.escalated, "The Stage 2 request", facts.stage1_responded, "the Stage 1 response"
    )
    if facts.stage2_acknowledged is not None and facts.escalated is None:
        raise RuleBroken("Stage 2 cannot be acknowledged before Stage 2 has been requested")
    _not_before(
        facts.stage2_acknowledged,
        "The Stage 2 acknowledgement",
        facts.escalated,
        "the Stage 2 request",
    )
    if facts.stage2_responded is not None and facts.stage2_acknowledged is None and not historical:
        raise RuleBroken("A Stage 2 response cannot be recorded before Stage 2 is acknowledged")
    if facts.stage2_responded is not None and facts.escalated is None:
        raise RuleBroken("A Stage 2 response needs a Stage 2 request first")
    _not_before(
        facts.stage2_responded,
        "The Stage 2 response",
        facts.stage2_acknowledged,
        "the Stage 2 acknowledgement",
    )
    _not_before(
        facts.stage2_responded, "The Stage 2 response", facts.escalated, "the Stage 2 request"
    )


def check_extensions(policy: Policy, stage: int, extensions: tuple[Extension, ...]) -> None:
    """Refuse extensions whose total passes the policy's limit without a recorded good reason."""
    for ext in extensions:
        if ext.days < 1:
            raise RuleBroken("An extension must be at least 1 working day")
    total = sum(e.days for e in extensions)
    limit = policy.extension_limit(stage)
    if counted_extension_days(policy, stage, extensions) < total:
        raise RuleBroken(
            f"Stage {stage} extensions total {total} working days, over the limit of {limit} "
            f"under {policy.label}; record a good reason to go beyond it"
        )

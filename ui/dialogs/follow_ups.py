"""Dialogs for what follows a response: remedies, outstanding actions, updates, the Ombudsman."""

from __future__ import annotations

from datetime import date

from caseworker.domain.calendar import format_day
from caseworker.domain.vocab import RemedyKind, Status
from caseworker.services import ending, followups
from caseworker.services.case_view import ActionView, CaseDetail, RemedyView
from ui.context import AppContext
from ui.dialogs.base import Field, Submit, case_call
from ui.labels import label_of

ACTIONS = (
    "add-remedy",
    "complete-remedy",
    "add-action",
    "complete-action",
    "agree-update-interval",
)
_WAITING = (Status.STAGE_1.value, Status.STAGE_2.value)  # a response is being written


def _due(d: object) -> str:
    return f", due {format_day(d)}" if isinstance(d, date) else ""


def open_remedies(detail: CaseDetail) -> tuple[RemedyView, ...]:
    return tuple(r for r in detail.remedies if r.done is None)


def open_actions(detail: CaseDetail) -> tuple[ActionView, ...]:
    return tuple(a for a in detail.actions if a.done is None)


def fields_for(
    action: str, context: AppContext, detail: CaseDetail
) -> tuple[list[Field], Submit, str]:
    """The fields, service call and introduction of one of these dialogs."""
    if action == "add-remedy":
        return (
            [
                Field("kind", "&Kind of remedy", "vocab", vocab=RemedyKind),
                Field("description", "&What is offered", "long"),
                Field("amount_offered", "&Amount offered (financial remedies)", "money"),
                Field("due", "&Due by", "optional-date"),
            ],
            case_call(followups.add_remedy, context, detail),
            "A remedy offered after the response, tracked until it is done.",
        )
    if action == "complete-remedy":
        remedies = tuple(
            (f"{label_of(RemedyKind, r.kind)}: {r.description}{_due(r.due)}", r.id)
            for r in open_remedies(detail)
        )
        return (
            [
                Field("remedy", "&Remedy", "choice", remedies),
                Field("done", "&Done on", "date"),
                Field("amount_paid", "Amount &paid (financial remedies)", "money"),
            ],
            case_call(followups.complete_remedy, context, detail, target="remedy"),
            "",
        )
    if action == "add-action":
        return (
            [
                Field("description", "&What still has to be done", "long"),
                Field("due", "&Due by", "optional-date"),
            ],
            case_call(followups.add_action, context, detail, dated=False),
            "An outstanding action promised in the response, tracked after it until done.",
        )
    if action == "complete-action":
        actions = tuple((f"{a.description}{_due(a.due)}", a.id) for a in open_actions(detail))
        return (
            [
                Field("action", "&Action", "choice", actions),
                Field("done", "&Done on", "date"),
            ],
            case_call(followups.complete_action, context, detail, target="action"),
            "",
        )
    if action == "agree-update-interval":
        return (
            [
                Field(
                    "every_working_days",
                    "&Update the resident every (working days)",
                    "int",
                    default=5,
                    extra={"min": 1, "max": 60},
                )
            ],
            case_call(followups.agree_update_interval, context, detail, dated=False),
            "Where a response will be late, or actions are still outstanding, agree with the "
            "resident how often they will hear from us.",
        )
    if action == "record-determination":
        referred = detail.ombudsman_referred_on
        return (
            [
                Field("determined_on", "&Determined on", "date"),
                Field("determination", "What the Ombudsman &decided", "long"),
            ],
            case_call(ending.record_determination, context, detail),
            f"Referred to the Ombudsman on {format_day(referred)}." if referred else "",
        )
    raise KeyError(action)

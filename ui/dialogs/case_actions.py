"""Every action on a case: its menu label, shortcut and dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from caseworker.domain.vocab import Channel, ExclusionReason
from caseworker.services import ending, permissions, records, stages
from caseworker.services.actor import Actor
from caseworker.services.case_view import CaseDetail
from caseworker.services.quick_reads import staff_names
from caseworker.services.ui_reads import ACTIONS, TABLE_NAMES, available_actions
from ui.context import AppContext
from ui.dialogs import follow_ups, representatives
from ui.dialogs.base import ActionDialog, Field, FieldsDialog, case_call
from ui.dialogs.extend import ExtendDialog
from ui.dialogs.respond import RespondDialog


@dataclass(frozen=True)
class ActionSpec:
    label: str
    shortcut: str
    tip: str


SPECS: dict[str, ActionSpec] = {
    "acknowledge": ActionSpec(
        "&Acknowledge…", "Ctrl+Shift+A", "Acknowledge at Stage 1 with the complaint definition"
    ),
    "extend": ActionSpec("&Extend…", "Ctrl+Shift+E", "Agree more time for the response"),
    "respond": ActionSpec("Record Stage 1 &response…", "Ctrl+Shift+R", "Stage 1 response sent"),
    "escalate": ActionSpec(
        "Escalate to Stage &2…", "Ctrl+Shift+2", "The resident asked for Stage 2"
    ),
    "acknowledge-stage-2": ActionSpec(
        "Ac&knowledge Stage 2…", "Ctrl+Shift+K", "Acknowledge the Stage 2 request"
    ),
    "respond-stage-2": ActionSpec(
        "Record Stage 2 &final response…", "Ctrl+Shift+F", "Stage 2 final response sent"
    ),
    "refuse": ActionSpec(
        "Re&fuse as a complaint…", "Ctrl+Shift+U", "Not taken as a complaint, for a reason"
    ),
    "refuse-escalation": ActionSpec(
        "Refuse the escala&tion…", "Ctrl+Shift+X", "Refuse Stage 2 for a valid reason"
    ),
    "pass-on": ActionSpec("&Pass on…", "Ctrl+Shift+P", "Pass a compliment or comment on"),
    "reply-enquiry": ActionSpec("Reply to the en&quiry…", "Ctrl+Shift+Y", "MP or councillor"),
    "close": ActionSpec("&Close…", "Ctrl+Shift+C", "Close the case"),
    "withdraw": ActionSpec("&Withdraw…", "Ctrl+Shift+W", "The resident withdrew it"),
    "reopen": ActionSpec("Re&open…", "Ctrl+Shift+O", "Reopen a closed case"),
    "refer-to-ombudsman": ActionSpec(
        "Refer to the O&mbudsman…", "Ctrl+Shift+M", "The resident went to the Ombudsman"
    ),
    "correct-fact": ActionSpec("Correct a fact…", "Ctrl+Shift+T", "Correct a recorded fact"),
    "record-learning": ActionSpec(
        "Record &learning…", "Ctrl+Shift+L", "A service improvement from this case"
    ),
    "link-case": ActionSpec("L&ink another case…", "Ctrl+Shift+I", "Same issue as another case"),
    "add-note": ActionSpec("Add a &note…", "Ctrl+Shift+N", "A note on the case"),
    "record-determination": ActionSpec(
        "Record the Ombudsman's determination…", "Ctrl+Alt+O", "What the Ombudsman decided"
    ),
    "make-letter": ActionSpec(
        "Make a letter…", "Ctrl+L", "Make a letter from the case, then print it or mark it sent"
    ),
    "add-representative": ActionSpec(
        "Add a representative…", "Ctrl+Shift+J", "Someone acting for the resident"
    ),
    "record-authorisation": ActionSpec(
        "Record an authorisation…", "Ctrl+Shift+H", "The resident authorised a representative"
    ),
    "revoke-authorisation": ActionSpec(
        "Revoke an authorisation…", "Ctrl+Shift+V", "A representative may no longer be told"
    ),
    "add-remedy": ActionSpec(
        "Add a remedy…", "Ctrl+Shift+G", "A remedy offered after the response"
    ),
    "complete-remedy": ActionSpec(
        "Complete a remedy…", "Ctrl+Shift+S", "A remedy has been done (or paid)"
    ),
    "add-action": ActionSpec(
        "Add an outstanding action…", "Ctrl+Shift+Q", "An action promised in the response"
    ),
    "complete-action": ActionSpec(
        "Complete an outstanding action…", "Ctrl+Shift+Z", "An outstanding action has been done"
    ),
    "agree-update-interval": ActionSpec(
        "Agree how often to update…", "Ctrl+Alt+U", "How often the resident hears from us"
    ),
}
# The steps of the process, offered as buttons under "Next steps" when allowed.
STEP_ACTIONS: tuple[str, ...] = (*ACTIONS, "record-determination")


def allowed_actions(detail: CaseDetail, actor: Actor) -> frozenset[str]:
    """The actions the process allows on the case now and the actor's role permits.

    The services refuse the rest too; this only decides what is enabled.
    """
    process = available_actions(detail) - representatives.unavailable(detail)
    return frozenset(a for a in process if permissions.allowed(actor, TABLE_NAMES.get(a, a)))


_CORRECTABLE_LABELS: tuple[tuple[str, object], ...] = tuple(
    (
        key.replace("_", " ")
        .replace("stage1", "Stage 1")
        .replace("stage2", "Stage 2")
        .capitalize(),
        key,
    )
    for key in ending.CORRECTABLE
)


def make_dialog(
    action: str, context: AppContext, detail: CaseDetail, parent: QWidget | None = None
) -> ActionDialog:
    """The dialog for ``action`` on ``detail``'s case (the caller runs it)."""
    if action == "extend":
        return ExtendDialog(context, detail, parent)
    if action == "respond":
        return RespondDialog(context, detail, 1, parent)
    if action == "respond-stage-2":
        return RespondDialog(context, detail, 2, parent)
    if action in representatives.ACTIONS:
        fields, submit, intro = representatives.fields_for(action, context, detail)
    elif action in (*follow_ups.ACTIONS, "record-determination"):
        fields, submit, intro = follow_ups.fields_for(action, context, detail)
    else:
        fields, submit, intro = _simple(action, context, detail)
    return FieldsDialog(
        context, SPECS[action].label.replace("&", ""), fields, submit, intro, parent
    )


def _simple(action: str, context: AppContext, detail: CaseDetail) -> tuple[list[Field], Any, str]:
    ref, actor = detail.reference, context.actor
    common: dict[str, Any] = {"expected_version": detail.version}
    today = context.today()
    staff = tuple((n, n) for n in context.read(staff_names))

    if action == "acknowledge":
        points = "\n".join(p.text for p in detail.points)

        def ack(session: Session, v: dict[str, Any]) -> Any:
            definition = stages.Definition(
                points=tuple(line for line in v["points"].splitlines() if line.strip()),
                outcomes_sought=v["outcomes_sought"],
                responsible_for=v["responsible_for"],
                not_responsible_for=v["not_responsible_for"],
            )
            return stages.acknowledge(
                session,
                actor,
                ref,
                acknowledged=v["acknowledged"],
                definition=definition,
                handler=v["handler"],
                **common,
                today=today,
            )

        return (
            [
                Field("acknowledged", "Acknowledged &on", "date"),
                Field(
                    "handler",
                    "&Handler",
                    "choice",
                    staff,
                    editable=True,
                    default=detail.stage1_handler or "",
                ),
                Field("points", "&Points of the complaint (one a line)", "long", default=points),
                Field(
                    "outcomes_sought",
                    "&Outcomes sought",
                    "long",
                    default=detail.outcomes_sought or detail.desired_outcome,
                ),
                Field(
                    "responsible_for",
                    "We are responsible for",
                    "long",
                    default=detail.responsible_for,
                ),
                Field(
                    "not_responsible_for",
                    "We are &not responsible for",
                    "long",
                    default=detail.not_responsible_for,
                ),
            ],
            ack,
            "Define the complaint: our understanding of each point and the outcomes sought. "
            "The Stage 1 response clock starts from this acknowledgement.",
        )
    if action == "escalate":
        return (
            [
                Field("requested_on", "Stage 2 &requested on", "date"),
                Field("reason", "Reason given (optional)", "long"),
            ],
            case_call(stages.escalate, context, detail),
            "The resident does not need to give a reason for asking for Stage 2.",
        )
    if action == "acknowledge-stage-2":
        return (
            [
                Field("acknowledged", "Acknowledged &on", "date"),
                Field("handler", "Stage 2 &handler", "choice", staff, editable=True),
            ],
            case_call(stages.acknowledge_stage2, context, detail),
            f"The Stage 2 handler must not be the Stage 1 handler"
            f"{', ' + detail.stage1_handler if detail.stage1_handler else ''}.",
        )
    if action == "refuse":
        return (
            [
                Field("refused_on", "Refused &on", "date"),
                Field("reason", "E&xclusion reason", "vocab", vocab=ExclusionReason),
                Field("explanation", "&Explanation (goes in the letter)", "long"),
            ],
            case_call(ending.refuse, context, detail),
            "A refusal needs its own reason; the letter tells the resident they can ask the "
            "Ombudsman.",
        )
    if action == "refuse-escalation":
        return (
            [Field("refused_on", "Refused &on", "date"), Field("reason", "&Reason", "long")],
            case_call(stages.refuse_escalation, context, detail),
            "An escalation can only be refused for a valid, recorded reason.",
        )
    if action == "withdraw":
        return (
            [Field("withdrawn_on", "Withdrawn &on", "date"), Field("reason", "&Reason", "long")],
            case_call(ending.withdraw, context, detail),
            "",
        )
    if action == "close":
        return (
            [Field("closed_on", "Closed &on", "date")],
            case_call(ending.close, context, detail),
            "",
        )
    if action == "pass-on":
        return (
            [Field("passed_on", "Passed on &on", "date"), Field("to", "Passed &to", "text")],
            case_call(ending.pass_on, context, detail),
            "",
        )
    if action == "reply-enquiry":
        return (
            [Field("replied_on", "Replied &on", "date"), Field("reply", "&Reply", "long")],
            case_call(ending.reply_enquiry, context, detail),
            "",
        )
    if action == "refer-to-ombudsman":
        return (
            [Field("referred_on", "Referred &on", "date")],
            case_call(ending.refer_to_ombudsman, context, detail),
            f"This case goes to the {detail.ombudsman.replace('-', ' ')}.",
        )
    if action == "correct-fact":
        return (
            [
                Field("field", "&Fact", "choice", _CORRECTABLE_LABELS),
                Field("value", "&New value", "text"),
                Field("reason", "&Reason for the correction", "long"),
            ],
            case_call(ending.correct_fact, context, detail),
            "Dates as DD/MM/YYYY; channels: " + ", ".join(c.label for c in Channel) + ".",
        )
    if action == "record-learning":
        return (
            [
                Field("description", "What was &learned", "long"),
                Field("improvement", "Service &improvement", "long"),
            ],
            case_call(records.record_learning, context, detail),
            "",
        )

    if action == "reopen":
        return (
            [Field("reason", "&Reason for reopening", "long")],
            case_call(ending.reopen, context, detail, dated=False),
            "",
        )
    if action == "add-note":
        return (
            [Field("text", "&Note", "long")],
            case_call(records.add_note, context, detail, dated=False),
            "",
        )
    if action == "link-case":
        return (
            [Field("other", "&Other case reference", "text"), Field("reason", "&Why", "text")],
            case_call(records.link_cases, context, detail, dated=False, target="other"),
            "Link an earlier complaint about the same issue instead of duplicating it.",
        )
    raise KeyError(action)

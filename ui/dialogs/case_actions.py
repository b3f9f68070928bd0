"""Every action on a case: its menu label, shortcut and dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from caseworker.domain.vocab import Channel, ExclusionReason
from caseworker.services import ending, records, stages
from caseworker.services.case_view import CaseDetail
from caseworker.services.ui_reads import staff_names
from ui.context import AppContext
from ui.dialogs.base import ActionDialog, Field, FieldsDialog
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
}

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
    fields, submit, intro = _simple(action, context, detail)
    return FieldsDialog(
        context, SPECS[action].label.replace("&", ""), fields, submit, intro, parent
    )


def _simple(action: str, context: AppContext, detail: CaseDetail) -> tuple[list[Field], Any, str]:
    ref, actor = detail.reference, context.actor
    common: dict[str, Any] = {"expected_version": detail.version}
    today = context.today()
    staff = tuple((n, n) for n in context.read(staff_names))

    def dated(fn: Any, date_key: str, **extra: Any) -> Any:
        def run(session: Session, v: dict[str, Any]) -> Any:
            kwargs = {k: v[k] for k in v}
            return fn(session, actor, ref, **kwargs, **extra, **common, today=today)

        return run

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
            dated(stages.escalate, "requested_on"),
            "The resident does not need to give a reason for asking for Stage 2.",
        )
    if action == "acknowledge-stage-2":
        return (
            [
                Field("acknowledged", "Acknowledged &on", "date"),
                Field("handler", "Stage 2 &handler", "choice", staff, editable=True),
            ],
            dated(stages.acknowledge_stage2, "acknowledged"),
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
            dated(ending.refuse, "refused_on"),
            "A refusal needs its own reason; the letter tells the resident they can ask the "
            "Ombudsman.",
        )
    if action == "refuse-escalation":
        return (
            [Field("refused_on", "Refused &on", "date"), Field("reason", "&Reason", "long")],
            dated(stages.refuse_escalation, "refused_on"),
            "An escalation can only be refused for a valid, recorded reason.",
        )
    if action == "withdraw":
        return (
            [Field("withdrawn_on", "Withdrawn &on", "date"), Field("reason", "&Reason", "long")],
            dated(ending.withdraw, "withdrawn_on"),
            "",
        )
    if action == "close":
        return ([Field("closed_on", "Closed &on", "date")], dated(ending.close, "closed_on"), "")
    if action == "pass-on":
        return (
            [Field("passed_on", "Passed on &on", "date"), Field("to", "Passed &to", "text")],
            dated(ending.pass_on, "passed_on"),
            "",
        )
    if action == "reply-enquiry":
        return (
            [Field("replied_on", "Replied &on", "date"), Field("reply", "&Reply", "long")],
            dated(ending.reply_enquiry, "replied_on"),
            "",
        )
    if action == "refer-to-ombudsman":
        return (
            [Field("referred_on", "Referred &on", "date")],
            dated(ending.refer_to_ombudsman, "referred_on"),
            f"This case goes to the {detail.ombudsman.replace('-', ' ')}.",
        )
    if action == "correct-fact":
        return (
            [
                Field("field", "&Fact", "choice", _CORRECTABLE_LABELS),
                Field("value", "&New value", "text"),
                Field("reason", "&Reason for the correction", "long"),
            ],
            dated(ending.correct_fact, "field"),
            "Dates as DD/MM/YYYY; channels: " + ", ".join(c.label for c in Channel) + ".",
        )
    if action == "record-learning":
        return (
            [
                Field("description", "What was &learned", "long"),
                Field("improvement", "Service &improvement", "long"),
            ],
            dated(records.record_learning, "description"),
            "",
        )

    def no_today(fn: Any) -> Any:
        def run(session: Session, v: dict[str, Any]) -> Any:
            return fn(session, actor, ref, **v, **common)

        return run

    if action == "reopen":
        return ([Field("reason", "&Reason for reopening", "long")], no_today(ending.reopen), "")
    if action == "add-note":
        return ([Field("text", "&Note", "long")], no_today(records.add_note), "")
    if action == "link-case":

        def link(session: Session, v: dict[str, Any]) -> Any:
            return records.link_cases(session, actor, ref, v["other"], reason=v["reason"], **common)

        return (
            [Field("other", "&Other case reference", "text"), Field("reason", "&Why", "text")],
            link,
            "Link an earlier complaint about the same issue instead of duplicating it.",
        )
    raise KeyError(action)

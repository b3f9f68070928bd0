"""``caseworker case REF [ACTION]``: show a case with its clocks and the actions allowed
now, or do one action on it through the services, under the lifecycle table.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from caseworker.commands.common import actor_from_args, store_from_args, today_from_args
from caseworker.domain.calendar import format_day
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput
from caseworker.domain.letter_choice import offered_letters
from caseworker.domain.lifecycle import allowed_actions, check_allowed, state_of
from caseworker.domain.vocab import RecordKind, Status
from caseworker.services import ending, followups, permissions, records, stages
from caseworker.services.actor import Actor
from caseworker.services.case_view import CaseDetail, load_case_detail
from db.store import Store

# The command's name for each action -> the lifecycle table's names it stands for.
ACTIONS: dict[str, tuple[str, ...]] = {
    "acknowledge": ("acknowledge",),
    "extend": ("extend",),
    "respond": ("respond-stage-1",),
    "escalate": ("escalate",),
    "acknowledge-stage-2": ("acknowledge-stage-2",),
    "respond-stage-2": ("respond-stage-2",),
    "refuse": ("refuse",),
    "refuse-escalation": ("refuse-escalation",),
    "withdraw": ("withdraw",),
    "close": ("close",),
    "reopen": ("reopen",),
    "pass-on": ("pass-on",),
    "reply-enquiry": ("reply-enquiry",),
    "refer-to-ombudsman": ("refer-to-ombudsman",),
    "record-determination": ("record-determination",),
    "add-remedy": ("add-remedy",),
    "add-action": ("add-action",),
    "complete": ("complete-remedy", "complete-action"),
    "note": ("add-note",),
    "link": ("link-case",),
    "correct": ("correct-fact",),
}

# The options each action reads (anything else given is refused, so nothing is ignored).
OPTIONS: dict[str, set[str]] = {
    "acknowledge": {"date", "staff", "point", "outcomes", "responsible_for", "not_responsible"},
    "extend": {"days", "reason", "told_on", "good_reason"},
    "respond": {"date", "decision", "reasons"},
    "escalate": {"date", "reason"},
    "acknowledge-stage-2": {"date", "staff"},
    "respond-stage-2": {"date", "decision", "reasons"},
    "refuse": {"date", "reason", "explanation"},
    "refuse-escalation": {"date", "reason"},
    "withdraw": {"date", "reason"},
    "close": {"date"},
    "reopen": {"reason"},
    "pass-on": {"date", "to"},
    "reply-enquiry": {"date", "reply"},
    "refer-to-ombudsman": {"date"},
    "record-determination": {"date", "determination"},
    "add-remedy": {"kind", "description", "amount", "due"},
    "add-action": {"description", "due"},
    "complete": {"remedy", "action_id", "date", "amount_paid"},
    "note": {"text"},
    "link": {"other", "reason"},
    "correct": {"field", "value", "reason"},
}
_FLAG_OF = {"staff": "--handler"}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "case",
        help="show a case, its clocks and the actions allowed now; or do one action",
        description="Without ACTION: the case, its clocks and the actions allowed now. "
        f"ACTION is one of: {', '.join(ACTIONS)}.",
    )
    p.add_argument("reference")
    p.add_argument("action", nargs="?", metavar="ACTION")
    p.add_argument("--json", action="store_true", help="show the case as JSON")
    p.add_argument("--today", metavar="D")
    p.add_argument("--expected-version", type=int, metavar="N", help="refuse if changed since")
    p.add_argument("--date", metavar="D", help="the date of the step (default: today)")
    p.add_argument("--handler", dest="staff", metavar="NAME")  # "handler" runs the command
    p.add_argument("--point", action="append", metavar="TEXT", help="a point of the complaint")
    p.add_argument("--outcomes", metavar="TEXT", help="the outcomes the resident seeks")
    p.add_argument("--responsible-for", metavar="TEXT")
    p.add_argument("--not-responsible", metavar="TEXT")
    p.add_argument("--days", type=int, metavar="N")
    p.add_argument("--reason", metavar="TEXT")
    p.add_argument("--told-on", metavar="D")
    p.add_argument("--good-reason", action="store_true")
    p.add_argument("--decision", metavar="upheld|partly-upheld|not-upheld")
    p.add_argument("--reasons", metavar="TEXT")
    p.add_argument("--explanation", metavar="TEXT")
    p.add_argument("--to", metavar="WHOM")
    p.add_argument("--reply", metavar="TEXT")
    p.add_argument("--determination", metavar="TEXT")
    p.add_argument("--kind", metavar="REMEDY-KIND")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--amount", metavar="POUNDS")
    p.add_argument("--amount-paid", metavar="POUNDS")
    p.add_argument("--due", metavar="D")
    p.add_argument("--remedy", metavar="ID")
    p.add_argument("--action-id", metavar="ID")
    p.add_argument("--text", metavar="TEXT")
    p.add_argument("--other", metavar="REF")
    p.add_argument("--field", metavar="NAME")
    p.add_argument("--value", metavar="TEXT")
    p.set_defaults(handler=run)


def command_actions(detail: CaseDetail, actor: Actor) -> list[str]:
    """The actions this command would do on the case now, for this actor (table and role)."""
    table = allowed_actions(state_of(detail))
    return [
        name
        for name, names in ACTIONS.items()
        if any(n in table and permissions.allowed(actor, n) for n in names)
    ]


def _shown(detail: CaseDetail, actor: Actor, today: date) -> dict[str, Any]:
    return {
        "reference": detail.reference,
        "kind": detail.kind,
        "status": detail.status,
        "version": detail.version,
        "received": detail.received.isoformat(),
        "handler": detail.stage2_handler or detail.stage1_handler,
        "clocks": [c.as_json() for c in detail.clocks],
        "remedies": [
            {"id": str(r.id), "kind": r.kind, "due": _iso(r.due), "done": _iso(r.done)}
            for r in detail.remedies
        ],
        "outstanding_actions": [
            {
                "id": str(a.id),
                "description": a.description,
                "due": _iso(a.due),
                "done": _iso(a.done),
            }
            for a in detail.actions
        ],
        "actions": command_actions(detail, actor),
        "letters": [k.value for k in offered_letters(detail, detail.clocks, today)],
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _text(detail: CaseDetail, actor: Actor) -> str:
    lines = [
        f"{detail.reference}  {RecordKind(detail.kind).label}  {Status(detail.status).label}"
        f"  (version {detail.version})",
        f"Received {format_day(detail.received)}",
    ]
    lines += [f"{c.label}: {format_day(c.due)} ({c.countdown})" for c in detail.clocks]
    allowed = command_actions(detail, actor)
    lines.append("Actions allowed now: " + (", ".join(allowed) if allowed else "none"))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    today = today_from_args(args)
    store = store_from_args(args, must_exist=True)
    try:
        return execute(store, actor_from_args(args, store), args, today)
    finally:
        store.close()


def execute(store: Store, actor: Actor, args: argparse.Namespace, today: date) -> int:
    """Show the case, or do the action in one transaction (CaseworkerError: nothing done)."""
    if args.action is None:
        _refuse_options(args, set())
        with store.read() as session:
            detail = load_case_detail(session, args.reference, today, actor=actor)
        print(
            json.dumps(_shown(detail, actor, today), indent=2)
            if args.json
            else _text(detail, actor)
        )
        return 0
    if args.action not in ACTIONS:
        raise InvalidInput(
            f"'{args.action}' is not a case action; use one of: {', '.join(ACTIONS)}"
        )
    _refuse_options(args, OPTIONS[args.action])
    with store.write() as session:
        detail = load_case_detail(session, args.reference, today, actor=actor)
        table_action = _table_action(args, detail)
        check_allowed(state_of(detail), table_action, detail.reference)
        permissions.check(actor, table_action)
        _CALLS[args.action](session, actor, detail, args, today)
        after = load_case_detail(session, detail.reference, today, actor=actor)
    print(
        f"{after.reference}: {args.action} done; now {Status(after.status).label} "
        f"(version {after.version})"
    )
    return 0


def _refuse_options(args: argparse.Namespace, allowed: set[str]) -> None:
    for name in {n for names in OPTIONS.values() for n in names}:
        given = getattr(args, name)
        if name not in allowed and given not in (None, False):
            option = _FLAG_OF.get(name, "--" + name.replace("_", "-"))
            doing = f"to {args.action}" if args.action else "when only showing the case"
            raise InvalidInput(f"{option} is not used {doing}")
    if args.action and args.json:
        raise InvalidInput("--json only goes with showing a case (no ACTION)")


def _table_action(args: argparse.Namespace, detail: CaseDetail) -> str:
    if args.action != "complete":
        return ACTIONS[args.action][0]
    if (args.remedy is None) == (args.action_id is None):
        raise InvalidInput("Say what was completed: --remedy ID or --action-id ID")
    return "complete-remedy" if args.remedy is not None else "complete-action"


def _need(args: argparse.Namespace, name: str) -> str:
    value = getattr(args, name)
    if value is None or not str(value).strip():
        raise InvalidInput(
            f"{args.action} needs {_FLAG_OF.get(name, '--' + name.replace('_', '-'))}"
        )
    return str(value)


def _day(text: str | None, today: date) -> date:
    return parse_date(text) if text else today


def _money(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        raise InvalidInput(f"{option} must be a sum of money, like 50 or 50.00") from None


Call = Callable[[Session, Actor, CaseDetail, argparse.Namespace, date], object]


def _acknowledge(s: Session, a: Actor, d: CaseDetail, o: argparse.Namespace, t: date) -> object:
    definition = stages.Definition(
        points=tuple(o.point or ()),
        outcomes_sought=_need(o, "outcomes"),
        responsible_for=o.responsible_for or "",
        not_responsible_for=o.not_responsible or "",
    )
    return stages.acknowledge(
        s, a, d.reference, acknowledged=_day(o.date, t), definition=definition,
        handler=_need(o, "staff"), expected_version=o.expected_version, today=t,
    )  # fmt: skip


def _response(o: argparse.Namespace, t: date) -> stages.Response:
    return stages.Response(_day(o.date, t), _need(o, "decision"), _need(o, "reasons"))


def _complete(s: Session, a: Actor, d: CaseDetail, o: argparse.Namespace, t: date) -> object:
    if o.remedy is not None:
        remedy = next((r for r in d.remedies if str(r.id) == o.remedy.strip()), None)
        if remedy is None:
            raise InvalidInput(f"Case {d.reference} has no remedy {o.remedy}")
        return followups.complete_remedy(
            s, a, d.reference, remedy.id, done=_day(o.date, t),
            amount_paid=_money(o.amount_paid, "--amount-paid"),
            expected_version=o.expected_version, today=t,
        )  # fmt: skip
    if o.amount_paid is not None:
        raise InvalidInput("--amount-paid goes with --remedy")
    action = next((x for x in d.actions if str(x.id) == o.action_id.strip()), None)
    if action is None:
        raise InvalidInput(f"Case {d.reference} has no outstanding action {o.action_id}")
    return followups.complete_action(
        s, a, d.reference, action.id, done=_day(o.date, t),
        expected_version=o.expected_version, today=t,
    )  # fmt: skip


def _due(o: argparse.Namespace) -> date | None:
    return parse_date(o.due) if o.due else None


# One service call per action; ``v`` is the caller's expected version, ``t`` today.
_CALLS: dict[str, Call] = {
    "acknowledge": _acknowledge,
    "extend": lambda s, a, d, o, t: stages.extend(
        s, a, d.reference, days=int(_need(o, "days")), reason=_need(o, "reason"),
        told_on=_day(o.told_on, t), good_reason=o.good_reason,
        expected_version=o.expected_version, today=t,
    ),
    "respond": lambda s, a, d, o, t: stages.respond(
        s, a, d.reference, response=_response(o, t), expected_version=o.expected_version,
        today=t,
    ),
    "escalate": lambda s, a, d, o, t: stages.escalate(
        s, a, d.reference, requested_on=_day(o.date, t), reason=o.reason or "",
        expected_version=o.expected_version, today=t,
    ),
    "acknowledge-stage-2": lambda s, a, d, o, t: stages.acknowledge_stage2(
        s, a, d.reference, acknowledged=_day(o.date, t), handler=_need(o, "staff"),
        expected_version=o.expected_version, today=t,
    ),
    "respond-stage-2": lambda s, a, d, o, t: stages.respond_stage2(
        s, a, d.reference, response=_response(o, t), expected_version=o.expected_version,
        today=t,
    ),
    "refuse": lambda s, a, d, o, t: ending.refuse(
        s, a, d.reference, refused_on=_day(o.date, t), reason=_need(o, "reason"),
        explanation=_need(o, "explanation"), expected_version=o.expected_version, today=t,
    ),
    "refuse-escalation": lambda s, a, d, o, t: stages.refuse_escalation(
        s, a, d.reference, refused_on=_day(o.date, t), reason=_need(o, "reason"),
        expected_version=o.expected_version, today=t,
    ),
    "withdraw": lambda s, a, d, o, t: ending.withdraw(
        s, a, d.reference, withdrawn_on=_day(o.date, t), reason=o.reason or "",
        expected_version=o.expected_version, today=t,
    ),
    "close": lambda s, a, d, o, t: ending.close(
        s, a, d.reference, closed_on=_day(o.date, t), expected_version=o.expected_version,
        today=t,
    ),
    "reopen": lambda s, a, d, o, t: ending.reopen(
        s, a, d.reference, reason=_need(o, "reason"), expected_version=o.expected_version
    ),
    "pass-on": lambda s, a, d, o, t: ending.pass_on(
        s, a, d.reference, passed_on=_day(o.date, t), to=_need(o, "to"),
        expected_version=o.expected_version, today=t,
    ),
    "reply-enquiry": lambda s, a, d, o, t: ending.reply_enquiry(
        s, a, d.reference, replied_on=_day(o.date, t), reply=_need(o, "reply"),
        expected_version=o.expected_version, today=t,
    ),
    "refer-to-ombudsman": lambda s, a, d, o, t: ending.refer_to_ombudsman(
        s, a, d.reference, referred_on=_day(o.date, t), expected_version=o.expected_version,
        today=t,
    ),
    "record-determination": lambda s, a, d, o, t: ending.record_determination(
        s, a, d.reference, determined_on=_day(o.date, t),
        determination=_need(o, "determination"), expected_version=o.expected_version, today=t,
    ),
    "add-remedy": lambda s, a, d, o, t: followups.add_remedy(
        s, a, d.reference, kind=_need(o, "kind"), description=o.description or "",
        amount_offered=_money(o.amount, "--amount"), due=_due(o),
        expected_version=o.expected_version, today=t,
    ),
    "add-action": lambda s, a, d, o, t: followups.add_action(
        s, a, d.reference, description=_need(o, "description"), due=_due(o),
        expected_version=o.expected_version,
    ),
    "complete": _complete,
    "note": lambda s, a, d, o, t: records.add_note(
        s, a, d.reference, text=_need(o, "text"), expected_version=o.expected_version
    ),
    "link": lambda s, a, d, o, t: records.link_cases(
        s, a, d.reference, _need(o, "other"), reason=o.reason or "",
        expected_version=o.expected_version,
    ),
    "correct": lambda s, a, d, o, t: ending.correct_fact(
        s, a, d.reference, field=_need(o, "field"), value=o.value or "",
        reason=_need(o, "reason"), expected_version=o.expected_version, today=t,
    ),
}  # fmt: skip

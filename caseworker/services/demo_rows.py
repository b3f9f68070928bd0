"""Turning demo timelines into table rows, with every derived column as the services write it."""

from __future__ import annotations

import random
import uuid
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import CaseFacts, Extension
from caseworker.domain.policy import Policy
from caseworker.domain.vocab import RecordKind, case_tenure
from caseworker.services import demo_data as words
from caseworker.services.clocks import clock_columns, stopped_on
from caseworker.services.demo_audit import ADVISOR, OFFICER, DemoEvent
from caseworker.services.demo_letters import CaseHistory, LetterStep
from caseworker.services.demo_timeline import DemoExtension, Timeline
from db.search import contacts_text

DEMO_ACTOR = "Demo data"

_CHANNELS = (
    ("telephone", 35), ("email", 20), ("web-form", 20), ("letter", 7), ("face-to-face", 8),
    ("live-chat", 3), ("social-media", 2), ("via-staff", 2), ("via-representative", 2),
    ("bsl-video-call", 0.5), ("relay-uk", 0.5),
)  # fmt: skip
_CHANNEL_NAMES = tuple(c for c, _ in _CHANNELS)
_CHANNEL_WEIGHTS = tuple(w for _, w in _CHANNELS)

Row = dict[str, Any]


@dataclass(frozen=True)
class Area:
    id: int
    name: str
    is_housing: bool
    theme_ids: tuple[int, ...]
    staff: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Lookups:
    """Ids of the reference lists written before the cases."""

    sites: tuple[tuple[int, tuple[str, ...], str], ...]  # id, postcode districts, town
    site_weights: tuple[int, ...]
    areas: tuple[Area, ...]
    complaint_weights: tuple[int, ...]
    other_weights: tuple[int, ...]
    all_staff: tuple[tuple[int, str], ...]


# Follow-ups due within this many days of today are the ones still often outstanding.
_RECENT_FOLLOW_UP_DAYS = 56


@dataclass(frozen=True)
class PersonRef:
    id: str
    name: str
    postcode: str
    phone: str
    email: str
    adjustments: str
    tenure: str | None


class Tables:
    """Rows waiting to be inserted, by table name."""

    NAMES = (
        "people", "cases", "case_parties", "case_service_areas", "case_themes",
        "complaint_points", "extensions", "remedies", "outstanding_actions", "learning",
        "notes", "case_search",
    )  # fmt: skip

    # A case's own rows get a UUID key, and (but for its points, which carry their own) their
    # place among the case's rows of the table; a case's rows are added one after another.
    KEYED = frozenset(
        ("case_parties", "complaint_points", "extensions", "remedies", "outstanding_actions",
         "learning", "notes")
    )  # fmt: skip
    POSITIONED = KEYED - {"complaint_points"}

    def __init__(self, keys: random.Random) -> None:
        self.rows: dict[str, list[Row]] = {name: [] for name in self.NAMES}
        self._keys = keys
        self._last: dict[str, tuple[str, int]] = {}

    def add(self, table: str, row: Row) -> None:
        if table in self.KEYED:
            row["id"] = uuid.UUID(int=self._keys.getrandbits(128), version=4).hex
        if table in self.POSITIONED:
            case_id, n = self._last.get(table, ("", 0))
            n = n + 1 if case_id == row["case_id"] else 1
            self._last[table] = (row["case_id"], n)
            row["position"] = n
        self.rows[table].append(row)

    def clear(self) -> None:
        for rows in self.rows.values():
            rows.clear()


class RowMaker:
    """Writes the rows of one case at a time from its timeline."""

    TABLES = Tables.NAMES

    def __init__(
        self,
        rng: random.Random,
        cal: WorkingCalendar,
        policies: tuple[Policy, Policy],  # housing, other
        lookups: Lookups,
        today: date,
    ) -> None:
        self.rng = rng
        self.cal = cal
        self.housing_policy, self.other_policy = policies
        self.lk = lookups
        self.today = today
        self.people: list[PersonRef] = []
        # The child rows' keys come from their own generator (seeded from this one's state
        # without drawing from it), so the demo's figures do not move with them.
        self.tables = Tables(random.Random(str(rng.getstate()[1][:8])))
        # Each case's events, chained (``DemoAudit``) once its letters are made.
        self.histories: list[CaseHistory] = []
        self._clock_cache: dict[tuple[CaseFacts, str, str], dict[str, Any]] = {}

    def _clocks(self, facts: CaseFacts, policy: Policy, status: str) -> dict[str, Any]:
        """The stored clocks; many records share their dates, so each is worked out once."""
        key = (facts, policy.name, status)
        found = self._clock_cache.get(key)
        if found is None:
            if len(self._clock_cache) > 200_000:
                self._clock_cache.clear()
            found = self._clock_cache[key] = clock_columns(facts, policy, self.cal, status)
        return found

    def new_id(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    # People -------------------------------------------------------------------------

    def _postcode(self, districts: tuple[str, ...]) -> str:
        rng = self.rng
        letters = words.POSTCODE_LETTERS
        return f"{rng.choice(districts)}{rng.choice(letters)}{rng.choice(letters)}"

    def _person(self, site: int, tenure: str | None, *, name: str = "") -> PersonRef:
        rng = self.rng
        _, districts, town = self.lk.sites[site]
        first, titles = rng.choice(words.FIRST_NAMES)
        surname = rng.choice(words.SURNAMES)
        full = name or f"{first} {surname}"
        postcode = self._postcode(districts)
        mobile = rng.random() < 0.6
        phone = (
            f"07700 900{rng.randint(0, 999):03d}"
            if mobile
            else f"01632 96{rng.randint(0, 9999):04d}"
        )
        email = (
            f"{first.lower()}.{surname.lower().replace(' ', '')}{rng.randint(1, 99)}@example.com"
            if rng.random() < 0.5 and not name
            else ""
        )
        disabilities = adjustments = preferred_format = ""
        review: date | None = None
        if rng.random() < 0.04:
            disabilities, adjustments, preferred_format = rng.choice(words.ADJUSTMENTS)
            review = self.today + timedelta(days=rng.randint(-30, 300))
        restricted = rng.random() < 0.003
        person_id = self.new_id()
        self.tables.add(
            "people",
            {
                "id": person_id,
                "name": full,
                "salutation": full if name else f"{rng.choice(titles)} {surname}",
                "address": f"{rng.randint(1, 120)} {rng.choice(words.STREETS)}\n{town}",
                "postcode": postcode,
                "phone": phone,
                "email": email,
                "tenure": tenure,
                "preferred_contact": "email" if email else rng.choice(("telephone", "letter")),
                "preferred_format": preferred_format,
                "disabilities": disabilities,
                "adjustments": adjustments,
                "adjustments_review": review,
                "restriction": (
                    "Single point of contact: all contact through the complaints officer"
                    if restricted
                    else ""
                ),
                "restriction_authorised_by": "Head of Customer Services" if restricted else "",
                "restriction_review": self.today + timedelta(days=90) if restricted else None,
                "do_not_contact": False,
                "anonymised": False,
            },
        )
        ref = PersonRef(person_id, full, postcode, phone, email, adjustments, tenure)
        if not name:
            self.people.append(ref)
            if len(self.people) > 5000:
                del self.people[:1000]
        return ref

    def _resident(self, site: int, area: Area) -> PersonRef:
        rng = self.rng
        if self.people and rng.random() < 0.08:
            return rng.choice(self.people)  # someone who has been in touch before
        tenure: str | None
        if area.is_housing:
            tenure = rng.choices(("tenant", "leaseholder", "other-resident"), (85, 10, 5))[0]
        else:
            tenure = rng.choices(("tenant", "other-resident", None), (30, 60, 10))[0]
        return self._person(site, tenure)

    # Cases --------------------------------------------------------------------------

    def case(self, t: Timeline, reference: str, letters: tuple[LetterStep, ...] = ()) -> None:
        """Add every row of one case; ``letters``: the letters it had (made later)."""
        rng, lk = self.rng, self.lk
        kind = t.kind
        complaint = kind is RecordKind.COMPLAINT
        weights = lk.complaint_weights if complaint else lk.other_weights
        area = rng.choices(lk.areas, weights)[0]
        site = rng.choices(range(len(lk.sites)), lk.site_weights)[0]
        policy = self.housing_policy if area.is_housing else self.other_policy
        case_id = self.new_id()
        residents = [self._resident(site, area)]
        if complaint and rng.random() < 0.01:
            residents.append(self._resident(site, area))  # a group complaint
        rep, rep_party = self._representative(t, site)
        issue = rng.choice(words.ISSUES[area.name])
        description = self._description(kind, issue[0])
        restricted = rng.random() < 0.01
        handler1 = rng.choice(area.staff)
        handler2 = rng.choice([s for s in lk.all_staff if s[0] != handler1[0]])
        handler = ""
        if t.acknowledged2:
            handler = handler2[1]
        elif t.acknowledged:
            handler = handler1[1]
        facts = CaseFacts(
            kind=kind,
            received=t.received,
            acknowledged=t.acknowledged,
            stage1_extensions=_exts(t.ext1),
            stage1_responded=t.responded1,
            escalated=t.escalated,
            stage2_acknowledged=t.acknowledged2,
            stage2_extensions=_exts(t.ext2),
            stage2_responded=t.responded2,
            replied=t.replied,
            stopped_on=stopped_on(
                t.status.value, t.refused_on, t.withdrawn_on, t.escalation_refused, t.closed_on
            ),
        )
        clocks = self._clocks(facts, policy, t.status.value)
        everyone = [*residents, *([rep] if rep else [])]
        resident_name = "; ".join(p.name for p in residents)
        representative_name = rep.name if rep else ""
        last = max(
            d
            for d in (t.received, t.acknowledged, t.responded1, t.escalated, t.responded2,
                      t.closed_on, t.refused_on, t.withdrawn_on, t.replied, t.determined)
            if d is not None
        )  # fmt: skip
        exclusion = rng.choice(words.EXCLUSIONS) if t.refused_on else ("", "")
        row: Row = {
            "id": case_id,
            "reference": reference,
            "external_reference": "",
            "kind": kind.value,
            "status": t.status.value,
            "received": t.received,
            "issue_date": t.received - timedelta(days=rng.randint(0, 60)) if complaint else None,
            "aware_date": None,
            "time_limit_reason": "",
            "channel": rng.choices(_CHANNEL_NAMES, _CHANNEL_WEIGHTS)[0],
            "site_id": lk.sites[site][0],
            "primary_service_area_id": area.id,
            "policy_name": policy.name,
            "policy_version": policy.version,
            "ombudsman": policy.ombudsman.kind.value,
            "restricted": restricted,
            "description": description,
            "desired_outcome": issue[2] if complaint else "",
            "outcomes_sought": issue[2] if t.acknowledged else "",
            "responsible_for": f"The {area.name} service" if t.acknowledged else "",
            "not_responsible_for": "",
            "acknowledged": t.acknowledged,
            "stage1_handler_id": handler1[0] if t.acknowledged else None,
            "stage1_responded": t.responded1,
            "stage1_decision": t.decision1,
            "stage1_reasons": words.REASONS[t.decision1] if t.decision1 else "",
            "escalated": t.escalated,
            "escalation_reason": "",
            "stage2_acknowledged": t.acknowledged2,
            "stage2_handler_id": handler2[0] if t.acknowledged2 else None,
            "stage2_responded": t.responded2,
            "stage2_decision": t.decision2,
            "stage2_reasons": words.REASONS[t.decision2] if t.decision2 else "",
            "escalation_refused_on": t.escalation_refused,
            "escalation_refusal_reason": (
                rng.choice(words.ESCALATION_REFUSALS) if t.escalation_refused else ""
            ),
            "update_interval_days": 10 if t.ext1 or t.ext2 else None,
            "replied": t.replied,
            "reply_text": self._reply_text(kind, area) if t.replied else "",
            "refused_on": t.refused_on,
            "refusal_reason": exclusion[0] or None,
            "refusal_explanation": exclusion[1],
            "withdrawn_on": t.withdrawn_on,
            "withdrawal_reason": "The resident said the matter is now resolved"
            if t.withdrawn_on
            else "",
            "closed_on": t.closed_on,
            "ombudsman_referred_on": t.referred,
            "ombudsman_determination": rng.choice(words.DETERMINATIONS) if t.determined else "",
            "ombudsman_determined_on": t.determined,
            **clocks,
            "resident_name": resident_name,
            "representative_name": representative_name,
            "handler_name": handler,
            "auth_state": rep_party["auth_state"] if rep_party else "not-needed",
            "has_adjustments": any(p.adjustments.strip() for p in everyone),
            "complainant_tenure": case_tenure(p.tenure for p in residents),
            "version": 1,
            "created_at": datetime.combine(t.received, time(9, rng.randint(0, 59))),
            "updated_at": datetime.combine(last, time(16, rng.randint(0, 59))),
            "updated_by": DEMO_ACTOR,
        }
        self.tables.add("cases", row)
        marks = {name: len(self.tables.rows[name]) for name in _FOLLOW_UP_TABLES}
        for p in residents:
            self.tables.add("case_parties", _party(case_id, p.id, "complainant"))
        if rep_party:
            rep_party["case_id"] = case_id
            self.tables.add("case_parties", rep_party)
        self._areas_and_themes(case_id, area)
        if t.acknowledged:
            self._points(case_id, t, issue[1])
        self._extensions(case_id, 1, t.ext1)
        self._extensions(case_id, 2, t.ext2)
        self._followups(case_id, t)
        if rng.random() < 0.15:
            self.tables.add(
                "notes",
                {
                    "case_id": case_id,
                    "text": rng.choice(words.NOTES),
                    "author": rng.choice(area.staff)[1],
                    "created_at": datetime.combine(last, time(11, rng.randint(0, 59))),
                },
            )
        advisor = words.ADVISORS[zlib.crc32(reference.encode()) % len(words.ADVISORS)]
        events = _events(t, row, policy.label, advisor, handler1[1], handler2[1])
        events += self._follow_up_events(t, marks, handler1[1], handler2[1])
        self.histories.append(
            CaseHistory(
                case_id, reference, events, rng.randint(0, 59), letters, handler1[1], handler2[1]
            )
        )
        self.tables.add(
            "case_search",
            {
                "id": case_id,
                "ref": reference,
                "names": f"{resident_name} {representative_name}",
                "contacts": contacts_text(
                    [p.postcode for p in everyone],
                    [p.phone for p in everyone],
                    [p.email for p in everyone],
                ),
                "description": description,
            },
        )

    def _follow_up_events(
        self, t: Timeline, marks: dict[str, int], handler1: str, handler2: str
    ) -> list[DemoEvent]:
        """Events for the case's rows added since ``marks``: extensions, remedies, actions,
        learning and notes, as the services record them."""
        rows = self.tables.rows

        def added(name: str) -> list[Row]:
            return rows[name][marks[name] :]

        def by(stage: int) -> str:
            return handler1 if stage == 1 else handler2

        out: list[DemoEvent] = []
        for e in added("extensions"):
            changes = {k: e[k] for k in ("stage", "days", "reason", "good_reason", "told_on")}
            out.append(DemoEvent(e["told_on"], by(e["stage"]), OFFICER, "extend", changes))
        for r in added("remedies"):
            who = by(r["stage"])
            offered = {
                "remedy": r["id"],
                "kind": r["kind"],
                "description": r["description"],
                "amount_offered": r["amount_offered"],
                "due": r["due"],
            }
            out.append(DemoEvent(r["offered_on"], who, OFFICER, "add-remedy", offered))
            if r["done"] is not None:
                done = {"remedy": r["id"], "done": r["done"], "amount_paid": r["amount_paid"]}
                out.append(DemoEvent(r["done"], who, OFFICER, "complete-remedy", done))
        for a in added("outstanding_actions"):
            who = by(a["stage"])
            set_on = t.responded1 if a["stage"] == 1 else t.responded2
            assert set_on is not None  # actions follow a response
            changes = {"action": a["id"], "description": a["description"], "due": a["due"]}
            out.append(DemoEvent(set_on, who, OFFICER, "add-action", changes))
            if a["done"] is not None:
                done = {"action": a["id"], "done": a["done"]}
                out.append(DemoEvent(a["done"], who, OFFICER, "complete-action", done))
        for le in added("learning"):
            changes = {"description": le["description"], "improvement": le["improvement"]}
            out.append(DemoEvent(le["recorded_on"], handler1, OFFICER, "record-learning", changes))
        for n in added("notes"):
            changes = {"note": n["id"], "text": n["text"]}
            out.append(DemoEvent(n["created_at"].date(), n["author"], OFFICER, "add-note", changes))
        return out

    def _description(self, kind: RecordKind, complaint_text: str) -> str:
        rng = self.rng
        if kind is RecordKind.COMPLAINT:
            return complaint_text
        if kind is RecordKind.COMPLIMENT:
            return rng.choice(words.COMPLIMENTS)
        if kind is RecordKind.COMMENT:
            return rng.choice(words.COMMENTS)
        if kind is RecordKind.SERVICE_REQUEST:
            return rng.choice(words.SERVICE_REQUESTS)
        return rng.choice(words.ENQUIRIES)

    def _reply_text(self, kind: RecordKind, area: Area) -> str:
        if kind.is_feedback:
            return f"Passed to {area.staff[0][1]}, {area.name}"
        return f"Replied with an update from the {area.name} service."

    def _representative(self, t: Timeline, site: int) -> tuple[PersonRef | None, Row | None]:
        rng = self.rng
        if t.kind.is_enquiry:
            relationship = "mp" if t.kind is RecordKind.MP_ENQUIRY else "councillor"
            names = [n for r, n in words.ELECTED if r == relationship]
            rep = self._person(site, None, name=rng.choice(names))
            return rep, _party("", rep.id, "representative", relationship=relationship)
        if t.kind is not RecordKind.COMPLAINT or rng.random() >= 0.10:
            return None, None
        if rng.random() < 0.15:
            relationship, name = rng.choice(words.ELECTED)
            rep = self._person(site, None, name=name)
            party = _party("", rep.id, "representative", relationship=relationship)
            party["joined_later"] = rng.random() < 0.5
            party["raised_it"] = not party["joined_later"]
            return rep, party
        relationship, _ = rng.choice(words.REPRESENTATIVES)
        rep = self._person(site, None)
        party = _party("", rep.id, "representative", relationship=relationship)
        party["auth_sent_on"] = t.received
        if rng.random() < 0.3:
            party["auth_state"] = "pending"
            return rep, party
        got = t.received + timedelta(days=rng.randint(2, 10))
        verbal = rng.random() < 0.3
        expires = got + timedelta(days=365)
        party.update(
            auth_state="expired" if expires < self.today and rng.random() < 0.2 else "authorised",
            auth_method="verbal-verified" if verbal else "signed-form",
            auth_received_on=got,
            auth_scope=rng.choice(("this-complaint", "all-matters")),
            auth_expires=expires,
            auth_verified_by=rng.choice(self.lk.all_staff)[1] if verbal else "",
        )
        return rep, party

    def _areas_and_themes(self, case_id: str, area: Area) -> None:
        rng = self.rng
        self.tables.add(
            "case_service_areas",
            {"case_id": case_id, "service_area_id": area.id, "is_primary": True},
        )
        if rng.random() < 0.08:
            other = rng.choice([a for a in self.lk.areas if a.id != area.id])
            self.tables.add(
                "case_service_areas",
                {"case_id": case_id, "service_area_id": other.id, "is_primary": False},
            )
        for theme in rng.sample(area.theme_ids, rng.choice((1, 1, 2))):
            self.tables.add("case_themes", {"case_id": case_id, "theme_id": theme})

    def _points(self, case_id: str, t: Timeline, first_point: str) -> None:
        rng = self.rng
        texts = [first_point]
        if rng.random() < 0.4:
            texts.append(words.COMMUNICATION_POINT)
        d1 = _point_decisions(t.decision1, len(texts))
        d2 = _point_decisions(t.decision2, len(texts))
        for i, text in enumerate(texts):
            first, second = d1[i], d2[i]
            self.tables.add(
                "complaint_points",
                {
                    "case_id": case_id,
                    "position": i + 1,
                    "text": text,
                    "stage1_decision": first,
                    "stage1_reasons": words.POINT_REASONS[first] if first else "",
                    "stage2_decision": second,
                    "stage2_reasons": words.POINT_REASONS[second] if second else "",
                },
            )

    def _extensions(self, case_id: str, stage: int, exts: list[DemoExtension]) -> None:
        for e in exts:
            self.tables.add(
                "extensions",
                {
                    "case_id": case_id,
                    "stage": stage,
                    "days": e.days,
                    "reason": words.GOOD_REASON
                    if e.good_reason
                    else self.rng.choice(words.EXTENSION_REASONS),
                    "good_reason": e.good_reason,
                    "told_on": e.told_on,
                    "recorded_on": e.told_on,
                },
            )

    def _followups(self, case_id: str, t: Timeline) -> None:
        """Remedies, outstanding actions and learning after an upheld or partly upheld response."""
        for stage, decision, sent in (
            (1, t.decision1, t.responded1),
            (2, t.decision2, t.responded2),
        ):
            if sent is None or decision == "not-upheld" or decision is None:
                continue
            self._remedies(case_id, stage, sent)
            if self.rng.random() < 0.25:
                due = sent + timedelta(days=self.rng.randint(14, 60))
                self.tables.add(
                    "outstanding_actions",
                    {
                        "case_id": case_id,
                        "stage": stage,
                        "description": self.rng.choice(words.ACTIONS),
                        "due": due,
                        "done": self._done(due),
                    },
                )
            if self.rng.random() < 0.2:
                description, improvement = self.rng.choice(words.LEARNING)
                self.tables.add(
                    "learning",
                    {
                        "case_id": case_id,
                        "description": description,
                        "improvement": improvement,
                        "recorded_on": sent,
                    },
                )

    def _done(self, due: date) -> date | None:
        """Most follow-ups are done by their due date; some recent ones are still outstanding,
        and a few old ones were never done (a complaints team chases the rest)."""
        done = due - timedelta(days=self.rng.randint(0, 10))
        recent = due >= self.today - timedelta(days=_RECENT_FOLLOW_UP_DAYS)
        if done > self.today or self.rng.random() >= (0.85 if recent else 0.995):
            return None
        return done

    def _remedies(self, case_id: str, stage: int, sent: date) -> None:
        rng = self.rng
        kinds = ["apology"]
        if rng.random() < 0.3:
            kinds.append("financial")
        if rng.random() < 0.2:
            kinds.append(rng.choice(("action-on-delay", "explanation", "record-corrected")))
        for kind in kinds:
            amount = (
                Decimal(rng.choice((25, 50, 75, 100, 150, 250, 400)))
                if kind == "financial"
                else None
            )
            due = self.cal.add_working_days(sent, 10) if kind != "apology" else None
            done = sent if kind == "apology" else self._done(due or sent)
            self.tables.add(
                "remedies",
                {
                    "case_id": case_id,
                    "stage": stage,
                    "kind": kind,
                    "description": _REMEDY_TEXT[kind],
                    "amount_offered": amount,
                    "amount_paid": amount if amount is not None and done is not None else None,
                    "offered_on": sent,
                    "due": due,
                    "done": done,
                },
            )


_REMEDY_TEXT = {
    "apology": "An apology for the failings identified",
    "financial": "A payment in recognition of the time and trouble caused",
    "action-on-delay": "The delayed work booked as a priority",
    "explanation": "A full explanation of how the decision was reached",
    "record-corrected": "The resident's account corrected",
}


_FOLLOW_UP_TABLES = ("extensions", "remedies", "outstanding_actions", "learning", "notes")


def _step(
    day: date | None,
    actor: str,
    action: str,
    fields: dict[str, Any],
    status: tuple[str, str] | None,
    role: str = OFFICER,
) -> DemoEvent | None:
    """One step of a case's timeline as the service records it: each changed field as
    [before, after] (all were empty before), and the status it moved from and to."""
    if day is None:
        return None
    changes: dict[str, Any] = {k: [None, v] for k, v in fields.items()}
    if status is not None:
        changes["status"] = list(status)
    return DemoEvent(day, actor, role, action, changes)


def _events(
    t: Timeline, row: Row, policy: str, advisor: str, handler1: str, handler2: str
) -> list[DemoEvent]:
    """The events of a case's timeline, from logging to closing (see ``DemoAudit``)."""
    logged = DemoEvent(
        t.received,
        advisor,
        ADVISOR,
        "log-record",
        {
            "reference": row["reference"],
            "kind": t.kind.value,
            "received": t.received,
            "policy": policy,
        },
    )
    steps: list[DemoEvent | None] = [logged]
    if t.kind is not RecordKind.COMPLAINT:
        if t.replied is not None:
            action = "reply-enquiry" if t.kind.is_enquiry else "pass-on"
            fields = {
                "replied": t.replied,
                "reply_text": row["reply_text"],
                "closed_on": t.closed_on,
            }
            steps.append(_step(t.replied, advisor, action, fields, ("logged", "closed"), ADVISOR))
        elif t.closed_on is not None:
            fields = {"closed_on": t.closed_on}
            steps.append(
                _step(t.closed_on, advisor, "close", fields, ("logged", "closed"), ADVISOR)
            )
        return [s for s in steps if s is not None]
    status = "logged"

    def to(new: str) -> tuple[str, str]:
        nonlocal status
        moved, status = (status, new), new
        return moved

    one, two = handler1, handler2
    if t.refused_on is not None:
        fields = {
            "refused_on": t.refused_on,
            "refusal_reason": row["refusal_reason"],
            "refusal_explanation": row["refusal_explanation"],
        }
        steps.append(_step(t.refused_on, one, "refuse", fields, to("refused")))
    if t.acknowledged is not None:
        fields = {"acknowledged": t.acknowledged, "stage1_handler": one}
        steps.append(_step(t.acknowledged, one, "acknowledge", fields, to("stage-1")))
    if t.responded1 is not None:
        fields = {"stage1_responded": t.responded1, "stage1_decision": t.decision1}
        steps.append(_step(t.responded1, one, "respond-stage-1", fields, to("stage-1-responded")))
    if t.escalated is not None:
        steps.append(
            _step(t.escalated, two, "escalate", {"escalated": t.escalated}, to("stage-2-requested"))
        )
    if t.escalation_refused is not None:
        fields = {
            "escalation_refused_on": t.escalation_refused,
            "escalation_refusal_reason": row["escalation_refusal_reason"],
            "closed_on": t.escalation_refused,
        }
        steps.append(_step(t.escalation_refused, two, "refuse-escalation", fields, to("closed")))
    if t.acknowledged2 is not None:
        fields = {"stage2_acknowledged": t.acknowledged2, "stage2_handler": two}
        steps.append(_step(t.acknowledged2, two, "acknowledge-stage-2", fields, to("stage-2")))
    if t.responded2 is not None:
        fields = {"stage2_responded": t.responded2, "stage2_decision": t.decision2}
        steps.append(_step(t.responded2, two, "respond-stage-2", fields, to("stage-2-responded")))
    if t.withdrawn_on is not None:
        fields = {"withdrawn_on": t.withdrawn_on, "withdrawal_reason": row["withdrawal_reason"]}
        steps.append(_step(t.withdrawn_on, one, "withdraw", fields, to("withdrawn")))
    if t.closed_on is not None and t.escalation_refused is None:
        who = two if t.escalated else one
        steps.append(_step(t.closed_on, who, "close", {"closed_on": t.closed_on}, to("closed")))
    if t.referred is not None:
        fields = {"ombudsman_referred_on": t.referred}
        steps.append(_step(t.referred, two, "refer-to-ombudsman", fields, None))
    if t.determined is not None:
        fields = {
            "ombudsman_determined_on": t.determined,
            "ombudsman_determination": row["ombudsman_determination"],
        }
        steps.append(_step(t.determined, two, "record-determination", fields, None))
    return [s for s in steps if s is not None]


def _exts(exts: list[DemoExtension]) -> tuple[Extension, ...]:
    return tuple(Extension(e.days, "", e.good_reason, e.told_on) for e in exts)


def _party(case_id: str, person_id: str, role: str, *, relationship: str = "") -> Row:
    return {
        "case_id": case_id,
        "person_id": person_id,
        "role": role,
        "raised_it": True,
        "joined_later": False,
        "relationship_to_resident": relationship,
        "auth_state": "not-needed",
        "auth_method": "",
        "auth_sent_on": None,
        "auth_received_on": None,
        "auth_scope": "",
        "auth_expires": None,
        "auth_revoked_on": None,
        "auth_verified_by": "",
    }


def _point_decisions(overall: str | None, n: int) -> list[str | None]:
    """Per-point decisions that add up to the overall one."""
    if overall is None:
        return [None] * n
    if overall != "partly-upheld" or n == 1:
        return [overall] * n
    return ["upheld", *(["not-upheld"] * (n - 1))]

"""Making letters from a case, saving them with its correspondence, and marking them sent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.addressees import Recipient, recipients
from caseworker.domain.errors import CaseworkerError, InvalidInput, RuleBroken
from caseworker.domain.letter_choice import check_letter
from caseworker.domain.letters import AddresseeRole, LetterContent, build_letter, copy_of
from caseworker.domain.vocab import LetterKind, Status
from caseworker.services.actor import Actor
from caseworker.services.case_view import PartyView
from caseworker.services.cases import begin_change, finish_change, get_case, not_future, set_fields
from caseworker.services.errors import NotFound
from caseworker.services.letter_reads import (
    LetterSetup,
    asks_for_large_print,
    read_letter,
)
from caseworker.services.permissions import sees_restricted
from caseworker.services.replication import letter_case, replicated
from db.models import Case, Correspondence
from db.store import Store

if TYPE_CHECKING:
    from caseworker.letters import LetterPrinter


SENT_METHODS = ("post", "email", "hand-delivered")
_RESPONSE_KINDS = {LetterKind.STAGE1_RESPONSE: 1, LetterKind.STAGE2_RESPONSE: 2}


@dataclass(frozen=True)
class MadeLetter:
    """One saved copy of a letter."""

    correspondence_id: str
    addressee_name: str
    addressee_role: str
    pdf: bytes
    sha256: str
    content: LetterContent


@dataclass(frozen=True)
class PrintedLetter:
    """One copy of a letter, rendered but not yet saved."""

    recipient: Recipient
    content: LetterContent
    pdf: bytes


@dataclass(frozen=True)
class LetterBatch:
    """What the letters of a batch share: Settings read once, and one PDF printer."""

    setup: LetterSetup
    printer: LetterPrinter

    @classmethod
    def start(cls, session: Session) -> LetterBatch:
        from caseworker.letters import LetterPrinter  # ReportLab loads on the first letter

        setup = LetterSetup.read(session)
        return cls(setup, LetterPrinter(setup.org))


def wants_large_print(party: PartyView) -> bool:
    """Whether the person's recorded format or adjustments ask for large print."""
    return asks_for_large_print(party.preferred_format, party.adjustments)


def letter_contents(
    session: Session,
    actor: Actor,
    setup: LetterSetup,
    reference: str,
    kind: LetterKind,
    *,
    today: date,
    large_print: bool = False,
) -> list[tuple[Recipient, LetterContent]]:
    """The letter's content for each addressee, plus copies.

    Raises:
        MissingContent: the case lacks what the letter must say.
        RuleBroken: nobody may receive the letter.
    """
    source = read_letter(session, actor, setup, reference, kind, today)
    out: list[tuple[Recipient, LetterContent]] = []
    main: LetterContent | None = None
    for r in recipients(kind, source.record_kind, tuple(p.facts for p in source.parties)):
        lp = large_print or source.party(r.person_id).large_print
        if r.addressee.role is AddresseeRole.COPY and main is not None:
            content = replace(copy_of(main, r.addressee), large_print=lp)
        else:
            facts = replace(source.case, copy_to=r.copy_to, large_print=lp)
            content = build_letter(kind, facts, setup.org, r.addressee, today, setup.templates)
            main = content
        out.append((r, content))
    # After the content checks (which name what is missing): nothing false may be said.
    check_letter(source.steps, kind, source.case.response_due, today)
    return out


def print_letters(
    session: Session,
    actor: Actor,
    batch: LetterBatch,
    reference: str,
    kind: LetterKind,
    *,
    today: date,
    large_print: bool = False,
) -> list[PrintedLetter]:
    """Every copy of the letter, rendered to PDF; nothing is saved.

    Raises:
        MissingContent, RuleBroken: as :func:`letter_contents` does.
    """
    return [
        PrintedLetter(recipient, content, batch.printer.render(content))
        for recipient, content in letter_contents(
            session, actor, batch.setup, reference, kind, today=today, large_print=large_print
        )
    ]


def _without_batch(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> tuple[tuple[object, ...], dict[str, object]]:
    return args, {k: v for k, v in kwargs.items() if k != "batch"}


@replicated(
    "make-letter",
    stored=_without_batch,
    extra=lambda made: {"pdfs": [m.pdf for m in made]},  # the bytes the resident gets
)
def make_letters(
    session: Session,
    actor: Actor,
    reference: str,
    kind: LetterKind,
    *,
    today: date,
    large_print: bool = False,
    expected_version: int | None = None,
    batch: LetterBatch | None = None,
) -> list[MadeLetter]:
    """Make a letter (one per addressee, plus copies) and save each with the correspondence.

    ``batch`` shares Settings and the printer between the letters of a batch.

    Raises:
        MissingContent: the case lacks what the letter must say (nothing is saved).
        RuleBroken: nobody may receive the letter.
    """
    case = begin_change(session, actor, reference, expected_version, "make-letter")
    printed = print_letters(
        session,
        actor,
        batch or LetterBatch.start(session),
        case.reference,
        kind,
        today=today,
        large_print=large_print,
    )
    made: list[MadeLetter] = []
    for p in printed:
        addressee, content = p.recipient.addressee, p.content
        digest = hashlib.sha256(p.pdf).hexdigest()
        row = Correspondence(
            case_id=case.id,
            kind="letter",
            letter_kind=kind.value,
            addressee_name=addressee.name,
            addressee_role=addressee.role.value,
            person_id=p.recipient.person_id,
            title=content.subject,
            made_at=datetime.now().replace(microsecond=0),
            made_by=actor.display_name,
            template=content.template_name,
            template_version=content.template_version,
            large_print=content.large_print,
            content=p.pdf,
            sha256=digest,
        )
        session.add(row)
        session.flush()
        made.append(
            MadeLetter(row.id, addressee.name, addressee.role.value, p.pdf, digest, content)
        )
    finish_change(
        session,
        actor,
        case,
        "make-letter",
        {
            "letter_kind": kind.value,
            "copies": [[m.addressee_name, m.addressee_role, m.sha256] for m in made],
        },
    )
    return made


def letter_pdf(session: Session, actor: Actor, correspondence_id: str) -> bytes:
    """The exact bytes of a saved letter (checked against its SHA-256), if the actor may see
    its case."""
    row = session.get(Correspondence, correspondence_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if row is None or (case is not None and case.restricted and not sees_restricted(actor)):
        raise NotFound(f"There is no letter {correspondence_id}")
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        raise RuleBroken(
            f"The saved letter {correspondence_id} does not match its fingerprint (SHA-256)"
        )
    return row.content


@replicated(
    "record-letter-sent",
    fields=("status", "stage1_responded", "stage2_responded"),
    locate=letter_case,
)
def mark_sent(
    session: Session,
    actor: Actor,
    correspondence_id: str,
    *,
    sent_on: date,
    method: str,
    expected_version: int | None = None,
    today: date,
) -> Correspondence:
    """Record when and how a letter went; a response letter's date becomes the response date."""
    row = session.get(Correspondence, correspondence_id)
    if row is None:
        raise NotFound(f"There is no letter {correspondence_id}")
    if method not in SENT_METHODS:
        raise InvalidInput(
            f"'{method}' is not a way of sending; use one of: {', '.join(SENT_METHODS)}"
        )
    case = session.get(Case, row.case_id)
    assert case is not None
    begin_change(session, actor, case.reference, expected_version, "record-letter-sent")
    not_future(sent_on, "The date sent", today)
    if sent_on < case.received:
        raise RuleBroken("A letter cannot be sent before the case was received")
    if row.sent_on is not None:
        raise RuleBroken(f"This letter was already marked sent on {row.sent_on.isoformat()}")
    row.sent_on, row.sent_method = sent_on, method
    changes: dict[str, object] = {"letter": row.id, "sent_on": sent_on, "method": method}
    stage = _RESPONSE_KINDS.get(LetterKind(row.letter_kind)) if row.letter_kind else None
    if stage is not None and row.addressee_role != "copy":
        prefix = f"stage{stage}"
        awaiting = Status.STAGE_1 if stage == 1 else Status.STAGE_2
        if getattr(case, f"{prefix}_responded") is None and case.status == awaiting.value:
            responded = Status.STAGE_1_RESPONDED if stage == 1 else Status.STAGE_2_RESPONDED
            changes.update(
                set_fields(case, **{f"{prefix}_responded": sent_on, "status": responded.value})
            )
    finish_change(session, actor, case, "record-letter-sent", changes)
    return row


def acknowledgements_due(session: Session, today: date) -> list[str]:
    """Complaints acknowledged today (either stage) with no acknowledgement letter yet."""
    made = select(Correspondence.case_id).where(
        Correspondence.letter_kind.in_(
            [LetterKind.STAGE1_ACKNOWLEDGEMENT.value, LetterKind.STAGE2_ACKNOWLEDGEMENT.value]
        )
    )
    rows = session.scalars(
        select(Case.reference)
        .where(
            ((Case.acknowledged == today) & (Case.status == Status.STAGE_1.value))
            | ((Case.stage2_acknowledged == today) & (Case.status == Status.STAGE_2.value)),
            Case.id.not_in(made),
        )
        .order_by(Case.reference)
    )
    return list(rows)


def batch_acknowledgements(
    store: Store,
    actor: Actor,
    *,
    today: date,
    progress: Callable[[int, int], bool] | None = None,
) -> tuple[list[MadeLetter], list[str]]:
    """Make every acknowledgement letter due today, each case's in a transaction of its own
    (a crash or a cancel keeps every letter already made); returns (made, problems).

    ``progress(done, total)`` returning False stops before the next case.
    """
    with store.read() as session:
        refs = acknowledgements_due(session, today)
        batch = LetterBatch.start(session) if refs else None
    made: list[MadeLetter] = []
    problems: list[str] = []
    for i, ref in enumerate(refs):
        if progress is not None and not progress(i, len(refs)):
            break
        try:
            with store.write() as session:
                case = get_case(session, actor, ref)
                kind = (
                    LetterKind.STAGE2_ACKNOWLEDGEMENT
                    if case.status == Status.STAGE_2.value
                    else LetterKind.STAGE1_ACKNOWLEDGEMENT
                )
                made.extend(make_letters(session, actor, ref, kind, today=today, batch=batch))
        except CaseworkerError as exc:
            problems.append(f"{ref}: {exc}")
    if progress is not None:
        progress(len(refs), len(refs))
    return made, problems

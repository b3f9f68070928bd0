"""Bringing in existing records from a spreadsheet: all rows or none, in one transaction."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.clocks import counted_extension_days
from caseworker.domain.errors import CaseworkerError, RuleBroken
from caseworker.domain.policy import Policy, load_policy
from caseworker.domain.vocab import RecordKind, Status, case_tenure
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.clocks import clock_columns, stopped_on
from caseworker.services.importer_read import UnreadableRows, read_table
from caseworker.services.importer_rows import (
    FORMAL_SUFFIX,
    ImportProblem,
    ImportRow,
    check_header,
    read_rows,
)
from caseworker.services.intake import choose_policy
from caseworker.services.permissions import check, sees_restricted
from caseworker.services.replication import no_case, replica_device, replicated
from caseworker.services.settings import (
    ensure_service_area,
    ensure_site,
    ensure_staff,
    ensure_theme,
    guess_is_housing,
    store_calendar,
)
from db.bulk import insert_many
from db.models import (
    Case,
    CaseLink,
    CaseParty,
    CaseServiceArea,
    CaseTheme,
    ExtensionRecord,
    Person,
    ServiceArea,
    Site,
    Staff,
    Theme,
    new_id,
)
from db.search import add_search_entries, contacts_text

BATCH = 2000
SHOWN_PROBLEMS = 50

# Called with (rows done, rows in all); returning False cancels the import.
Progress = Callable[[int, int], bool]


class ImportRefused(CaseworkerError):
    """The file has problems; nothing was imported. ``problems`` lists each one."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:SHOWN_PROBLEMS])
        more = len(self.problems) - SHOWN_PROBLEMS
        tail = f"\n  ...and {more} more" if more > 0 else ""
        count = len(self.problems)
        super().__init__(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}.\n"
            f"{shown}{tail}"
        )


class ImportCancelled(CaseworkerError):
    """The person cancelled the import; nothing was imported."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    file: str
    rows: int
    imported: int
    dry_run: bool
    by_kind: tuple[tuple[str, int], ...]
    new_sites: tuple[str, ...]
    new_service_areas: tuple[str, ...]
    new_themes: tuple[str, ...]
    new_handlers: tuple[str, ...]
    capped_extensions: int = 0
    withdrawn: int = 0
    restricted: int = 0
    three_stage: int = 0  # three-stage histories that reached the Formal stage
    formal_only: int = 0  # three-stage histories that started at the Formal stage

    def lines(self) -> list[str]:
        """The summary as plain lines for the command line and the app."""
        verb = "would import" if self.dry_run else "imported"
        out = [f"{self.file}: {verb} {self.rows} record{'s' if self.rows != 1 else ''}"]
        out += [f"  {kind}: {n}" for kind, n in self.by_kind]
        for label, names in (
            ("New sites", self.new_sites),
            ("New service areas", self.new_service_areas),
            ("New themes", self.new_themes),
            ("New handlers", self.new_handlers),
        ):
            if names:
                out.append(f"{label} ({'to be ' if self.dry_run else ''}added): {', '.join(names)}")
        if self.withdrawn:
            out.append(f"Withdrawn: {self.withdrawn}")
        if self.restricted:
            out.append(f"Restricted (shown only to staff given access): {self.restricted}")
        if self.three_stage:
            n = self.three_stage
            out.append(
                f"Three-stage histories that reached the Formal stage: {n} (each kept as two "
                f"linked records, the Formal stage and Stage 3 under its reference + "
                f"{FORMAL_SUFFIX}; each local stage received counts as a Stage 1 complaint)"
            )
        if self.formal_only:
            n = self.formal_only
            out.append(
                f"Three-stage histories that started at the Formal stage: {n} (each kept as "
                "one record under its own reference, with no Informal stage; its Formal stage "
                "counts as a Stage 1 complaint)"
            )
        if self.capped_extensions:
            n = self.capped_extensions
            out.append(
                f"{n} record{'s have' if n != 1 else ' has'} an extension beyond the policy's "
                "limit with no good reason recorded: the timescale stops at the limit"
            )
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


class _Policies:
    """The policy each row is imported under: its ``policy`` column, else the store's default
    for housing matters or others, by its first service area (a new area by its name)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.housing = {
            n.lower(): h
            for n, h in session.execute(select(ServiceArea.name, ServiceArea.is_housing))
        }
        self.defaults: dict[bool | None, Policy] = {}

    def of(self, row: ImportRow) -> Policy:
        if row.policy:
            return load_policy(row.policy)
        housing: bool | None = None
        if row.service_areas:
            first = row.service_areas[0]
            housing = self.housing.get(first.lower(), guess_is_housing(first))
        if housing not in self.defaults:
            self.defaults[housing] = choose_policy(self.session, housing, "")
        return self.defaults[housing]


def capped_extensions(rows: Sequence[ImportRow], policies: _Policies) -> int:
    """Rows with an extension beyond their policy's limit and no good reason recorded (the
    timescale stops at the limit: ``clocks.counted_extension_days``)."""
    capped = 0
    for row in rows:
        if not (row.stage1_extension_days or row.stage2_extension_days):
            continue
        policy = policies.of(row)
        capped += any(
            counted_extension_days(policy, stage, row.extensions(stage))
            < sum(e.days for e in row.extensions(stage))
            for stage in (1, 2)
        )
    return capped


def restricted_refused(rows: Sequence[ImportRow], actor: Actor) -> list[ImportProblem]:
    """Restricted rows, when the person importing may not see restricted cases."""
    if sees_restricted(actor):
        return []
    return [
        ImportProblem(
            r.row,
            "restricted",
            "only an officer or manager given access to restricted cases can import a "
            "restricted case",
        )
        for r in rows
        if r.restricted
    ]


class _Names:
    """Names already in a reference list, matched without regard to capitals."""

    def __init__(self, session: Session, model: Any) -> None:
        self.model = model
        self.known: dict[str, str] = {n.lower(): n for n in session.scalars(select(model.name))}
        self.new: dict[str, str] = {}
        self.used: dict[str, str] = {}  # lower-case name -> the spelling to store

    def see(self, name: str) -> None:
        key = name.lower()
        if key in self.used:
            return
        if key not in self.known:
            self.new[key] = name
        self.used[key] = self.known.get(key, name)


@dataclass
class _Lists:
    sites: _Names
    areas: _Names
    themes: _Names
    staff: _Names

    @classmethod
    def of(cls, session: Session, rows: list[ImportRow]) -> _Lists:
        lists = cls(
            _Names(session, Site),
            _Names(session, ServiceArea),
            _Names(session, Theme),
            _Names(session, Staff),
        )
        for row in rows:
            if row.site:
                lists.sites.see(row.site)
            for name in row.service_areas:
                lists.areas.see(name)
            for name in row.themes:
                lists.themes.see(name)
            for name in (row.stage1_handler, row.stage2_handler):
                if name:
                    lists.staff.see(name)
        return lists


def _taken_references(session: Session, rows: list[ImportRow]) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    by_ref = {r.reference: r.row for r in rows}
    refs = list(by_ref)
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        for ref in session.scalars(select(Case.reference).where(Case.reference.in_(chunk))):
            problems.append(
                ImportProblem(by_ref[ref], "reference", f"{ref} is already in the store")
            )
    return sorted(problems, key=lambda p: p.row)


def _status(row: ImportRow) -> Status:
    if row.refusal_reason is not None:
        return Status.REFUSED
    if row.withdrawn is not None:
        return Status.WITHDRAWN
    if row.closed is not None:
        return Status.CLOSED
    if row.stage2_responded:
        return Status.STAGE_2_RESPONDED
    if row.stage2_acknowledged:
        return Status.STAGE_2
    if row.escalated:
        return Status.STAGE_2_REQUESTED
    if row.stage1_responded:
        return Status.STAGE_1_RESPONDED
    if row.acknowledged:
        return Status.STAGE_1
    return Status.LOGGED


class _Writer:
    """Writes checked rows in batches with Core inserts: the columns the services write."""

    def __init__(self, session: Session, actor: Actor, lists: _Lists, today: date) -> None:
        self.session = session
        self.actor = actor
        self.today = today
        self.now = datetime.now().replace(microsecond=0)
        self.cal: WorkingCalendar = store_calendar(session)
        # Looked up (and any new ones added, audited) once, before the rows are written.
        self.sites = {k: ensure_site(session, actor, n).id for k, n in lists.sites.used.items()}
        self.areas = {
            k: ensure_service_area(session, actor, n) for k, n in lists.areas.used.items()
        }
        self.themes = {k: ensure_theme(session, actor, n).id for k, n in lists.themes.used.items()}
        self.staff = {k: ensure_staff(session, actor, n) for k, n in lists.staff.used.items()}
        self.policies = _Policies(session)  # after the new areas are added
        self.ids: dict[str, str] = {}  # reference -> case id, of the records written

    def _policy(self, row: ImportRow) -> Policy:
        return self.policies.of(row)

    def _case(self, row: ImportRow, case_id: str) -> dict[str, Any]:
        policy = self._policy(row)
        status = _status(row)
        refused_on = (row.closed or row.received) if status is Status.REFUSED else None
        closed_on = row.closed if status is Status.CLOSED else None
        facts = row.facts(stopped_on(status.value, refused_on, row.withdrawn, None, closed_on))
        s1 = self.staff.get(row.stage1_handler.lower()) if row.stage1_handler else None
        s2 = self.staff.get(row.stage2_handler.lower()) if row.stage2_handler else None
        handler = s2 if s2 is not None and row.stage2_acknowledged else s1
        replied = row.closed if row.kind.is_enquiry or row.kind.is_feedback else None
        values: dict[str, Any] = {
            "id": case_id,
            "reference": row.reference,
            "external_reference": "",
            "kind": row.kind.value,
            "status": status.value,
            "received": row.received,
            "issue_date": row.issue_date,
            "aware_date": None,
            "time_limit_reason": "",
            "channel": row.channel.value if row.channel else None,
            "site_id": self.sites[row.site.lower()] if row.site else None,
            "primary_service_area_id": (
                self.areas[row.service_areas[0].lower()].id if row.service_areas else None
            ),
            "policy_name": policy.name,
            "policy_version": policy.version,
            "ombudsman": policy.ombudsman.kind.value,
            "restricted": row.restricted,
            "description": row.description,
            "acknowledged": row.acknowledged,
            "stage1_handler_id": s1.id if s1 else None,
            "stage1_responded": row.stage1_responded,
            "stage1_decision": row.stage1_decision.value if row.stage1_decision else None,
            "escalated": row.escalated,
            "stage2_acknowledged": row.stage2_acknowledged,
            "stage2_handler_id": s2.id if s2 else None,
            "stage2_responded": row.stage2_responded,
            "stage2_decision": row.stage2_decision.value if row.stage2_decision else None,
            "replied": replied,
            "refused_on": refused_on,
            "refusal_reason": row.refusal_reason.value if row.refusal_reason else None,
            "refusal_explanation": row.refusal_explanation,
            "closed_on": closed_on,
            "withdrawn_on": row.withdrawn,
            "withdrawal_reason": row.withdrawal_reason,
            "withdrawn_by_resident": row.withdrawn_by_resident,
            "resident_name": row.resident_name if row.has_person else "",
            "representative_name": "",
            "handler_name": handler.name if handler else "",
            "auth_state": "not-needed",
            "has_adjustments": False,
            "complainant_tenure": case_tenure([row.tenure]) if row.has_person else None,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
            "updated_by": self.actor.display_name,
        }
        values.update(clock_columns(facts, policy, self.cal, status.value))
        return values

    def write(self, rows: Sequence[ImportRow], file: str) -> None:
        cases: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        parties: list[dict[str, Any]] = []
        areas: list[dict[str, Any]] = []
        themes: list[dict[str, Any]] = []
        extensions: list[dict[str, Any]] = []
        search: list[dict[str, str]] = []
        links: list[dict[str, str]] = []
        for row in rows:
            case_id = self.ids[row.reference] = new_id()
            cases.append(self._case(row, case_id))
            if row.informal_reference:
                informal_id = self.ids[row.informal_reference]
                reason = "The same complaint's Informal stage (a three-stage history)"
                links.append({"case_id": case_id, "linked_case_id": informal_id, "reason": reason})
                reason = "The same complaint's Formal stage and Stage 3 (a three-stage history)"
                links.append({"case_id": informal_id, "linked_case_id": case_id, "reason": reason})
            if row.has_person:
                person_id = new_id()
                people.append(_person(row, person_id))
                parties.append(
                    {
                        "id": new_id(),
                        "position": 1,
                        "case_id": case_id,
                        "person_id": person_id,
                        "role": "complainant",
                        "raised_it": True,
                    }
                )
            for i, name in enumerate(row.service_areas):
                areas.append(
                    {
                        "case_id": case_id,
                        "service_area_id": self.areas[name.lower()].id,
                        "is_primary": i == 0,
                    }
                )
            themes.extend(
                {"case_id": case_id, "theme_id": self.themes[name.lower()]} for name in row.themes
            )
            extensions.extend(
                {
                    "id": new_id(),
                    "position": position,
                    "case_id": case_id,
                    "stage": ext_stage,
                    "days": ext.days,
                    "reason": ext.reason,
                    "good_reason": ext.good_reason,
                    "told_on": None,
                    "recorded_on": self.today,
                }
                for position, (ext_stage, ext) in enumerate(
                    ((stage, ext) for stage in (1, 2) for ext in row.extensions(stage)), start=1
                )
            )
            search.append(
                {
                    "id": case_id,
                    "ref": row.reference,
                    "names": cases[-1]["resident_name"] + " ",
                    "contacts": contacts_text([row.postcode], [row.phone], [row.email]),
                    "description": row.description,
                }
            )
        s = self.session
        # The search entries first: on a server each case row takes its entry's document as
        # it is inserted (migration 0019), rather than being written a second time after.
        add_search_entries(s, search)
        for model, values in (
            (Person, people),
            (Case, cases),
            (CaseParty, parties),
            (CaseServiceArea, areas),
            (CaseTheme, themes),
            (ExtensionRecord, extensions),
            (CaseLink, links),
        ):
            table: Table = model.__table__  # type: ignore[assignment]
            insert_many(s, table, values)
        record_event(
            s,
            self.actor,
            "import",
            None,
            {
                "file": file,
                "rows": [rows[0].row, rows[-1].row],
                "references": [r.reference for r in rows],
            },
        )


def _person(row: ImportRow, person_id: str) -> dict[str, Any]:
    return {
        "id": person_id,
        "name": row.resident_name or "Name not recorded",
        "salutation": "",
        "address": row.address,
        "postcode": row.postcode,
        "phone": row.phone,
        "email": row.email,
        "tenure": row.tenure,
        "preferred_contact": "",
        "preferred_format": "",
        "disabilities": "",
        "adjustments": "",
        "restriction": "",
        "restriction_authorised_by": "",
        "do_not_contact": False,
        "anonymised": False,
    }


def _by_kind(rows: list[ImportRow]) -> tuple[tuple[str, int], ...]:
    counts = {k: 0 for k in RecordKind}
    for row in rows:
        counts[row.kind] += 1
    return tuple((k.label, n) for k, n in counts.items() if n)


def _file_and_day(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """What an import's intent keeps: the file's name and bytes and the day (the server
    imports the same rows, with the same keys, from them)."""
    path = Path(args[0] if args else kwargs["path"])
    return (path.name, path.read_bytes()), {"today": kwargs["today"]}


def new_names_offline(session: Session, lists: _Lists) -> None:
    """On a replica, refuse an import that names a site, service area, theme or handler the
    PC's lists do not hold (those lists keep the server's keys; see ``no_new_names_offline``).

    Raises:
        RuleBroken: one line naming every new name.
    """
    if replica_device(session) is None:
        return
    new = [
        f"{what} {name!r}"
        for what, names in (
            ("site", lists.sites),
            ("service area", lists.areas),
            ("theme", lists.themes),
            ("handler", lists.staff),
        )
        for name in names.new.values()
    ]
    if new:
        raise RuleBroken(
            f"This PC is offline and cannot add new names to its lists: {', '.join(new)}. "
            "Add them on the server and sync, then import again; nothing was imported"
        )


@replicated(
    "import",
    locate=no_case,
    stored=_file_and_day,
    changed=lambda kwargs, _summary: not kwargs.get("dry_run"),
)
def import_records(
    session: Session,
    actor: Actor,
    path: Path | str,
    *,
    dry_run: bool = False,
    today: date,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check every row of a CSV or XLSX file and, unless a dry run, import them all.

    The caller owns the transaction: on any problem this raises and writes nothing
    the caller keeps (the caller's ``with store.write()`` rolls back).

    Raises:
        ImportRefused: every problem found, each with its row and column.
        ImportCancelled: ``progress`` returned False.
        InvalidInput: the file cannot be read at all.
    """
    if not dry_run:
        check(actor, "import")
    path = Path(path)
    try:
        table = read_table(path)
    except UnreadableRows as exc:
        problems = [ImportProblem(p.row, p.column, p.message) for p in exc.problems]
        raise ImportRefused(problems) from None
    total = len(table.rows)

    def tick(done: int) -> None:
        # Checking is the first half of the work, writing the second.
        if progress is not None and progress(done // (1 if dry_run else 2), total) is False:
            raise ImportCancelled("The import was cancelled; nothing was imported")

    problems = check_header(table.header)
    if problems:
        raise ImportRefused(problems)
    rows, problems = read_rows(table, today, tick)
    problems += _taken_references(session, rows)
    problems += restricted_refused(rows, actor)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.row))
    lists = _Lists.of(session, rows)
    if not dry_run:
        new_names_offline(session, lists)
    summary = ImportSummary(
        file=path.name,
        rows=len(rows),
        imported=0 if dry_run else len(rows),
        dry_run=dry_run,
        by_kind=_by_kind(rows),
        new_sites=tuple(lists.sites.new.values()),
        new_service_areas=tuple(lists.areas.new.values()),
        new_themes=tuple(lists.themes.new.values()),
        new_handlers=tuple(lists.staff.new.values()),
        capped_extensions=capped_extensions(rows, _Policies(session)),
        withdrawn=sum(r.withdrawn is not None for r in rows),
        restricted=sum(r.restricted for r in rows),
        three_stage=sum(bool(r.informal_reference) for r in rows),
        formal_only=sum(r.formal_only for r in rows),
    )
    if dry_run:
        if progress is not None:
            progress(total, total)
        return summary
    writer = _Writer(session, actor, lists, today)
    for start in range(0, len(rows), BATCH):
        writer.write(rows[start : start + BATCH], path.name)
        done = min(start + BATCH, len(rows))
        if progress is not None and progress(total // 2 + done // 2, total) is False:
            raise ImportCancelled("The import was cancelled; nothing was imported")
    if progress is not None:
        progress(total, total)
    session.flush()
    return summary


def import_file(
    session: Session, actor: Actor, file_name: str, data: bytes, *, today: date
) -> ImportSummary:
    """Import a file's rows from its bytes (the server replaying an import made offline):
    the same checks and the same keys as ``import_records`` gave on the replica."""
    name = Path(file_name).name or "import.csv"  # never a path of the sender's choosing
    with tempfile.TemporaryDirectory(prefix="caseworker-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return import_records(session, actor, path, today=today)

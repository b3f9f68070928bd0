"""Checking each row of an import: columns, vocabulary, dates and historical consistency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import CaseFacts, Extension
from caseworker.domain.dates import parse_date
from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.lifecycle import CaseState, check_sequence, replay_step
from caseworker.domain.policy import Policy, available_policies, load_policy
from caseworker.domain.vocab import (
    Channel,
    Decision,
    ExclusionReason,
    RecordKind,
    Status,
    Tenure,
    Vocab,
    parse,
)
from caseworker.services.importer_read import Cell, RawTable

COLUMNS: tuple[str, ...] = (
    "reference",
    "kind",
    "received",
    "issue_date",
    "channel",
    "site",
    "service_areas",
    "themes",
    "tenant",
    "tenure",
    "resident_name",
    "address",
    "postcode",
    "phone",
    "email",
    "description",
    "acknowledged",
    "stage1_handler",
    "stage1_extension_days",
    "stage1_extension_reason",
    "stage1_extension_good_reason",
    "stage1_responded",
    "stage1_decision",
    "escalated",
    "stage2_acknowledged",
    "stage2_handler",
    "stage2_extension_days",
    "stage2_extension_reason",
    "stage2_extension_good_reason",
    "stage2_responded",
    "stage2_decision",
    "stage3_received",
    "stage3_acknowledged",
    "stage3_handler",
    "stage3_extension_days",
    "stage3_extension_reason",
    "stage3_extension_good_reason",
    "stage3_responded",
    "stage3_decision",
    "refused_reason",
    "withdrawn",
    "withdrawn_by_resident",
    "withdrawal_reason",
    "closed",
    "restricted",
    "policy",
)
REQUIRED: tuple[str, ...] = ("reference", "kind", "received")
_STAGE_COLUMNS: tuple[str, ...] = (
    *(
        c
        for c in COLUMNS
        if c.startswith(("stage1_", "stage2_", "stage3_", "acknowledged", "escalated"))
    ),
    "refused_reason",
    "withdrawn",
    "withdrawn_by_resident",
    "withdrawal_reason",
)

# The columns each stage has after its stage prefix.
_STAGE_PARTS = (
    "handler",
    "extension_days",
    "extension_reason",
    "extension_good_reason",
    "responded",
    "decision",
)

# Words that place a refusal explanation under an exclusion reason (first match wins).
_EXCLUSION_WORDS: tuple[tuple[ExclusionReason, tuple[str, ...]], ...] = (
    (ExclusionReason.OVER_TIME_LIMIT, ("time limit", "months ago", "out of time", "too late")),
    (ExclusionReason.LEGAL_PROCEEDINGS, ("legal", "court", "proceedings", "litigation")),
    (ExclusionReason.ALREADY_CONSIDERED, ("already",)),
    (ExclusionReason.STATUTORY_APPEAL, ("appeal", "tribunal")),
    (ExclusionReason.COUNCILLOR_CONDUCT, ("councillor conduct", "conduct of a councillor")),
    (ExclusionReason.GOVERNMENT_POLICY, ("government", "legislation")),
    (ExclusionReason.OTHER_ORGANISATION, ("organisation", "not our service", "another body")),
)

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}

# The ``tenure`` column: DOMAIN.md's three tenures, and the words councils' spreadsheets use
# for them. Shared owners hold a lease from the landlord (leaseholders); a private tenant
# rents from someone else, so is another resident (only the landlord's tenants count
# towards the TSMs). Matched without regard to capitals, hyphens or spaces.
TENURE_WORDS: dict[str, Tenure] = {
    **{w: Tenure.TENANT for w in ("tenant", "council tenant", "secure tenant", "assured tenant")},
    **{w: Tenure.TENANT for w in ("introductory tenant", "starter tenant", "flexible tenant")},
    **{w: Tenure.LEASEHOLDER for w in ("leaseholder", "shared owner", "shared ownership")},
    **{
        w: Tenure.OTHER_RESIDENT
        for w in (
            "other resident",
            "other",
            "private tenant",
            "owner occupier",
            "homeowner",
            "freeholder",
            "not a tenant",
        )
    },
}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file, where a person can find it."""

    row: int  # 1 is the header row
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportRow:
    """One record read and checked, ready to be written."""

    row: int
    reference: str
    kind: RecordKind
    received: date
    issue_date: date | None
    channel: Channel | None
    site: str
    service_areas: tuple[str, ...]
    themes: tuple[str, ...]
    tenure: str | None
    resident_name: str
    address: str
    postcode: str
    phone: str
    email: str
    description: str
    acknowledged: date | None
    stage1_handler: str
    stage1_extension_days: int
    stage1_extension_reason: str
    stage1_extension_good_reason: bool
    stage1_responded: date | None
    stage1_decision: Decision | None
    escalated: date | None
    stage2_acknowledged: date | None
    stage2_handler: str
    stage2_extension_days: int
    stage2_extension_reason: str
    stage2_extension_good_reason: bool
    stage2_responded: date | None
    stage2_decision: Decision | None
    refusal_reason: ExclusionReason | None
    refusal_explanation: str
    withdrawn: date | None
    withdrawn_by_resident: bool | None
    withdrawal_reason: str
    closed: date | None
    restricted: bool
    policy: str
    # A three-stage history's Formal record: the reference of its Informal record (linked).
    informal_reference: str = ""
    # A three-stage history that started at the Formal stage (it has no Informal record).
    formal_only: bool = False

    @property
    def has_person(self) -> bool:
        return any((self.resident_name, self.address, self.postcode, self.phone, self.email)) or (
            self.tenure is not None
        )

    def extensions(self, stage: int) -> tuple[Extension, ...]:
        """The stage's extension, if any, with its reason and whether that is a good one."""
        if stage == 1:
            days, reason, good = (
                self.stage1_extension_days,
                self.stage1_extension_reason,
                self.stage1_extension_good_reason,
            )
        else:
            days, reason, good = (
                self.stage2_extension_days,
                self.stage2_extension_reason,
                self.stage2_extension_good_reason,
            )
        return (Extension(days, reason, good),) if days else ()

    def facts(self, stopped_on: date | None) -> CaseFacts:
        """The dates that drive this record's clocks."""
        return CaseFacts(
            kind=self.kind,
            received=self.received,
            acknowledged=self.acknowledged,
            stage1_extensions=self.extensions(1),
            stage1_responded=self.stage1_responded,
            escalated=self.escalated,
            stage2_acknowledged=self.stage2_acknowledged,
            stage2_extensions=self.extensions(2),
            stage2_responded=self.stage2_responded,
            replied=self.closed if self.kind.is_enquiry or self.kind.is_feedback else None,
            stopped_on=stopped_on,
        )


def check_header(header: tuple[str, ...]) -> list[ImportProblem]:
    """Unknown, repeated and missing required columns, each named."""
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(ImportProblem(1, name, "this column appears twice"))
        elif name not in COLUMNS:
            problems.append(
                ImportProblem(
                    1,
                    name or "(blank)",
                    f"'{name}' is not a column Caseworker imports; "
                    f"the columns are: {', '.join(COLUMNS)}",
                )
            )
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            problems.append(ImportProblem(1, name, f"the required column '{name}' is missing"))
    return problems


def match_exclusion(text: str) -> ExclusionReason:
    """The exclusion reason a refusal explanation names or fits, else ``other``."""
    try:
        return parse(ExclusionReason, text)
    except InvalidInput:
        pass
    lower = text.lower()
    for reason, words in _EXCLUSION_WORDS:
        if any(w in lower for w in words):
            return reason
    return ExclusionReason.OTHER


_V = TypeVar("_V", bound=Vocab)


@lru_cache(maxsize=4096)
def _vocab(kind: type[Vocab], text: str) -> Vocab:
    """``vocab.parse``, remembered: a spreadsheet repeats the same few words on every row."""
    return parse(kind, text)


@lru_cache(maxsize=65536)
def _date(text: str) -> date:
    return parse_date(text)


_T = TypeVar("_T")


class _RowReader:
    """Reads one row's cells by column name, collecting problems instead of stopping."""

    def __init__(self, number: int, cells: dict[str, Cell], today: date) -> None:
        self.number = number
        self.cells = cells
        self.today = today
        self.problems: list[ImportProblem] = []

    def problem(self, column: str, message: str) -> None:
        self.problems.append(ImportProblem(self.number, column, message))

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime | date):
            return value.isoformat()[:10]
        return " ".join(str(value).split())  # runs of spaces, tabs or newlines as one space

    def _read(self, column: str, convert: Callable[[Cell], _T]) -> _T | None:
        value = self.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return convert(value)
        except CaseworkerError as exc:
            self.problem(column, str(exc))
            return None

    def date(self, column: str) -> date | None:
        def convert(value: Cell) -> date:
            if isinstance(value, int | float):
                raise InvalidInput(
                    f"{value!r} is a number, not a date; format the cell as a date or write "
                    "DD/MM/YYYY"
                )
            d = _date(value) if isinstance(value, str) else parse_date(value or "")
            if d > self.today:
                raise InvalidInput(f"{format_day(d)} is in the future")
            return d

        return self._read(column, convert)

    def vocab(self, column: str, kind: type[_V]) -> _V | None:
        return self._read(column, lambda v: _vocab(kind, str(v)))  # type: ignore[return-value]

    def days(self, column: str) -> int:
        def convert(value: Cell) -> int:
            text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
            if not isinstance(text, int) and not str(text).strip().isdigit():
                raise InvalidInput(f"'{value}' is not a whole number of working days")
            days = int(str(text).strip())
            if days < 1:
                raise InvalidInput("an extension must be at least 1 working day")
            return days

        return self._read(column, convert) or 0

    def names(self, column: str) -> tuple[str, ...]:
        parts = (p.strip() for p in self.text(column).split(";"))
        return tuple(dict.fromkeys(p for p in parts if p))

    def yes_no(self, column: str) -> bool | None:
        value = self.text(column).lower()
        if not value:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.problem(column, f"'{self.text(column)}' is not yes or no")
        return None

    def tenure(self) -> str | None:
        """From ``tenure`` (DOMAIN.md's words or a council's, see TENURE_WORDS) or the older
        ``tenant`` yes/no (no: another resident); both given must agree."""
        tenant = self.yes_no("tenant")
        from_tenant = None if tenant is None else ("tenant" if tenant else "other-resident")
        words = " ".join(self.text("tenure").lower().replace("-", " ").replace("_", " ").split())
        if not words:
            return from_tenant
        tenure = TENURE_WORDS.get(words)
        if tenure is None:
            self.problem(
                "tenure",
                f"'{self.text('tenure')}' is not a tenure Caseworker knows; use tenant, "
                "leaseholder, shared owner, private tenant or other",
            )
            return None
        if tenant is not None and (tenure is Tenure.TENANT) != tenant:
            self.problem(
                "tenure",
                f"'{self.text('tenure')}' disagrees with tenant '{self.text('tenant')}'; "
                "give one of them",
            )
            return None
        return tenure.value


# Where a broken sequence shows: the column of the later date the rule names.
_SEQUENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Stage 2 can only be requested", "escalated"),
    ("The Stage 2 request", "escalated"),
    ("Stage 2 cannot be acknowledged", "stage2_acknowledged"),
    ("The Stage 2 acknowledgement", "stage2_acknowledged"),
    ("The Stage 2 response", "stage2_responded"),
    ("A Stage 2 response", "stage2_responded"),
    ("The Stage 1 response", "stage1_responded"),
    ("A Stage 1 response", "stage1_responded"),
    ("The acknowledgement", "acknowledged"),
)


def _sequence_column(message: str) -> str:
    return next((col for start, col in _SEQUENCE_COLUMNS if message.startswith(start)), "received")


def _check_consistency(r: _RowReader, row: ImportRow) -> None:
    """History is checked for order, never against the Code (late stays late)."""
    if row.kind is not RecordKind.COMPLAINT:
        for column in _STAGE_COLUMNS:
            if r.text(column):
                r.problem(
                    column,
                    "only complaints have stages, refusals and withdrawals; leave it empty for a "
                    f"{row.kind.label.lower()}",
                )
        if not any(r.text(column) for column in _STAGE_COLUMNS):
            _check_replay(r, row)
        return
    try:
        check_sequence(row.facts(None), historical=True)
    except CaseworkerError as exc:
        r.problem(_sequence_column(str(exc)), str(exc))
    pairs: tuple[tuple[str, object, object, str], ...] = (
        ("stage1_decision", row.stage1_decision, row.stage1_responded, "stage1_responded"),
        ("stage2_decision", row.stage2_decision, row.stage2_responded, "stage2_responded"),
        ("stage1_extension_days", row.stage1_extension_days, row.acknowledged, "acknowledged"),
        ("stage2_extension_days", row.stage2_extension_days, row.escalated, "escalated"),
        (
            "stage1_extension_good_reason",
            row.stage1_extension_good_reason,
            row.stage1_extension_days,
            "stage1_extension_days",
        ),
        (
            "stage2_extension_good_reason",
            row.stage2_extension_good_reason,
            row.stage2_extension_days,
            "stage2_extension_days",
        ),
        ("withdrawn_by_resident", r.text("withdrawn_by_resident"), row.withdrawn, "withdrawn"),
        ("withdrawal_reason", row.withdrawal_reason, row.withdrawn, "withdrawn"),
    )
    for column, value, needed, needed_column in pairs:
        if value and not needed:
            r.problem(column, f"is given but {needed_column} is empty")
    for stage in (1, 2):
        given = row.extensions(stage)
        if given and given[0].good_reason and not given[0].reason:
            r.problem(
                f"stage{stage}_extension_good_reason",
                f"a good reason must be recorded: write it in stage{stage}_extension_reason",
            )
    if row.refusal_reason is not None and (row.stage1_responded or row.escalated):
        r.problem("refused_reason", "a refused complaint cannot also have a Stage 1 response")
    if row.withdrawn is not None:
        if row.refusal_reason is not None:
            r.problem("withdrawn", "a refused complaint cannot also be withdrawn")
        if row.closed is not None:
            r.problem("closed", "a withdrawn complaint has no closing date; leave closed empty")
    if (
        row.closed is not None
        and row.refusal_reason is None
        and row.withdrawn is None
        and row.stage1_responded is None
    ):
        r.problem(
            "closed",
            "a complaint is closed only after a response; give stage1_responded, "
            "refused_reason if it was not taken on, or withdrawn if it was withdrawn",
        )
    _check_replay(r, row)


def history_steps(row: ImportRow) -> list[tuple[str, str]]:
    """The steps an imported complaint's dates record, with the column of each, in order.

    Imported history may skip an acknowledgement (it is implied by the response); a case
    closed while its Stage 2 request was awaiting acknowledgement had the escalation refused.
    """
    steps: list[tuple[str, str]] = []
    if row.acknowledged or row.stage1_responded:
        steps.append(("acknowledge", "acknowledged"))
    if row.stage1_responded:
        steps.append(("respond-stage-1", "stage1_responded"))
    if row.escalated:
        steps.append(("escalate", "escalated"))
    if row.stage2_acknowledged or row.stage2_responded:
        steps.append(("acknowledge-stage-2", "stage2_acknowledged"))
    if row.stage2_responded:
        steps.append(("respond-stage-2", "stage2_responded"))
    if row.refusal_reason is not None:
        steps.append(("refuse", "refused_reason"))
    elif row.withdrawn is not None:
        steps.append(("withdraw", "withdrawn"))
    elif row.closed is not None:
        awaiting_ack = row.escalated and not (row.stage2_acknowledged or row.stage2_responded)
        steps.append(("refuse-escalation" if awaiting_ack else "close", "closed"))
    return steps


def _check_replay(r: _RowReader, row: ImportRow) -> None:
    """The history goes through the lifecycle table, as the same steps in the app would
    (once the row's own checks have passed, so one mistake is reported once)."""
    if r.problems:
        return
    state = CaseState(row.kind, Status.LOGGED)
    for step, column in history_steps(row):
        try:
            state = replay_step(state, step, row.reference or "this row")
        except CaseworkerError as exc:
            r.problem(column, str(exc))
            return


def _check_closed(r: _RowReader, row: ImportRow) -> None:
    """Closed or withdrawn on or after the case's last step."""
    latest = max(
        d
        for d in (
            row.received,
            row.acknowledged,
            row.stage1_responded,
            row.escalated,
            row.stage2_acknowledged,
            row.stage2_responded,
        )
        if d is not None
    )
    for column, ended in (("closed", row.closed), ("withdrawn", row.withdrawn)):
        if ended is not None and ended < latest:
            r.problem(
                column,
                f"{format_day(ended)} is before the case's last step, {format_day(latest)}",
            )


def read_row(number: int, cells: dict[str, Cell], today: date) -> ImportRow | list[ImportProblem]:
    """One row, checked: the record, or every problem found in it."""
    r = _RowReader(number, cells, today)
    reference = r.text("reference")
    if not reference:
        r.problem("reference", "every record needs a reference")
    elif len(reference) > 40:
        r.problem("reference", "a reference can be at most 40 characters")
    kind = r.vocab("kind", RecordKind)
    if kind is None and not r.text("kind"):
        r.problem("kind", "every record needs a kind (complaint, compliment, ...)")
    received = r.date("received")
    if received is None and not r.text("received"):
        r.problem("received", "every record needs the date it was received")
    policy = r.text("policy")
    if policy and policy not in _shipped():
        r.problem(
            "policy",
            f"'{policy}' is not a policy; use one of: "
            f"{', '.join(available_policies())}, or leave it empty",
        )
    refused = r.text("refused_reason")
    values = {
        "issue_date": r.date("issue_date"),
        "channel": r.vocab("channel", Channel),
        "tenure": r.tenure(),
        "acknowledged": r.date("acknowledged"),
        "stage1_extension_days": r.days("stage1_extension_days"),
        "stage1_responded": r.date("stage1_responded"),
        "stage1_decision": r.vocab("stage1_decision", Decision),
        "escalated": r.date("escalated"),
        "stage2_acknowledged": r.date("stage2_acknowledged"),
        "stage2_extension_days": r.days("stage2_extension_days"),
        "stage2_responded": r.date("stage2_responded"),
        "stage2_decision": r.vocab("stage2_decision", Decision),
        "closed": r.date("closed"),
        "withdrawn": r.date("withdrawn"),
        "withdrawn_by_resident": r.yes_no("withdrawn_by_resident"),
        "stage1_extension_good_reason": bool(r.yes_no("stage1_extension_good_reason")),
        "stage2_extension_good_reason": bool(r.yes_no("stage2_extension_good_reason")),
        "restricted": bool(r.yes_no("restricted")),
    }
    if kind is None or received is None or r.problems:
        return r.problems
    row = ImportRow(
        row=number,
        reference=reference,
        kind=kind,
        received=received,
        site=r.text("site"),
        service_areas=r.names("service_areas"),
        themes=r.names("themes"),
        resident_name=r.text("resident_name"),
        address=r.text("address"),
        postcode=r.text("postcode").upper(),
        phone=r.text("phone"),
        email=r.text("email"),
        description=r.text("description"),
        stage1_handler=r.text("stage1_handler"),
        stage1_extension_reason=r.text("stage1_extension_reason"),
        stage2_extension_reason=r.text("stage2_extension_reason"),
        stage2_handler=r.text("stage2_handler"),
        withdrawal_reason=r.text("withdrawal_reason"),
        refusal_reason=match_exclusion(refused) if refused else None,
        refusal_explanation=refused,
        policy=policy,
        **values,  # type: ignore[arg-type]
    )
    _check_consistency(r, row)
    _check_closed(r, row)
    for column, d in (("issue_date", row.issue_date),):
        if d is not None and d > row.received:
            r.problem(column, f"{format_day(d)} is after the date received")
    return r.problems or row


def read_rows(
    table: RawTable, today: date, progress: Callable[[int], None] | None = None
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Every row of the table checked; references must be unique within the file."""
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    first_seen: dict[str, int] = {}
    width = len(table.header)
    for i, (number, cells) in enumerate(table.rows):
        if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
            problems.append(ImportProblem(number, "", "this row has more cells than the header"))
        named = dict(zip(table.header, cells, strict=False))
        records, found = read_record(number, named, today)
        problems.extend(found)
        for result in records:
            earlier = first_seen.setdefault(result.reference, number)
            if earlier != number:
                problems.append(
                    ImportProblem(
                        number, "reference", f"{result.reference} is also on row {earlier}"
                    )
                )
            rows.append(result)
        if progress is not None and i % 1000 == 999:
            progress(i + 1)
    return rows, problems


# A three-stage history (a policy with ``[three_stages]``): the spreadsheet's Stage 1 columns
# hold the Informal stage, its Stage 2 columns the Formal stage and the stage3_ columns the
# local Stage 3. Caseworker keeps the Informal stage as one record (under the scheme's
# Informal policy, ended when the Formal stage was asked for) and the Formal stage with
# Stage 3 as another (its Stage 1 and Stage 2), linked: under the Code each local stage
# received is a Stage 1 complaint, and Stage 3 is the Code's Stage 2 (DOMAIN.md).
FORMAL_SUFFIX = "-FORMAL"
STAGE3_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c.startswith("stage3_"))
# The Formal record's column -> the spreadsheet's column it is read from.
_FORMAL_FROM: dict[str, str] = {
    "received": "escalated",
    **{f"stage1_{c}": f"stage2_{c}" for c in _STAGE_PARTS},
    "acknowledged": "stage2_acknowledged",
    "escalated": "stage3_received",
    **{f"stage2_{c}": f"stage3_{c}" for c in _STAGE_PARTS},
    "stage2_acknowledged": "stage3_acknowledged",
}
_ENDINGS = ("withdrawn", "withdrawn_by_resident", "withdrawal_reason", "closed")
# Read by the Formal record as they are: every column about the complaint rather than one of
# its stages (taken from COLUMNS, so a column added there reaches the Formal record too), and
# how it ended. Not the reference, date received or policy: the Formal record has its own.
_FORMAL_SAME = tuple(
    c
    for c in COLUMNS
    if c in _ENDINGS or c not in (*_STAGE_COLUMNS, "reference", "received", "policy")
)
# The Informal stage's columns: none given (and escalated given) is a history that started
# at the Formal stage.
_INFORMAL_COLUMNS = ("acknowledged", *(f"stage1_{c}" for c in _STAGE_PARTS))
# Read by a record that started at the Formal stage as they are, besides _FORMAL_SAME (in a
# split history they are the Informal record's).
_FORMAL_OWN = ("reference", "refused_reason")


def _mapped(
    problems: list[ImportProblem], columns: dict[str, str], *, formal: bool = False
) -> list[ImportProblem]:
    """Problems found in a part of a row, named by the spreadsheet's columns (and, for the
    Formal record, its stages by their local names)."""

    def words(message: str) -> str:
        if not formal:
            return message
        return message.replace("Stage 2", "Stage 3").replace("Stage 1", "Formal stage")

    return [
        ImportProblem(p.row, columns.get(p.column, p.column), words(p.message)) for p in problems
    ]


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Policy]:
    """The shipped policies by name (read once: every row of a file asks)."""
    return {name: load_policy(name) for name in available_policies()}


def read_record(
    number: int, cells: dict[str, Cell], today: date
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """The records one row holds (two for a three-stage history that reached its Formal
    stage), or the problems found in it."""
    policy_name = " ".join(str(cells.get("policy") or "").split())
    policy = _shipped().get(policy_name) if policy_name else None
    given = [c for c in STAGE3_COLUMNS if cells.get(c) not in (None, "")]
    if policy is not None and policy.informal_of:
        return [], [
            ImportProblem(
                number,
                "policy",
                f"{policy_name} is for the Informal stage of {policy.informal_of} records; "
                f"give policy {policy.informal_of}, with the Informal stage in the Stage 1 "
                "columns",
            )
        ]
    if policy is None or not policy.three_stage:
        if any(str(cells[c]).strip() for c in given):
            given = [c for c in given if str(cells[c]).strip()]
            schemes = [name for name, p in _shipped().items() if p.three_stage]
            return [], [
                ImportProblem(
                    number,
                    c,
                    "only a record under a three-stage policy has a Stage 3; give policy "
                    f"{' or '.join(schemes)}, with the Informal stage in the Stage 1 columns "
                    "and the Formal stage in the Stage 2 columns",
                )
                for c in given
            ]
        result = read_row(number, cells, today)
        return ([], result) if isinstance(result, list) else ([result], [])
    return _three_stages(number, cells, today, policy)


def _given(cells: dict[str, Cell], columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if str(cells.get(c) or "").strip()]


def _three_stages(
    number: int, cells: dict[str, Cell], today: date, policy: Policy
) -> tuple[list[ImportRow], list[ImportProblem]]:
    formal_asked = str(cells.get("escalated") or "").strip() != ""
    if formal_asked and not _given(cells, _INFORMAL_COLUMNS):
        return _formal_only(number, cells, today, policy)
    informal = {
        c: v for c, v in cells.items() if not c.startswith(("stage2_", "stage3_", "escalated"))
    }
    informal["policy"] = policy.informal_policy
    informal_columns: dict[str, str] = {}
    if formal_asked:
        # The Informal stage ended when the Formal stage was asked for; how the complaint
        # ended (closed, withdrawn) belongs to the Formal record.
        for c in _ENDINGS:
            informal.pop(c, None)
        informal["closed"] = cells["escalated"]
        informal_columns["closed"] = "escalated"
        if not str(cells.get("stage1_responded") or "").strip():
            return [], [
                ImportProblem(
                    number,
                    "escalated",
                    "the Formal stage (escalated) follows the Informal stage's response: give "
                    "stage1_responded (for a complaint that started at the Formal stage, leave "
                    "the Informal stage's columns empty and give escalated as the date received)",
                )
            ]
    first = read_row(number, informal, today)
    if isinstance(first, list):
        return [], _mapped(first, informal_columns)
    if not formal_asked:
        stray = _given(cells, tuple(c for c in COLUMNS if c in _FORMAL_FROM.values()))
        if stray:
            return [], [
                ImportProblem(
                    number,
                    c,
                    "is given but escalated (the Formal stage) is empty; for a complaint that "
                    "started at the Formal stage, give escalated as the date received",
                )
                for c in stray
            ]
        return [first], []
    formal: dict[str, Cell] = {c: cells[c] for c in _FORMAL_SAME if c in cells}
    formal.update({to: cells[c] for to, c in _FORMAL_FROM.items() if c in cells})
    formal["reference"] = f"{first.reference}{FORMAL_SUFFIX}"
    formal["policy"] = policy.name
    second = read_row(number, formal, today)
    if isinstance(second, list):
        return [], _mapped(second, _FORMAL_FROM, formal=True)
    return [first, replace(second, informal_reference=first.reference)], []


def _formal_only(
    number: int, cells: dict[str, Cell], today: date, policy: Policy
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """A three-stage history that started at the Formal stage (no Informal stage given):
    one record under the row's reference, its Formal stage the record's Stage 1 and the
    local Stage 3 its Stage 2, as for the Formal record of a split history. The Formal
    stage was asked for when the complaint was received, so ``escalated`` must be that day:
    a later date with no Informal stage before it is a gap the row does not explain."""
    reader = _RowReader(number, cells, today)
    received = reader.date("received")
    if received is None and not reader.problems:
        reader.problem("received", "every record needs the date it was received")
    formal: dict[str, Cell] = {c: cells[c] for c in (*_FORMAL_SAME, *_FORMAL_OWN) if c in cells}
    formal.update({to: cells[c] for to, c in _FORMAL_FROM.items() if c in cells})
    formal["policy"] = policy.name
    found = read_row(number, formal, today)
    if isinstance(found, list) or received is None:
        problems = found if isinstance(found, list) else []
        return [], [*reader.problems, *_mapped(problems, _FORMAL_FROM, formal=True)]
    if received != found.received:
        return [], [
            ImportProblem(
                number,
                "escalated",
                f"{format_day(found.received)} is not the date received ({format_day(received)}), "
                "and no Informal stage is given: for a complaint that started at the Formal "
                "stage, escalated is the date received; else give the Informal stage in the "
                "Stage 1 columns (acknowledged, stage1_responded)",
            )
        ]
    return [replace(found, formal_only=True)], []

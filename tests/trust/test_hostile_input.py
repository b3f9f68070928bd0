"""Hostile text, dates and numbers at the services: each call succeeds or fails cleanly.

A failure must be a CaseworkerError (a message a person can act on), never another
exception, and must leave every table exactly as it was.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from trust_helpers import ADMIN, TODAY, counts, log

from caseworker.domain.errors import CaseworkerError
from caseworker.services import ending, records, stages
from caseworker.services.audit import verify_chain
from caseworker.services.intake import NewRecord, RepresentativeInput, log_record
from caseworker.services.people import PersonInput, add_person
from caseworker.services.settings import set_setting
from db.store import Store, open_store

EXAMPLES = max(20, settings().max_examples // 5)  # 40 in CI, 400 with the dev profile
TRIED: Counter[str] = Counter()
SUCCEEDED: Counter[str] = Counter()
FAILED_CLEANLY: Counter[str] = Counter()
CRASHED: Counter[str] = Counter()  # an exception other than a CaseworkerError
PARTIAL: Counter[str] = Counter()  # failed, yet changed the store

HOSTILE_WORDS = [
    "",
    " ",
    "\x00",
    "\ud800",
    "Robert'); DROP TABLE cases;--",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    'NEAR(a b) AND "x"* OR ^y',
    "‮evil",
    "𝕏" * 300,
    "a" * 25_000,
    "\r\n\t",
    "null",
    "complaint",
    "telephone",
    "upheld",
    "2026-02-30",
    "31/12/9999",
]
PLAIN_WORDS = ["Jane Doe", "The roof leaks", "S43 4JJ", "Housing Repairs", "C. Patel", "apology"]
# Plain values half the time, so calls get past the first check and reach the writes.
text = st.one_of(
    st.sampled_from(PLAIN_WORDS), st.text(max_size=300), st.sampled_from(HOSTILE_WORDS)
)
dates = st.one_of(
    st.dates(min_value=date(2026, 2, 2), max_value=date(2026, 6, 1)),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.integers(min_value=-5, max_value=40)
)
money = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-1000, max_value=100_000, places=2),
)


@pytest.fixture(scope="module")
def shared_store(template_store: Path) -> Iterator[Store]:
    """One store on a RAM disk where there is one (fsync is not what is tested here)."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="caseworker-hostile-", dir=base))
    shutil.copyfile(template_store, folder / "store.sqlite")
    store = open_store(folder / "store.sqlite")
    yield store
    store.close()
    shutil.rmtree(folder, ignore_errors=True)


def attempt(store: Store, name: str, action: Callable[[Session], Any]) -> bool:
    """Run one action, counting how it ended; True if it saved.

    A failure must be a CaseworkerError with a message and change nothing; anything else
    is counted (and fails the test, so hypothesis shows the smallest input that does it).
    """
    TRIED[name] += 1
    before = counts(store)
    try:
        with store.write() as s:
            action(s)
    except CaseworkerError as exc:
        if counts(store) != before:
            PARTIAL[name] += 1
            raise AssertionError(f"{name} failed but changed the store") from exc
        assert str(exc).strip(), "an error must say what is wrong"
        FAILED_CLEANLY[name] += 1
        return False
    except Exception:
        CRASHED[name] += 1
        raise
    SUCCEEDED[name] += 1
    return True


def fresh_case(store: Store, kind: str = "complaint") -> str:
    return log(store, ADMIN, kind=kind)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(
    kind=text,
    received=dates,
    name=text,
    postcode=text,
    description=text,
    channel=text,
    area=text,
    issue=st.none() | dates,
    restricted=st.booleans(),
    rep_state=text,
    rep_sent=st.none() | dates,
)
def test_log_record(shared_store: Store, **f: Any) -> None:
    reps = ()
    if f["rep_state"] != "":
        reps = (
            RepresentativeInput(
                person=PersonInput(name=f["name"][::-1] or "X"),
                auth_state=f["rep_state"],
                auth_sent_on=f["rep_sent"],
            ),
        )
    new = NewRecord(
        kind=f["kind"] if len(f["kind"]) % 3 == 1 else "complaint",
        received=f["received"],
        complainants=(PersonInput(name=f["name"], postcode=f["postcode"]),),
        description=f["description"],
        channel=f["channel"],
        service_areas=(f["area"],),
        issue_date=f["issue"],
        restricted=f["restricted"],
        representatives=reps,
    )
    attempt(shared_store, "log_record", lambda s: log_record(s, ADMIN, new, today=TODAY))


@SETTINGS
@given(body=text, version=st.none() | numbers)
def test_add_note(shared_store: Store, body: str, version: int | None) -> None:
    ref = fresh_case(shared_store)
    attempt(
        shared_store,
        "add_note",
        lambda s: records.add_note(s, ADMIN, ref, text=body, expected_version=version),
    )


@SETTINGS
@given(on=dates, points=st.lists(text, max_size=4), outcomes=text, handler=text, ref_text=text)
def test_acknowledge(
    shared_store: Store, on: date, points: list[str], outcomes: str, handler: str, ref_text: str
) -> None:
    ref = fresh_case(shared_store) if len(ref_text) % 4 else ref_text
    definition = stages.Definition(points=tuple(points), outcomes_sought=outcomes)
    attempt(
        shared_store,
        "acknowledge",
        lambda s: stages.acknowledge(
            s,
            ADMIN,
            ref,
            acknowledged=on,
            definition=definition,
            handler=handler,
            expected_version=None,
            today=TODAY,
        ),
    )


def acknowledged_case(store: Store) -> str:
    ref = fresh_case(store)
    with store.write() as s:
        stages.acknowledge(
            s,
            ADMIN,
            ref,
            acknowledged=date(2026, 2, 4),
            definition=stages.Definition(points=("Roof",), outcomes_sought="Fix it"),
            handler="C. Patel",
            expected_version=None,
            today=TODAY,
        )
    return ref


@SETTINGS
@given(days=numbers, reason=text, told=dates, good=st.booleans())
def test_extend(shared_store: Store, days: int, reason: str, told: date, good: bool) -> None:
    ref = acknowledged_case(shared_store)
    attempt(
        shared_store,
        "extend",
        lambda s: stages.extend(
            s,
            ADMIN,
            ref,
            days=days,
            reason=reason,
            told_on=told,
            good_reason=good,
            expected_version=None,
            today=TODAY,
        ),
    )


@SETTINGS
@given(
    sent=st.none() | dates,
    decision=text | st.sampled_from(["upheld", "partly-upheld", "not-upheld"]),
    reasons=text,
    remedy_kind=text | st.sampled_from(["apology", "financial"]),
    amount=money,
    action=text,
    due=st.none() | dates,
)
def test_respond(shared_store: Store, **f: Any) -> None:
    ref = acknowledged_case(shared_store)
    response = stages.Response(
        sent_on=f["sent"],
        decision=f["decision"],
        reasons=f["reasons"],
        points=(stages.PointDecision(f["decision"], f["reasons"]),),
        remedies=(stages.RemedyInput(f["remedy_kind"], f["reasons"], f["amount"], f["due"]),),
        actions=(stages.ActionInput(f["action"], f["due"]),),
    )
    attempt(
        shared_store,
        "respond",
        lambda s: stages.respond(
            s, ADMIN, ref, response=response, expected_version=None, today=TODAY
        ),
    )


@SETTINGS
@given(
    field=st.sampled_from(["received", "issue_date", "channel", "description", "x", ""]) | text,
    value=text | dates.map(str),
    reason=text,
)
def test_correct_fact(shared_store: Store, field: str, value: str, reason: str) -> None:
    ref = acknowledged_case(shared_store)
    attempt(
        shared_store,
        "correct_fact",
        lambda s: ending.correct_fact(
            s,
            ADMIN,
            ref,
            field=field,
            value=value,
            reason=reason,
            expected_version=None,
            today=TODAY,
        ),
    )


@SETTINGS
@given(on=dates, reason=text, explanation=text, withdraw=st.booleans())
def test_refuse_withdraw_close(
    shared_store: Store, on: date, reason: str, explanation: str, withdraw: bool
) -> None:
    ref = fresh_case(shared_store)
    if withdraw:
        attempt(
            shared_store,
            "withdraw",
            lambda s: ending.withdraw(
                s, ADMIN, ref, withdrawn_on=on, reason=reason, expected_version=None, today=TODAY
            ),
        )
    else:
        attempt(
            shared_store,
            "refuse",
            lambda s: ending.refuse(
                s,
                ADMIN,
                ref,
                refused_on=on,
                reason=reason,
                explanation=explanation,
                expected_version=None,
                today=TODAY,
            ),
        )
    compliment = fresh_case(shared_store, "compliment")
    attempt(
        shared_store,
        "close",
        lambda s: ending.close(
            s, ADMIN, compliment, closed_on=on, expected_version=None, today=TODAY
        ),
    )


@SETTINGS
@given(
    name=text,
    email=text,
    tenure=text,
    review=st.none() | dates,
    restriction=text,
    key=st.sampled_from(["retention_years", "reference_prefix", "nation", "nope"]),
    value=text | numbers,
)
def test_people_and_settings(shared_store: Store, **f: Any) -> None:
    person = PersonInput(
        name=f["name"],
        email=f["email"],
        tenure=f["tenure"],
        adjustments_review=f["review"],
        restriction=f["restriction"],
    )
    attempt(shared_store, "add_person", lambda s: add_person(s, ADMIN, person))
    attempt(shared_store, "set_setting", lambda s: set_setting(s, ADMIN, f["key"], f["value"]))


IMPORT_COLUMNS = ["reference", "kind", "received", "resident_name", "description", "site"]
LONG_FIELDS = ["N" * 201, "d" * 20_001, "x" * 131_073]
_REFERENCES = iter(range(1, 10**9))


# A valid value half the time so that whole files get past the checks and are written.
# Rows of two sorts: clean rows, with long fields just inside intake's limits, so that
# whole files get past every check and are written; and hostile rows (refused, cleanly).
LONGEST = ["N" * 200, "d" * 20_000]
clean_row = st.tuples(
    st.just(True),
    st.sampled_from(["complaint", "compliment", "service-request"]),
    st.sampled_from(["2026-01-05", "05/01/2026", "2025-11-30"]),
    st.sampled_from([*PLAIN_WORDS, LONGEST[0]]),
    st.sampled_from([*PLAIN_WORDS, LONGEST[1]]),
    st.sampled_from(PLAIN_WORDS),
)
hostile_row = st.tuples(
    st.booleans(),
    st.one_of(st.sampled_from(["complaint", "compliment"]), text),
    st.one_of(st.just("2026-01-05"), text, st.just("2026-02-30")),
    st.one_of(text, st.sampled_from(LONG_FIELDS)),
    st.one_of(text, st.sampled_from(LONG_FIELDS)),
    text,
)
import_rows = st.one_of(
    st.lists(clean_row, min_size=1, max_size=4),
    st.lists(st.one_of(clean_row, hostile_row), min_size=1, max_size=4),
)


def _cells(rows: list[tuple[bool, str, str, str, str, str]]) -> list[list[str]]:
    """The rows as cells: a fresh reference unless the row is to be given a hostile one."""
    out = []
    for fresh, kind, received, name, description, site in rows:
        reference = f"H-{next(_REFERENCES)}" if fresh else name[:50]
        out.append([reference, kind, received, name, description, site])
    return out


def _import(store: Store, path: Path, kind: str) -> None:
    importer = pytest.importorskip("caseworker.services.importer")
    attempt(store, f"import_{kind}", lambda s: importer.import_records(s, ADMIN, path, today=TODAY))


@SETTINGS
@given(rows=import_rows)
def test_importer_csv(
    shared_store: Store, rows: list[tuple[bool, str, str, str, str, str]]
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="caseworker-import-"))
    path = folder / "rows.csv"
    with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as fh:
        writer = csv.writer(fh)
        writer.writerow(IMPORT_COLUMNS)
        writer.writerows(_cells(rows))
    try:
        _import(shared_store, path, "csv")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@SETTINGS
@given(rows=import_rows)
def test_importer_xlsx(
    shared_store: Store, rows: list[tuple[bool, str, str, str, str, str]]
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(IMPORT_COLUMNS)
    for row in _cells(rows):
        # An XLSX file cannot hold control characters or lone surrogates; the rest goes in.
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", c).encode("utf-8", "replace").decode() for c in row]
        )
    folder = Path(tempfile.mkdtemp(prefix="caseworker-import-"))
    path = folder / "rows.xlsx"
    book.save(path)
    try:
        _import(shared_store, path, "xlsx")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_zz_the_chain_holds_after_all_of_it(shared_store: Store) -> None:
    with shared_store.read() as s:
        assert verify_chain(s) is None
    total = sum(TRIED.values())
    crashes, partial = sum(CRASHED.values()), sum(PARTIAL.values())
    print(
        f"hostile inputs tried: {total}; saved: {sum(SUCCEEDED.values())}; failed cleanly: "
        f"{sum(FAILED_CLEANLY.values())}; crashes: {crashes}; partial writes: {partial}; "
        f"imports written: CSV {SUCCEEDED['import_csv']} of {TRIED['import_csv']}, "
        f"XLSX {SUCCEEDED['import_xlsx']} of {TRIED['import_xlsx']}"
    )
    assert total > 0 and crashes == 0 and partial == 0
    assert total == sum(SUCCEEDED.values()) + sum(FAILED_CLEANLY.values())
    # The importer's write path was reached with both kinds of file.
    assert SUCCEEDED["import_csv"] > 0 and SUCCEEDED["import_xlsx"] > 0

"""The case list: keyset pages in every sort, counts under each filter, search, queue counts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from casework import (
    MANAGER,
    TODAY,
    act,
    complaint_at,
    load,
    log,
    person,
    representative,
)
from sqlalchemy import select, text

import db.queries
from caseworker.services import authorisation, ending, followups
from caseworker.services.people import PersonInput
from db.models import Case, ServiceArea, Site
from db.queries import (
    CaseFilter,
    CaseRow,
    SortKey,
    count_cases,
    page_cases,
    page_cases_at,
    queue_counts,
    service_areas,
    sites,
    sort_key,
)
from db.search import search_rowid
from db.store import Store, open_store

QUEUE_DAY = date(2026, 2, 9)  # Mon 9 Feb 2026


def _fill(store: Store) -> dict[str, str]:
    """Eight records of different kinds, stages, people and deadlines."""
    refs = {
        "logged": log(store, site="Clowne"),  # acknowledgement due Mon 9 Feb
        "stage1": complaint_at(
            store,
            "stage-1",
            complainants=(person("Adam Brown", postcode="S44 6JJ", phone="07700 900123"),),
            description="Damp and mould in the bedroom",
            service_areas=("Tenancy Services",),
            site="Bolsover",
        ),  # response due Wed 18 Feb
        "compliment": log(
            store, kind="compliment", received=date(2026, 2, 3), service_areas=()
        ),  # pass on by Tue 10 Feb
        "request": log(store, kind="service-request", complainants=(person("Zoe Adams"),)),
        "enquiry": log(
            store, kind="mp-enquiry", received=date(2026, 1, 19), restricted=True
        ),  # reply due Mon 2 Feb
        "pending": log(
            store,
            received=date(2026, 1, 15),
            complainants=(person("Carl Evans"),),
            representatives=(
                representative(person=PersonInput(name="J. Smith", postcode="S80 2XY")),
            ),
        ),  # acknowledgement due Thu 22 Jan
        "closed": log(store, kind="service-request", complainants=(person("Dina Ford"),)),
        "stage2": complaint_at(store, "stage-2-requested"),  # Stage 2 acknowledgement Mon 9 Mar
    }
    act(store, ending.close, refs["closed"], closed_on=date(2026, 2, 3), today=TODAY)
    act(store, followups.add_action, refs["stage2"], description="Fix", due=date(2026, 2, 1))
    act(
        store,
        followups.add_remedy,
        refs["stage2"],
        kind="apology",
        due=date(2026, 3, 1),
        today=TODAY,
    )
    act(
        store,
        authorisation.add_representative,
        refs["stage1"],
        representative(
            person=PersonInput(name="Kim Lee"),
            auth_state="authorised",
            auth_method="signed-form",
            auth_received_on=date(2026, 2, 2),
            auth_expires=date(2026, 2, 20),
        ),
    )
    return refs


@pytest.fixture(scope="module")
def filled(
    template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The records made once per module (each test gets its own copy)."""
    path = tmp_path_factory.mktemp("queries") / "store.sqlite"
    shutil.copyfile(template_store, path)
    made = open_store(path)
    try:
        return path, _fill(made)
    finally:
        made.close()


@pytest.fixture
def store(filled: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(filled[0], path)
    opened = open_store(path)
    yield opened
    opened.close()


@pytest.fixture
def cases(filled: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return filled[1]


def _ids(store: Store, refs: dict[str, str], *names: str) -> tuple[str, ...]:
    return tuple(load(store, refs[n]).id for n in names)


def test_rows_carry_the_list_columns(store: Store, cases: dict[str, str]) -> None:
    with store.read() as s:
        row = page_cases(s, CaseFilter(include_restricted=True, search="Brown"))[0]
    stored = load(store, cases["stage1"])
    assert row == CaseRow(
        id=stored.id,
        reference=cases["stage1"],
        kind="complaint",
        status="stage-1",
        resident_name="Adam Brown",
        representative_name="Kim Lee",
        service_area="Tenancy Services",
        site="Bolsover",
        received=date(2026, 2, 2),
        next_due=date(2026, 2, 18),
        next_clock="stage1-response",
        handler_name="A. Smith",
        auth_state="authorised",
        restricted=False,
        has_adjustments=False,
        version=stored.version,
    )


def test_next_due_order_by_hand(store: Store, cases: dict[str, str]) -> None:
    with store.read() as s:
        rows = page_cases(s, CaseFilter(include_restricted=True), limit=100)
    by_ref = {v: k for k, v in cases.items()}
    assert [by_ref[r.reference] for r in rows] == [
        "pending",  # Thu 22 Jan
        "enquiry",  # Mon 2 Feb
        "logged",  # Mon 9 Feb
        "compliment",  # Tue 10 Feb
        "stage1",  # Wed 18 Feb
        "stage2",  # Mon 9 Mar
        "request",  # no deadline: last, by reference
        "closed",
    ]


def _expected(rows: list[CaseRow], sort: str, descending: bool) -> list[str]:
    def value(row: CaseRow) -> Any:
        return getattr(row, sort)

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (value(r), r.reference), reverse=descending)
    missing.sort(key=lambda r: r.reference, reverse=descending)
    return [r.reference for r in present + missing]


@pytest.mark.parametrize(
    "sort", ["next_due", "reference", "received", "kind", "status", "resident_name", "handler_name"]
)
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_join_up_in_every_sort(
    store: Store, cases: dict[str, str], sort: str, descending: bool
) -> None:
    with store.read() as s:
        everything = page_cases(
            s, CaseFilter(include_restricted=True), sort=sort, descending=descending, limit=100
        )
        pages: list[list[CaseRow]] = []
        after: SortKey | None = None
        while True:
            page = page_cases(
                s,
                CaseFilter(include_restricted=True),
                sort=sort,
                descending=descending,
                after=after,
                limit=3,
            )
            if not page:
                break
            pages.append(page)
            after = sort_key(page[-1], sort)
        jumped = page_cases_at(
            s,
            CaseFilter(include_restricted=True),
            sort=sort,
            descending=descending,
            offset=3,
            limit=3,
        )
    assert [len(p) for p in pages] == [3, 3, 2]
    joined = [r.reference for p in pages for r in p]
    assert joined == [r.reference for r in everything]
    assert joined == _expected(everything, sort, descending)
    assert [r.reference for r in jumped] == joined[3:6]


def test_site_and_area_sorts_and_reference_lists(store: Store, cases: dict[str, str]) -> None:
    with store.read() as s:
        assert [n.name for n in sites(s)] == ["Bolsover", "Clowne"]
        assert [n.name for n in service_areas(s)] == ["Housing Repairs", "Tenancy Services"]
        # Sorted by the site's id (Clowne was added first); cases with no site come last.
        by_site = page_cases_at(
            s, CaseFilter(include_restricted=True), sort="site", offset=0, limit=3
        )
        by_area = page_cases_at(
            s,
            CaseFilter(include_restricted=True),
            sort="service_area",
            descending=True,
            offset=0,
            limit=8,
        )
    assert [r.reference for r in by_site] == [cases["logged"], cases["stage1"], cases["compliment"]]
    assert [r.service_area for r in by_area] == [
        "Tenancy Services",
        *["Housing Repairs"] * 6,
        "",
    ]
    with pytest.raises(KeyError):
        sort_key(by_site[0], "site")


def test_count_under_each_filter(store: Store, cases: dict[str, str]) -> None:
    with store.read() as s:
        tenancy = s.scalar(select(ServiceArea.id).where(ServiceArea.name == "Tenancy Services"))
        clowne = s.scalar(select(Site.id).where(Site.name == "Clowne"))

        def n(**kwargs: Any) -> int:
            return count_cases(s, CaseFilter(**{"include_restricted": True, **kwargs}))

        assert n() == 8
        assert n(kinds=("complaint",)) == 4
        assert n(kinds=("service-request", "compliment")) == 3
        assert n(statuses=("logged",)) == 5
        assert n(open_only=True) == 7
        assert n(service_area_id=tenancy) == 1
        assert n(site_id=clowne) == 1
        assert n(handler="A. Smith") == 2
        assert n(due_before=QUEUE_DAY) == 2
        assert n(due_on_or_before=QUEUE_DAY) == 3
        assert n(due_on_or_after=date(2026, 2, 10), due_on_or_before=date(2026, 2, 18)) == 2
        assert n(received_from=date(2026, 2, 3)) == 1
        assert n(received_to=date(2026, 1, 31)) == 2
        assert n(auth_states=("pending",)) == 1
        assert n(auth_states=("authorised",)) == 1
        assert n(include_restricted=False) == 7
        assert n(case_ids=_ids(store, cases, "logged", "closed")) == 2
        assert n(case_ids=()) == 0
        assert n(kinds=("complaint",), open_only=True, due_before=QUEUE_DAY) == 1


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("brown", ("stage1",)),
        ("BRO", ("stage1",)),
        ("S44 6JJ", ("stage1",)),
        ("s446jj", ("stage1",)),
        ("07700 900123", ("stage1",)),
        ("mould bedroom", ("stage1",)),
        ("mould kitchen", ()),
        ("Kim Lee", ("stage1",)),
        ("J. Smith", ("pending",)),
        ("CW-2026-000002", ("stage1",)),
        ("!!!", ()),
        (
            "  ",
            ("logged", "stage1", "compliment", "request", "enquiry", "pending", "closed", "stage2"),
        ),
    ],
)
@pytest.mark.parametrize("wide", [False, True], ids=["short-list", "by-search-key"])
def test_search(
    store: Store,
    cases: dict[str, str],
    search: str,
    names: tuple[str, ...],
    wide: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if wide:  # as a search matching thousands: paged by search key, not a list of ids
        monkeypatch.setattr(db.queries, "SMALL_MATCH", 0)
    with store.read() as s:
        found = {
            r.reference
            for r in page_cases(s, CaseFilter(include_restricted=True, search=search), limit=100)
        }
        assert count_cases(s, CaseFilter(include_restricted=True, search=search)) == len(names)
    assert found == {cases[n] for n in names}


def test_search_follows_corrections(store: Store, cases: dict[str, str]) -> None:
    act(
        store,
        ending.correct_fact,
        cases["logged"],
        field="description",
        value="Broken boiler",
        reason="Wrong text",
        actor=MANAGER,
        today=TODAY,
    )
    with store.read() as s:
        assert [
            r.reference for r in page_cases(s, CaseFilter(include_restricted=True, search="boiler"))
        ] == [cases["logged"]]
        assert (
            count_cases(s, CaseFilter(include_restricted=True, search="leaked")) == 6
        )  # the seven defaults, less one


def test_queue_counts(store: Store, cases: dict[str, str]) -> None:
    with store.read() as s:
        counts = queue_counts(
            s,
            QUEUE_DAY,
            date(2026, 2, 20),
            handler="A. Smith",
            include_restricted=True,
            expiring_before=date(2026, 2, 28),
        )
        hidden = queue_counts(
            s, QUEUE_DAY, date(2026, 2, 20), handler=None, include_restricted=False
        )
        followups_due = tuple(
            sorted(
                r.id
                for r in page_cases(
                    s, CaseFilter(include_restricted=True, followups_before=QUEUE_DAY)
                )
            )
        )
    assert (
        counts.overdue,
        counts.due_today,
        counts.due_soon,
        counts.awaiting_ack,
        counts.awaiting_stage2_ack,
        counts.followups_overdue,
        counts.authorisations_pending,
        counts.authorisations_expiring,
        counts.my_cases,
        counts.all_open,
    ) == (2, 1, 2, 2, 1, 1, 1, 1, 2, 7)
    assert (hidden.overdue, hidden.my_cases, hidden.all_open, hidden.authorisations_expiring) == (
        1,
        0,
        6,
        0,
    )
    assert followups_due == _ids(store, cases, "stage2")
    with store.read() as s:
        assert (
            count_cases(
                s,
                replace(CaseFilter(include_restricted=True, open_only=True), due_before=QUEUE_DAY),
            )
            == 2
        )


def test_search_key_is_the_search_entrys_rowid(store: Store, cases: dict[str, str]) -> None:
    """The generated column matches db.search.search_rowid, which indexes each case."""
    with store.read() as s:
        keys = s.execute(select(Case.id, Case.search_key)).all()
        rowids = dict(s.execute(text("SELECT case_id, rowid FROM case_search")).all())
    assert len(keys) == 8
    assert all(key == search_rowid(i) == rowids[i] for i, key in keys)


def test_wide_search_pages_join_up_in_deadline_order(
    store: Store, cases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.queries, "SMALL_MATCH", 0)
    f = CaseFilter(
        include_restricted=True, search="leaked"
    )  # the default description: seven of the eight
    with store.read() as s:
        everything = page_cases(s, f, limit=100)
        pages = [page_cases(s, f, limit=3)]
        while len(pages[-1]) == 3:
            pages.append(page_cases(s, f, limit=3, after=sort_key(pages[-1][-1], "next_due")))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r.reference for p in pages for r in p] == [r.reference for r in everything]
    assert [r.next_due is None for r in everything].count(True) == 2
    assert everything == sorted(
        everything, key=lambda r: (r.next_due is None, r.next_due or date.min, r.reference)
    )


def test_a_filter_on_the_sort_column_reads_only_cases_with_a_value(
    store: Store, cases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deadline order under a deadline filter (the work queue's lists), or site order under
    a site filter: no case without a value can match, so it is not looked for (that read
    walked every case with no deadline: half a second at a million records)."""
    reads: list[str] = []
    real = db.queries._rows

    def spy(conn: Any, w: Any, tail: str, *args: Any) -> list[CaseRow]:
        reads.append(w.sql())
        return real(conn, w, tail, *args)

    monkeypatch.setattr(db.queries, "_rows", spy)
    due = CaseFilter(include_restricted=True, due_on_or_before=date(2026, 2, 10))
    with store.read() as s:
        first = page_cases(s, due, limit=100)
        later = page_cases_at(s, due, offset=2, limit=100)
        overdue = page_cases(s, CaseFilter(include_restricted=True, due_before=date(2026, 2, 9)))
        bolsover = next(n.id for n in sites(s) if n.name == "Bolsover")
        at_site = page_cases(
            s, CaseFilter(include_restricted=True, site_id=bolsover), sort="site", limit=100
        )
    by_ref = {v: k for k, v in cases.items()}
    assert [by_ref[r.reference] for r in first] == ["pending", "enquiry", "logged", "compliment"]
    assert [by_ref[r.reference] for r in later] == ["logged", "compliment"]
    assert [by_ref[r.reference] for r in overdue] == ["pending", "enquiry"]
    assert [by_ref[r.reference] for r in at_site] == ["stage1"]
    assert len(reads) == 4
    assert not [r for r in reads if "IS NULL" in r]
    # Without such a filter the cases with no deadline still come last (one more read).
    with store.read() as s:
        everything = page_cases(s, CaseFilter(include_restricted=True), limit=100)
    assert [by_ref[r.reference] for r in everything][-2:] == ["request", "closed"]
    assert len(reads) == 6 and "c.next_due IS NULL" in reads[-1]

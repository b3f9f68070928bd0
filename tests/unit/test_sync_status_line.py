"""The status bar's words on a replica's sync (issue 13): exact sentences."""

from __future__ import annotations

from datetime import datetime

import pytest

from caseworker.sync.status import status_line

AT = datetime(2026, 6, 1, 10, 42)


@pytest.mark.parametrize(
    ("reached", "since", "waiting", "conflicts", "expected"),
    [
        (True, None, 0, 0, ("Server: up to date", "ok")),
        (False, AT, 7, 0, ("Offline since 10:42 — 7 changes waiting", "offline")),
        (False, AT, 1, 0, ("Offline since 10:42 — 1 change waiting", "offline")),
        (False, AT, 0, 0, ("Offline since 10:42 — 0 changes waiting", "offline")),
        (True, None, 0, 2, ("2 conflicts to resolve", "conflicts")),
        (True, None, 0, 1, ("1 conflict to resolve", "conflicts")),
        (
            False,
            AT,
            3,
            2,
            ("Offline since 10:42 — 3 changes waiting · 2 conflicts to resolve", "offline"),
        ),
        (True, None, 4, 0, ("Server: 4 changes waiting to be sent", "ok")),
        (False, None, 2, 0, ("Offline since start-up — 2 changes waiting", "offline")),
    ],
)
def test_status_line(
    reached: bool,
    since: datetime | None,
    waiting: int,
    conflicts: int,
    expected: tuple[str, str],
) -> None:
    assert (
        status_line(reached=reached, offline_since=since, waiting=waiting, conflicts=conflicts)
        == expected
    )

"""Reads and small rules the desktop app needs beyond the case list and case detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.domain.lifecycle import CaseLike, allowed_actions, state_of
from caseworker.services.settings import get_setting
from db.models import (
    Case,
    ClosureDay,
    HomesCount,
    ServiceArea,
    Site,
    Staff,
    Theme,
)


@dataclass(frozen=True)
class AreaItem:
    name: str
    is_housing: bool


@dataclass(frozen=True)
class StaffItem:
    name: str
    service_area: str


@dataclass(frozen=True)
class SettingsSnapshot:
    """Everything the Settings view shows."""

    organisation: dict[str, Any]
    reference_prefix: str
    nation: str
    sites: tuple[str, ...]
    service_areas: tuple[AreaItem, ...]
    themes: tuple[str, ...]
    staff: tuple[StaffItem, ...]
    closure_days: tuple[tuple[date, str], ...]
    homes: tuple[tuple[date, int], ...]


def load_settings(session: Session) -> SettingsSnapshot:
    """The organisation's settings and reference lists."""
    area_names = {i: n for i, n in session.execute(select(ServiceArea.id, ServiceArea.name))}
    return SettingsSnapshot(
        organisation=dict(get_setting(session, "organisation") or {}),
        reference_prefix=str(get_setting(session, "reference_prefix")),
        nation=str(get_setting(session, "nation")),
        sites=tuple(session.scalars(select(Site.name).order_by(Site.name))),
        service_areas=tuple(
            AreaItem(n, h)
            for n, h in session.execute(
                select(ServiceArea.name, ServiceArea.is_housing).order_by(ServiceArea.name)
            )
        ),
        themes=tuple(session.scalars(select(Theme.name).order_by(Theme.name))),
        staff=tuple(
            StaffItem(n, area_names.get(a, "") if a is not None else "")
            for n, a in session.execute(
                select(Staff.name, Staff.service_area_id).order_by(Staff.name)
            )
        ),
        closure_days=tuple(
            (d, r)
            for d, r in session.execute(
                select(ClosureDay.day, ClosureDay.reason).order_by(ClosureDay.day)
            )
        ),
        homes=tuple(
            (d, n)
            for d, n in session.execute(
                select(HomesCount.as_of, HomesCount.homes).order_by(HomesCount.as_of)
            )
        ),
    )


def theme_names(session: Session) -> list[str]:
    return list(session.scalars(select(Theme.name).order_by(Theme.name)))


def case_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Case)) or 0)


# Actions a case view can offer, in the order the buttons show.
ACTIONS: tuple[str, ...] = (
    "acknowledge",
    "extend",
    "respond",
    "escalate",
    "acknowledge-stage-2",
    "respond-stage-2",
    "refuse",
    "refuse-escalation",
    "pass-on",
    "reply-enquiry",
    "close",
    "withdraw",
    "reopen",
    "refer-to-ombudsman",
    "correct-fact",
    "record-learning",
    "link-case",
    "add-note",
)


# The app's name for an action where it differs from the lifecycle table's.
UI_NAMES: dict[str, str] = {"respond-stage-1": "respond"}
TABLE_NAMES: dict[str, str] = {ui: table for table, ui in UI_NAMES.items()}


def available_actions(case: CaseLike) -> frozenset[str]:
    """The actions the lifecycle table allows for the case now, by the app's names.

    The services refuse the rest with the same table; this decides which buttons show.
    """
    return frozenset(UI_NAMES.get(a, a) for a in allowed_actions(state_of(case)))

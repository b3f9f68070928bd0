"""Settings and reference lists: organisation details, sites, service areas, staff, closures."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.domain.calendar import WorkingCalendar
from caseworker.domain.errors import InvalidInput
from caseworker.domain.letters import load_templates
from caseworker.services.actor import Actor
from caseworker.services.audit import record_event
from caseworker.services.quick_reads import DEFAULTS, store_calendar
from caseworker.services.replication import no_new_names_offline, server_only
from db.models import ClosureDay, HomesCount, ServiceArea, Setting, Site, Staff, Theme

__all__ = ["DEFAULTS", "store_calendar"]  # re-exported: callers import them from here


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULTS.get(key)
    return row.value


def set_setting(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Change one setting (audited)."""
    server_only(session, "settings")
    if key not in DEFAULTS:
        raise InvalidInput(f"'{key}' is not a setting; known settings: {', '.join(DEFAULTS)}")
    if key == "reference_prefix":
        text = str(value).strip().upper()
        if not text.isalnum() or not 1 <= len(text) <= 8:
            raise InvalidInput("The reference prefix must be 1 to 8 letters or digits, e.g. CW")
        value = text
    if key == "nation":
        WorkingCalendar(str(value))  # validates, raising InvalidInput for an unknown nation
    if key == "letter_templates_dir" and str(value).strip():
        # Refuse a folder whose wording would break letters (missing, bad TOML, unknown
        # placeholders): TemplateError / InvalidInput name the file and the problem.
        load_templates(Path(str(value).strip()))
    if key == "retention_years" and (
        isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100
    ):
        raise InvalidInput("Keep closed cases for 1 to 100 years")
    if key == "document_max_mb" and (
        isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500
    ):
        raise InvalidInput("The largest document kept can be set from 1 to 500 MB")
    before = get_setting(session, key)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    record_event(session, actor, "change-setting", None, {key: [before, value]})
    session.flush()
    if key == "nation":
        _recompute(session, actor, reason="nation changed")


def _recompute(session: Session, actor: Actor, *, reason: str) -> None:
    """Move the stored clocks of open cases after the calendar changed."""
    # Imported here: the clocks module reads this one's calendar (an import cycle otherwise).
    from caseworker.services.clocks import recompute_open_cases

    recompute_open_cases(session, actor, reason=reason)


def _named(session: Session, model: Any, name: str) -> Any:
    name = name.strip()
    if not name:
        raise InvalidInput("A name is needed")
    return session.scalar(select(model).where(model.name == name))


def ensure_site(session: Session, actor: Actor, name: str) -> Site:
    """The site of that name, added (audited) if new."""
    site: Site | None = _named(session, Site, name)
    if site is None:
        no_new_names_offline(session, "site", name)
        site = Site(name=name.strip(), active=True)
        session.add(site)
        session.flush()
        record_event(session, actor, "add-site", None, {"name": site.name})
    return site


def guess_is_housing(name: str) -> bool:
    """Whether a new service area is a housing matter, from its name."""
    lower = name.lower()
    return "housing" in lower or "repair" in lower or "tenan" in lower


def ensure_service_area(
    session: Session, actor: Actor, name: str, *, is_housing: bool | None = None
) -> ServiceArea:
    """The service area of that name, added (audited) if new; ``is_housing`` updates it."""
    area: ServiceArea | None = _named(session, ServiceArea, name)
    if area is None:
        # A new area met at intake or import: guess from its name until Settings says
        # otherwise (the import summary lists new areas so a wrong guess is seen).
        no_new_names_offline(session, "service area", name)
        guess = guess_is_housing(name)
        area = ServiceArea(
            name=name.strip(), is_housing=guess if is_housing is None else is_housing, active=True
        )
        session.add(area)
        session.flush()
        record_event(
            session,
            actor,
            "add-service-area",
            None,
            {"name": area.name, "is_housing": area.is_housing},
        )
    elif is_housing is not None and area.is_housing != is_housing:
        record_event(
            session,
            actor,
            "change-service-area",
            None,
            {"name": area.name, "is_housing": [area.is_housing, is_housing]},
        )
        area.is_housing = is_housing
    return area


def ensure_theme(session: Session, actor: Actor, name: str) -> Theme:
    theme: Theme | None = _named(session, Theme, name)
    if theme is None:
        no_new_names_offline(session, "theme", name)
        theme = Theme(name=name.strip())
        session.add(theme)
        session.flush()
        record_event(session, actor, "add-theme", None, {"name": theme.name})
    return theme


def ensure_staff(
    session: Session, actor: Actor, name: str, service_area: str | None = None
) -> Staff:
    staff: Staff | None = _named(session, Staff, name)
    if staff is None:
        no_new_names_offline(session, "member of staff", name)
        area_id = ensure_service_area(session, actor, service_area).id if service_area else None
        staff = Staff(name=name.strip(), service_area_id=area_id, active=True, email="")
        session.add(staff)
        session.flush()
        record_event(
            session, actor, "add-staff", None, {"name": staff.name, "service_area": service_area}
        )
    return staff


def add_closure_day(session: Session, actor: Actor, day: date, reason: str = "") -> None:
    """Add an organisation closure day and move the stored clocks of open cases (audited)."""
    server_only(session, "closure days")
    if session.get(ClosureDay, day) is not None:
        raise InvalidInput(f"{day.isoformat()} is already a closure day")
    session.add(ClosureDay(day=day, reason=reason))
    record_event(session, actor, "add-closure-day", None, {"day": day, "reason": reason})
    session.flush()
    _recompute(session, actor, reason=f"closure day {day.isoformat()} added")


def remove_closure_day(session: Session, actor: Actor, day: date) -> None:
    server_only(session, "closure days")
    row = session.get(ClosureDay, day)
    if row is None:
        raise InvalidInput(f"{day.isoformat()} is not a closure day")
    session.delete(row)
    record_event(session, actor, "remove-closure-day", None, {"day": day})
    session.flush()
    _recompute(session, actor, reason=f"closure day {day.isoformat()} removed")


def set_homes(session: Session, actor: Actor, as_of: date, homes: int) -> None:
    """Record the number of homes owned from a date (for the TSMs)."""
    server_only(session, "counts of homes")
    if homes < 0:
        raise InvalidInput("The number of homes cannot be negative")
    row = session.get(HomesCount, as_of)
    before = row.homes if row else None
    if row is None:
        session.add(HomesCount(as_of=as_of, homes=homes))
    else:
        row.homes = homes
    record_event(session, actor, "set-homes", None, {"as_of": as_of, "homes": [before, homes]})


def homes_at(session: Session, day: date) -> int | None:
    """Homes owned on ``day``: the latest count on or before it."""
    return session.scalar(
        select(HomesCount.homes)
        .where(HomesCount.as_of <= day)
        .order_by(HomesCount.as_of.desc())
        .limit(1)
    )

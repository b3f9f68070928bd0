"""Who is acting: every service call is attributed to an Actor."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADVISOR = "advisor"
    OFFICER = "complaints-officer"
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Actor:
    """A user acting through the app or the command line."""

    username: str
    display_name: str
    role: Role
    restricted_access: bool = True


LOCAL_ADMIN = Actor("local-admin", "Local administrator", Role.ADMINISTRATOR)

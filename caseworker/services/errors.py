"""Errors the services raise besides the domain's own."""

from __future__ import annotations

from caseworker.domain.errors import CaseworkerError


class NotFound(CaseworkerError):
    """No record with that reference or id."""


class StaleCase(CaseworkerError):
    """The case changed since the user loaded it."""


class NotAllowed(CaseworkerError):
    """The user's role does not allow the action."""

"""Errors raised by the rules, each with a message a caseworker can act on."""

from __future__ import annotations


class CaseworkerError(Exception):
    """Base of every error Caseworker reports to a person."""


class InvalidInput(CaseworkerError):
    """A value that cannot be used (an impossible date, an unknown name)."""


class RuleBroken(CaseworkerError):
    """An action the complaints process does not allow, naming the rule."""


class PolicyError(CaseworkerError):
    """A policy file that is missing or wrong."""

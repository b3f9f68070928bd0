"""Caseworker: complaints case management for UK councils and social landlords."""

__version__ = "0.1.0"

"""Plain-English labels for machine values, as the window shows them."""

from __future__ import annotations

from caseworker.domain.vocab import AuthorisationState, RecordKind, Status, Vocab


def label_of(vocab: type[Vocab], value: str | None) -> str:
    """The label of a machine value (the value itself if it is not in the vocabulary)."""
    if not value:
        return ""
    try:
        return vocab(value).label
    except ValueError:
        return value


def kind_label(value: str) -> str:
    return label_of(RecordKind, value)


def status_label(value: str) -> str:
    return label_of(Status, value)


def flags_text(auth_state: str, restricted: bool, has_adjustments: bool) -> str:
    """The list's flags column, in words (never colour alone)."""
    flags: list[str] = []
    if restricted:
        flags.append("Restricted")
    if auth_state not in ("", AuthorisationState.NOT_NEEDED.value):
        flags.append(f"Authorisation {label_of(AuthorisationState, auth_state).lower()}")
    if has_adjustments:
        flags.append("Adjustments")
    return "; ".join(flags)

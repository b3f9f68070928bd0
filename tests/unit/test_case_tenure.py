"""A case's tenure from its complainants' (kept on the case row for the reports)."""

from __future__ import annotations

import pytest

from caseworker.domain.vocab import case_tenure


@pytest.mark.parametrize(
    ("complainants", "expected"),
    [
        (["other-resident", "tenant", "leaseholder"], "tenant"),  # any tenant: a tenant's case
        (["other-resident", "leaseholder"], "leaseholder"),
        (["other-resident", None], "other-resident"),
        ([None], None),  # not recorded
        ([], None),  # no complainant (a service request from nobody in particular)
        (["owner"], None),  # not a tenure Caseworker knows
    ],
)
def test_case_tenure(complainants: list[str | None], expected: str | None) -> None:
    assert case_tenure(complainants) == expected

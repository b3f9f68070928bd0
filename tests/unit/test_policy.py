"""Shipped policies and the validation of policy files."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from caseworker.domain.errors import CaseworkerError, PolicyError
from caseworker.domain.policy import (
    DEFAULT_POLICY,
    CountedFrom,
    available_policies,
    load_policy,
    load_policy_file,
    parse_policy,
)
from caseworker.domain.vocab import OmbudsmanKind
from caseworker.paths import resource_path

SHIPPED = "hos-2024, lgsco-2024, local-three-stage, local-three-stage-informal, receipt-based-local"


def _shipped_data(name: str = "hos-2024") -> dict[str, Any]:
    return tomllib.loads(resource_path("policies", f"{name}.toml").read_text(encoding="utf-8"))


def test_available_policies() -> None:
    assert available_policies() == [
        "hos-2024",
        "lgsco-2024",
        "local-three-stage",
        "local-three-stage-informal",
        "receipt-based-local",
    ]
    assert DEFAULT_POLICY == "hos-2024"


def test_a_three_stage_scheme_names_its_informal_stage() -> None:
    from caseworker.domain.policy import load_policy

    scheme, informal = load_policy("local-three-stage"), load_policy("local-three-stage-informal")
    assert (scheme.three_stage, scheme.informal_policy, scheme.stage_names) == (
        True,
        "local-three-stage-informal",
        ("Informal", "Formal", "Stage 3"),
    )
    assert (informal.three_stage, informal.informal_of) == (False, "local-three-stage")
    # DOMAIN.md: 3 / 15 / 20 working days.
    assert (informal.stage1_days, scheme.stage1_days, scheme.stage2_days) == (3, 15, 20)
    assert not load_policy("hos-2024").three_stage


def test_a_bad_three_stages_table_is_named() -> None:
    data = _shipped_data("local-three-stage")
    data["three_stages"]["stage_names"] = ["Informal", "Formal"]
    with pytest.raises(PolicyError) as err:
        parse_policy("local-three-stage", data)
    assert str(err.value) == (
        "policy local-three-stage: 'three_stages.stage_names' must be three names; "
        "got ['Informal', 'Formal']"
    )


def test_hos_2024() -> None:
    p = load_policy("hos-2024")
    assert p.name == "hos-2024"
    assert p.version == 1
    assert p.label == "hos-2024"
    assert p.title == "Housing Ombudsman Complaint Handling Code 2024"
    assert p.time_limit_months == 12
    assert (p.ack_days, p.stage1_days, p.stage2_ack_days, p.stage2_days) == (5, 10, 5, 20)
    assert p.stage1_from is CountedFrom.ACKNOWLEDGEMENT
    assert p.stage2_from is CountedFrom.ACKNOWLEDGEMENT
    assert (p.stage1_extension_limit, p.stage2_extension_limit) == (10, 20)
    assert (p.extension_limit(1), p.extension_limit(2)) == (10, 20)
    assert p.escalation_window_days == 0
    assert (p.enquiry_days, p.pass_on_days) == (10, 5)
    o = p.ombudsman
    assert o.kind is OmbudsmanKind.HOUSING
    assert o.name == "Housing Ombudsman Service"
    assert o.address == "PO Box 1484, Unit D, Preston PR2 0ET"
    assert o.phone == "0300 111 3000"
    assert o.email == "info@housing-ombudsman.org.uk"
    assert o.website == "www.housing-ombudsman.org.uk"
    assert "within 12 months of our final response" in o.when


def test_lgsco_2024() -> None:
    p = load_policy("lgsco-2024")
    assert p.label == "lgsco-2024"
    assert p.time_limit_months == 12
    assert (p.ack_days, p.stage1_days, p.stage2_ack_days, p.stage2_days) == (5, 10, 5, 20)
    assert p.stage1_from is CountedFrom.ACKNOWLEDGEMENT
    assert p.stage2_from is CountedFrom.ACKNOWLEDGEMENT
    assert (p.stage1_extension_limit, p.stage2_extension_limit) == (10, 20)
    assert p.escalation_window_days == 0
    assert (p.enquiry_days, p.pass_on_days) == (10, 5)
    o = p.ombudsman
    assert o.kind is OmbudsmanKind.LGSCO
    assert o.name == "Local Government and Social Care Ombudsman"
    assert o.address == "PO Box 4771, Coventry CV4 0EH"
    assert o.phone == "0300 061 0614"
    assert o.email == ""
    assert o.website == "www.lgo.org.uk"


def test_receipt_based_local() -> None:
    p = load_policy("receipt-based-local")
    assert p.label == "receipt-based-local"
    assert p.time_limit_months == 6
    assert (p.ack_days, p.stage1_days, p.stage2_ack_days, p.stage2_days) == (5, 10, 5, 20)
    assert p.stage1_from is CountedFrom.RECEIPT
    assert p.stage2_from is CountedFrom.RECEIPT
    assert (p.stage1_extension_limit, p.stage2_extension_limit) == (10, 20)
    assert p.escalation_window_days == 28
    assert (p.enquiry_days, p.pass_on_days) == (10, 5)
    assert p.ombudsman.kind is OmbudsmanKind.HOUSING


def test_load_policy_is_cached() -> None:
    assert load_policy("hos-2024") is load_policy("hos-2024")


@pytest.mark.parametrize(
    "name", ["nope", "", "../hos-2024", "sub/hos-2024", ".hidden", "HOS-2024x"]
)
def test_unknown_policy_lists_the_shipped_ones(name: str) -> None:
    with pytest.raises(PolicyError) as exc:
        load_policy(name)
    assert str(exc.value) == f"'{name}' is not a known policy; use one of: {SHIPPED}"
    assert isinstance(exc.value, CaseworkerError)


def test_version_label() -> None:
    data = _shipped_data()
    data["name"] = "local"
    data["version"] = 3
    assert parse_policy("local", data).label == "local v3"


def test_parse_policy_accepts_a_copy_of_a_shipped_file() -> None:
    assert parse_policy("hos-2024", _shipped_data()) == load_policy("hos-2024")


def test_load_policy_file_reads_any_path(tmp_path: Path) -> None:
    text = resource_path("policies", "lgsco-2024.toml").read_text(encoding="utf-8")
    path = tmp_path / "my-council.toml"
    path.write_text(text.replace('name = "lgsco-2024"', 'name = "my-council"'), encoding="utf-8")
    p = load_policy_file(path)
    assert p.name == "my-council"
    assert p.ombudsman.kind is OmbudsmanKind.LGSCO


def test_missing_file_is_an_unknown_policy(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as exc:
        load_policy_file(tmp_path / "absent.toml")
    assert str(exc.value) == f"'absent' is not a known policy; use one of: {SHIPPED}"


def test_not_toml(tmp_path: Path) -> None:
    bad = 'name = "broken"\nversion = \n'
    path = tmp_path / "broken.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as parse_exc:
        tomllib.loads(bad)
    with pytest.raises(PolicyError) as exc:
        load_policy_file(path)
    assert str(exc.value) == f"policy broken: the file is not valid TOML ({parse_exc.value})"
    assert str(parse_exc.value) == "Invalid value (at line 2, column 11)"


def test_name_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my-policy.toml"
    path.write_text(
        resource_path("policies", "hos-2024.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(PolicyError) as exc:
        load_policy_file(path)
    assert str(exc.value) == (
        "policy my-policy: 'name' says 'hos-2024'; it must match the file name"
    )


def _without(data: dict[str, Any], dotted: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = out
    for part in parents:
        node = node[part]
    del node[last]
    return out


def _with(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = out
    for part in parents:
        node = node[part]
    node[last] = value
    return out


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "version",
        "title",
        "ombudsman",
        "time_limit_months",
        "acknowledgement.working_days",
        "stage1.response_working_days",
        "stage1.counted_from",
        "stage1.extension_limit_working_days",
        "escalation.window_calendar_days",
        "stage2.acknowledgement_working_days",
        "stage2.response_working_days",
        "stage2.counted_from",
        "stage2.extension_limit_working_days",
        "other_records.enquiry_reply_working_days",
        "other_records.pass_on_working_days",
        "ombudsman_contact.name",
        "ombudsman_contact.address",
        "ombudsman_contact.phone",
        "ombudsman_contact.email",
        "ombudsman_contact.website",
        "ombudsman_contact.when",
    ],
)
def test_missing_key(key: str) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy("hos-2024", _without(_shipped_data(), key))
    assert str(exc.value) == f"policy hos-2024: '{key}' is missing"


def test_missing_table_names_the_first_key_read() -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy("hos-2024", _without(_shipped_data(), "stage2"))
    assert str(exc.value) == "policy hos-2024: 'stage2.acknowledgement_working_days' is missing"


def test_table_given_as_a_plain_value() -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy("hos-2024", _with(_shipped_data(), "acknowledgement", 5))
    assert str(exc.value) == "policy hos-2024: 'acknowledgement.working_days' is missing"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("version", "one", "'version' must be a whole number, 1 or more; got 'one'"),
        ("version", 0, "'version' must be a whole number, 1 or more; got 0"),
        (
            "time_limit_months",
            6.5,
            "'time_limit_months' must be a whole number, 1 or more; got 6.5",
        ),
        (
            "acknowledgement.working_days",
            True,
            "'acknowledgement.working_days' must be a whole number, 1 or more; got True",
        ),
        (
            "stage1.response_working_days",
            -10,
            "'stage1.response_working_days' must be a whole number, 1 or more; got -10",
        ),
        (
            "stage1.extension_limit_working_days",
            -1,
            "'stage1.extension_limit_working_days' must be a whole number, 0 or more; got -1",
        ),
        (
            "escalation.window_calendar_days",
            "28",
            "'escalation.window_calendar_days' must be a whole number, 0 or more; got '28'",
        ),
        ("title", 5, "'title' must be text; got 5"),
        (
            "ombudsman_contact.phone",
            3001113000,
            "'ombudsman_contact.phone' must be text; got 3001113000",
        ),
        ("name", ["hos-2024"], "'name' must be text; got ['hos-2024']"),
        (
            "stage1.counted_from",
            "response",
            "'stage1.counted_from' must be one of acknowledgement, receipt; got 'response'",
        ),
        (
            "ombudsman",
            "spso",
            "'ombudsman' must be one of housing-ombudsman, lgsco; got 'spso'",
        ),
        # Values must be the machine value exactly, not the label.
        (
            "ombudsman",
            "Housing Ombudsman",
            "'ombudsman' must be one of housing-ombudsman, lgsco; got 'Housing Ombudsman'",
        ),
        ("ombudsman", 1, "'ombudsman' must be text; got 1"),
    ],
)
def test_wrong_value(key: str, value: Any, message: str) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy("hos-2024", _with(_shipped_data(), key, value))
    assert str(exc.value) == f"policy hos-2024: {message}"


def test_zero_extension_limit_and_window_allowed() -> None:
    data = _with(_shipped_data(), "stage1.extension_limit_working_days", 0)
    p = parse_policy("hos-2024", data)
    assert p.stage1_extension_limit == 0
    assert p.escalation_window_days == 0


def test_bad_file_through_load_policy_file(tmp_path: Path) -> None:
    text = resource_path("policies", "hos-2024.toml").read_text(encoding="utf-8")
    path = tmp_path / "hos-2024.toml"
    path.write_text(text.replace('ombudsman = "housing-ombudsman"', 'ombudsman = "nipso"'))
    with pytest.raises(PolicyError) as exc:
        load_policy_file(path)
    assert str(exc.value) == (
        "policy hos-2024: 'ombudsman' must be one of housing-ombudsman, lgsco; got 'nipso'"
    )

"""Complaint policies as data: timescales, clock starts, limits and ombudsman routing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from caseworker.domain.errors import PolicyError
from caseworker.domain.vocab import OmbudsmanKind
from caseworker.paths import resource_path

DEFAULT_POLICY = "hos-2024"
# The Code's own timescales, against which every case is also judged in reports.
CODE_POLICY = "hos-2024"


class CountedFrom(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class OmbudsmanContact:
    """How a resident reaches the ombudsman; printed in letters."""

    kind: OmbudsmanKind
    name: str
    address: str
    phone: str
    email: str
    website: str
    when: str


@dataclass(frozen=True)
class Policy:
    """One complaints policy, loaded from ``resources/policies/NAME.toml``."""

    name: str
    version: int
    title: str
    ombudsman: OmbudsmanContact
    time_limit_months: int
    ack_days: int
    stage1_days: int
    stage1_from: CountedFrom
    stage1_extension_limit: int
    escalation_window_days: int  # calendar days from the Stage 1 response; 0 = no window
    stage2_ack_days: int
    stage2_days: int
    stage2_from: CountedFrom
    stage2_extension_limit: int
    enquiry_days: int
    pass_on_days: int
    # An older local scheme of three stages (DOMAIN.md: Bolsover's Informal, Formal and
    # Stage 3). Its main policy keeps the Formal stage as its Stage 1 and the local Stage 3
    # as its Stage 2, and names the policy of the Informal stage, which is kept as a record
    # of its own (each local stage received counts as a Stage 1 complaint under the Code).
    informal_policy: str = ""  # set on the scheme's main policy
    informal_of: str = ""  # set on the Informal stage's policy: the main policy's name
    stage_names: tuple[str, str, str] = ("Stage 1", "Stage 2", "Stage 3")

    @property
    def three_stage(self) -> bool:
        """True for a three-stage scheme's main policy."""
        return bool(self.informal_policy)

    @property
    def label(self) -> str:
        """``hos-2024`` with its version when past the first."""
        return self.name if self.version == 1 else f"{self.name} v{self.version}"

    def extension_limit(self, stage: int) -> int:
        return self.stage1_extension_limit if stage == 1 else self.stage2_extension_limit


def available_policies() -> list[str]:
    """Names of the shipped policies."""
    return sorted(p.stem for p in resource_path("policies").glob("*.toml"))


class _Reader:
    """Reads typed values from a parsed TOML table, naming the key on error."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self.data = data

    def _get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise PolicyError(f"policy {self.name}: '{key}' is missing")
            node = node[part]
        return node

    def days(self, key: str, *, allow_zero: bool = False) -> int:
        value = self._get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < (0 if allow_zero else 1)
        ):
            least = "0 or more" if allow_zero else "1 or more"
            raise PolicyError(
                f"policy {self.name}: '{key}' must be a whole number, {least}; got {value!r}"
            )
        return value

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise PolicyError(f"policy {self.name}: '{key}' must be text; got {value!r}")
        return value

    def choice(self, key: str, enum: type[StrEnum]) -> Any:
        value = self.text(key)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise PolicyError(
                f"policy {self.name}: '{key}' must be one of {allowed}; got {value!r}"
            ) from None


def parse_policy(name: str, data: dict[str, Any]) -> Policy:
    """Build a Policy from parsed TOML, with an error naming any bad key."""
    r = _Reader(name, data)
    if r.text("name") != name:
        raise PolicyError(
            f"policy {name}: 'name' says {r.text('name')!r}; it must match the file name"
        )
    kind = r.choice("ombudsman", OmbudsmanKind)
    contact = OmbudsmanContact(
        kind=kind,
        name=r.text("ombudsman_contact.name"),
        address=r.text("ombudsman_contact.address"),
        phone=r.text("ombudsman_contact.phone"),
        email=r.text("ombudsman_contact.email"),
        website=r.text("ombudsman_contact.website"),
        when=r.text("ombudsman_contact.when"),
    )
    return Policy(
        name=name,
        version=r.days("version"),
        title=r.text("title"),
        ombudsman=contact,
        time_limit_months=r.days("time_limit_months"),
        ack_days=r.days("acknowledgement.working_days"),
        stage1_days=r.days("stage1.response_working_days"),
        stage1_from=r.choice("stage1.counted_from", CountedFrom),
        stage1_extension_limit=r.days("stage1.extension_limit_working_days", allow_zero=True),
        escalation_window_days=r.days("escalation.window_calendar_days", allow_zero=True),
        stage2_ack_days=r.days("stage2.acknowledgement_working_days"),
        stage2_days=r.days("stage2.response_working_days"),
        stage2_from=r.choice("stage2.counted_from", CountedFrom),
        stage2_extension_limit=r.days("stage2.extension_limit_working_days", allow_zero=True),
        enquiry_days=r.days("other_records.enquiry_reply_working_days"),
        pass_on_days=r.days("other_records.pass_on_working_days"),
        **_three_stages(r),
    )


def _three_stages(r: _Reader) -> dict[str, Any]:
    """The optional ``[three_stages]`` table: ``informal_policy`` and ``stage_names`` on a
    three-stage scheme's main policy, ``informal_of`` on its Informal stage's policy."""
    if "three_stages" not in r.data:
        return {}
    table = r.data["three_stages"]
    if not isinstance(table, dict) or not table.keys() & {"informal_policy", "informal_of"}:
        raise PolicyError(
            f"policy {r.name}: '[three_stages]' needs informal_policy (on the scheme's main "
            "policy) or informal_of (on its Informal stage's policy)"
        )
    if "informal_of" in table:
        return {"informal_of": r.text("three_stages.informal_of")}
    names = r._get("three_stages.stage_names")
    if not (isinstance(names, list) and len(names) == 3 and all(isinstance(n, str) for n in names)):
        raise PolicyError(
            f"policy {r.name}: 'three_stages.stage_names' must be three names; got {names!r}"
        )
    return {
        "informal_policy": r.text("three_stages.informal_policy"),
        "stage_names": tuple(names),
    }


def load_policy_file(path: Path) -> Policy:
    """Load a policy from any TOML file (the name is the file's stem)."""
    import tomllib  # here, not at the top: the first window is painted without it

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(
            f"'{path.stem}' is not a known policy; use one of: {', '.join(available_policies())}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy {path.stem}: the file is not valid TOML ({exc})") from None
    return parse_policy(path.stem, data)


@cache
def load_policy(name: str) -> Policy:
    """Load a shipped policy by name, e.g. ``hos-2024``.

    Raises:
        PolicyError: unknown name or an invalid file, with a message naming the problem.
    """
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise PolicyError(
            f"'{name}' is not a known policy; use one of: {', '.join(available_policies())}"
        )
    return load_policy_file(resource_path("policies", f"{name}.toml"))

"""Letter content as data: what each letter says, checked for the content the Code requires."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.policy import OmbudsmanContact
from caseworker.domain.vocab import Decision, ExclusionReason, LetterKind, RecordKind, RemedyKind
from caseworker.paths import resource_path

DEFAULT_OTHER_FORMATS = (
    "You can have this letter in large print or in another language. You can also talk to us "
    "by BSL video call or through Relay UK. Please contact us to ask."
)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class MissingContent(CaseworkerError):
    """A letter cannot be made because the case lacks content the letter must give."""

    def __init__(
        self, kind: LetterKind, missing: Sequence[str], settings_missing: Sequence[str] = ()
    ) -> None:
        self.kind = kind
        self.missing = (*missing, *settings_missing)
        parts = []
        if missing:
            parts.append("the case has " + ", ".join("no " + _without_article(i) for i in missing))
        if settings_missing:
            parts.append("Settings have no " + ", ".join(settings_missing))
        super().__init__(f"Cannot make the {letter_name(kind)}: {'; '.join(parts)}")


class TemplateError(CaseworkerError):
    """A letter template that is missing, malformed or asks for an unknown placeholder."""


def _without_article(item: str) -> str:
    return item[4:] if item.startswith("the ") else item


def letter_name(kind: LetterKind) -> str:
    """How messages name a kind of letter, e.g. ``Stage 1 response letter``."""
    label = kind.label
    if not label.startswith("Stage"):
        label = label[0].lower() + label[1:]
    return label if kind is LetterKind.AUTHORISATION_FORM else f"{label} letter"


def long_date(d: date) -> str:
    """A date written out in full, e.g. ``Thursday 20 March 2025``.

    Built from English names rather than ``strftime`` so it neither depends on the
    machine's locale nor on the platform's ``%-d`` support (Windows has none).
    """
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def money(amount: Decimal) -> str:
    """An amount of money as a resident reads it, e.g. ``£1,250.00``."""
    return f"£{amount:,.2f}"


# --------------------------------------------------------------------------- inputs


class AddresseeRole(StrEnum):
    """Why a person is receiving a letter."""

    RESIDENT = "resident"
    REPRESENTATIVE = "representative"
    ELECTED_REPRESENTATIVE = "elected-representative"
    COPY = "copy"


@dataclass(frozen=True)
class Organisation:
    """The organisation sending letters, from its settings.

    Attributes:
        name: Shown in the letterhead, e.g. ``Bolsover District Council``.
        address_lines: The postal address, one line each, postcode last.
        phone: Main complaints phone number.
        email: Complaints email address.
        website: Website without ``https://``.
        signatory_name: Who signs the letters.
        signatory_role: Their job title.
        other_formats_text: The footer offering other formats.
        logo_path: A PNG or JPEG logo for the letterhead, or None.
    """

    name: str
    address_lines: tuple[str, ...]
    phone: str
    email: str
    website: str
    signatory_name: str
    signatory_role: str
    other_formats_text: str = DEFAULT_OTHER_FORMATS
    logo_path: str | None = None


@dataclass(frozen=True)
class Addressee:
    """The person a letter is addressed to.

    Attributes:
        name: Name for the address block, as recorded (``Ms Anna Wiśniewski``).
        salutation: How to greet them, as recorded (``Ms Wiśniewski``); the letter
            reads ``Dear Ms Wiśniewski``. Empty means greet them by ``name``.
        address_lines: Street lines, without the postcode.
        postcode: Printed on its own line.
        role: Why they receive this letter.
    """

    name: str
    salutation: str
    address_lines: tuple[str, ...]
    postcode: str
    role: AddresseeRole = AddresseeRole.RESIDENT


@dataclass(frozen=True)
class Point:
    """One point of the complaint definition, with its decision once decided."""

    text: str
    decision: Decision | None = None
    reasons: str = ""


@dataclass(frozen=True)
class RemedyLine:
    """A remedy offered to put things right."""

    kind: RemedyKind
    description: str
    amount_offered: Decimal | None = None
    due: date | None = None


@dataclass(frozen=True)
class ActionLine:
    """Something the organisation has agreed to do, with when it is due and when done."""

    description: str
    due: date | None = None
    done: date | None = None


@dataclass(frozen=True)
class ExtensionDetails:
    """An extension the resident is being told about."""

    new_due: date | None
    reason: str
    days: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why a contact is not being taken as a complaint."""

    reason: ExclusionReason
    explanation: str


@dataclass(frozen=True)
class LetterCase:
    """Everything any letter may need from a case, as plain values.

    The stage facts (definition, decision, due date...) are those of the stage the
    letter is about: for a Stage 2 letter, the Stage 2 definition and due date.

    Attributes:
        reference: Our reference, e.g. ``CW-2026-000042``.
        record_kind: Complaint, compliment, MP enquiry...
        received: The date the record (complaint, compliment, enquiry) was received.
        resident_name: The resident's name as written in sentences.
        stage: The stage the case is at (1 or 2), for the update letter.
        points: The complaint definition, one point each.
        outcomes_sought: What the resident wants to happen.
        responsible_for: What we are responsible for and will look at.
        not_responsible_for: What we are not responsible for; empty means nothing.
        response_due: When the response to this stage is due.
        escalation_requested: When the resident asked for Stage 2.
        decision: The overall decision.
        reasons: The reasons for the overall decision.
        remedies: Remedies offered; empty means none.
        actions: Actions agreed; the response lists the outstanding ones.
        extension: The extension being told, for extension letters.
        refusal: Why the contact is refused, for refusal letters.
        escalation_refusal_reason: The valid reason Stage 2 is refused.
        about: A short summary of what a compliment, comment or enquiry was about.
        service_area: The team a compliment or comment was passed to.
        enquiry_reply: Our reply to an MP or councillor enquiry.
        ombudsman: The ombudsman named by the case's policy.
        escalation_window_days: Calendar days to ask for Stage 2; 0 means no limit.
        time_limit_months: The policy's time limit, for a refusal over it.
        copy_to: Names of people who receive a copy (e.g. ``Ruth Jones MP``).
        large_print: The resident's adjustments ask for large print.
    """

    reference: str
    record_kind: RecordKind
    received: date
    resident_name: str
    stage: int = 1
    points: tuple[Point, ...] = ()
    outcomes_sought: str = ""
    responsible_for: str = ""
    not_responsible_for: str = ""
    response_due: date | None = None
    escalation_requested: date | None = None
    decision: Decision | None = None
    reasons: str = ""
    remedies: tuple[RemedyLine, ...] = ()
    actions: tuple[ActionLine, ...] = ()
    extension: ExtensionDetails | None = None
    refusal: Refusal | None = None
    escalation_refusal_reason: str = ""
    about: str = ""
    service_area: str = ""
    enquiry_reply: str = ""
    ombudsman: OmbudsmanContact | None = None
    escalation_window_days: int = 0
    time_limit_months: int = 12
    copy_to: tuple[str, ...] = ()
    large_print: bool = False


# --------------------------------------------------------------------------- output


class ParagraphStyleName(StrEnum):
    """How the renderer shows a paragraph."""

    NORMAL = "normal"
    STRONG = "strong"
    INDENTED = "indented"  # typed text following a line that introduces it ("The reason is:")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``\\n`` in the text is a line break."""

    text: str
    style: ParagraphStyleName = ParagraphStyleName.NORMAL


@dataclass(frozen=True)
class BulletList:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class FormField:
    """A labelled space to write in, on a form; ``value`` pre-fills it."""

    label: str
    lines: int = 1
    value: str = ""


@dataclass(frozen=True)
class Choices:
    """Tick boxes, one per option."""

    options: tuple[str, ...]


Block = Paragraph | BulletList | FormField | Choices


@dataclass(frozen=True)
class Section:
    """A part of a letter, with an optional heading."""

    heading: str | None
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text of the section's paragraphs, in order."""
        return tuple(b.text for b in self.blocks if isinstance(b, Paragraph))

    @property
    def bullets(self) -> tuple[str, ...]:
        """The items of all the section's bullet lists, in order."""
        return tuple(item for b in self.blocks if isinstance(b, BulletList) for item in b.items)


@dataclass(frozen=True)
class LetterContent:
    """A letter as data, ready to render.

    Attributes:
        kind: Which letter.
        addressee: Who it is addressed to (the address block).
        date: The date of the letter.
        reference: Our reference.
        subject: The bold subject line.
        salutation: ``Dear Ms Wiśniewski``.
        sections: The body.
        sign_off: ``Yours sincerely``.
        signatory_name: Who signs it.
        signatory_role: Their job title.
        template_name: The template used (the letter kind's value).
        template_version: The template's version.
        template_origin: ``shipped`` or ``organisation`` (an override from Settings).
        copy_to: Names of people receiving a copy.
        large_print: Render at large-print size.
        note: A line above the salutation, set on copies (see :func:`copy_of`).
        copy_note: The line a copy of this letter carries.
        enclosure_title: Title of an enclosed form, printed on a new page.
        enclosure: The enclosed form's sections.
    """

    kind: LetterKind
    addressee: Addressee
    date: date
    reference: str
    subject: str
    salutation: str
    sections: tuple[Section, ...]
    sign_off: str
    signatory_name: str
    signatory_role: str
    template_name: str
    template_version: int
    template_origin: str = "shipped"
    copy_to: tuple[str, ...] = ()
    large_print: bool = False
    note: str = ""
    copy_note: str = ""
    enclosure_title: str = ""
    enclosure: tuple[Section, ...] = ()

    @property
    def long_date(self) -> str:
        """The letter's date written out, e.g. ``Thursday 20 March 2025``."""
        return long_date(self.date)

    @property
    def template_label(self) -> str:
        """The template as recorded with the letter, e.g. ``stage1-response v1 (shipped)``."""
        return f"{self.template_name} v{self.template_version} ({self.template_origin})"

    def section(self, heading: str | None) -> Section:
        """The first section with this heading.

        Raises:
            KeyError: no section has that heading.
        """
        for s in (*self.sections, *self.enclosure):
            if s.heading == heading:
                return s
        raise KeyError(heading)

    def plain_text(self) -> str:
        """The body as plain text, one block a line (for previews, search and tests)."""
        lines = [self.note] if self.note else []
        lines += [self.salutation, self.subject]
        for s in (*self.sections, *self.enclosure):
            if s.heading:
                lines.append(s.heading)
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    lines.append(b.text)
                elif isinstance(b, BulletList):
                    lines += [f"- {item}" for item in b.items]
                elif isinstance(b, FormField):
                    lines.append(f"{b.label}: {b.value}")
                else:
                    lines += [f"[ ] {option}" for option in b.options]
        lines += [self.sign_off, self.signatory_name, self.signatory_role]
        return "\n".join(lines)


# --------------------------------------------------------------------------- templates

_COMMON_VALUES = frozenset(
    {"reference", "received", "resident_name", "organisation", "phone", "email", "website"}
    | {"letter_date", "stage"}
)
_DUE_VALUES = frozenset({"due_date"})
_OMBUDSMAN_VALUES = frozenset(
    {"ombudsman", "ombudsman_when", "ombudsman_address", "ombudsman_phone"}
    | {"ombudsman_email", "ombudsman_website"}
)
_DEFINITION_VALUES = frozenset({"outcomes_sought", "responsible_for", "not_responsible_for"})
_EXTENSION_VALUES = frozenset({"new_due_date", "extension_days"})
_ENQUIRY_VALUES = frozenset({"about", "team", "record_kind"})

_BASE_KEYS = ("subject", "sign_off", "copy_note")
_REP_KEYS = ("representative_intro",)
_DEFINITION_KEYS = ("heading_definition", "definition_intro", "outcomes")
_RESPONSIBILITY_KEYS = (
    "heading_responsibility",
    "responsible",
    "not_responsible",
    "not_responsible_none",
)
_NEXT_KEYS = ("heading_next", "due", "contact")
_DECISION_KEYS = (
    "heading_findings",
    "point_heading",
    "point_decision",
    "heading_decision",
    "decision_upheld",
    "decision_partly_upheld",
    "decision_not_upheld",
    "reasons_intro",
)
_REMEDY_KEYS = (
    "heading_remedy",
    "remedies_intro",
    "remedies_none",
    "remedy_item",
    "remedy_amount",
    "remedy_due",
    *(f"remedy_kind_{k.value.replace('-', '_')}" for k in RemedyKind),
)
_ACTION_KEYS = (
    "heading_actions",
    "actions_intro",
    "action_item",
    "action_due",
    "actions_none",
    "actions_follow_up",
)
_ESCALATE_KEYS = (
    "heading_escalate",
    "escalate",
    "escalate_window",
    "escalate_no_reason",
    "escalate_how",
)
_OMBUDSMAN_KEYS = (
    "heading_ombudsman",
    "ombudsman_intro",
    "ombudsman_address_line",
    "ombudsman_phone_line",
    "ombudsman_email_line",
    "ombudsman_website_line",
)
_EXTENSION_KEYS = (
    "opening",
    "heading_extension",
    "extension",
    "extension_days",
    "reason_intro",
    "contact",
)
_ACK_KEYS = (
    *_BASE_KEYS,
    *_REP_KEYS,
    "opening",
    *_DEFINITION_KEYS,
    "definition_check",
    *_RESPONSIBILITY_KEYS,
    *_NEXT_KEYS,
)
_RESPONSE_KEYS = (
    *_BASE_KEYS,
    *_REP_KEYS,
    "opening",
    *_DEFINITION_KEYS,
    *_DECISION_KEYS,
    *_REMEDY_KEYS,
    *_ACTION_KEYS,
)


@dataclass(frozen=True)
class _Spec:
    keys: tuple[str, ...]
    values: frozenset[str]


_SPECS: dict[LetterKind, _Spec] = {
    LetterKind.STAGE1_ACKNOWLEDGEMENT: _Spec(_ACK_KEYS, _DUE_VALUES | _DEFINITION_VALUES),
    LetterKind.STAGE2_ACKNOWLEDGEMENT: _Spec(
        _ACK_KEYS, _DUE_VALUES | _DEFINITION_VALUES | {"escalation_requested"}
    ),
    LetterKind.STAGE1_RESPONSE: _Spec(
        (*_RESPONSE_KEYS, *_ESCALATE_KEYS), _DEFINITION_VALUES | {"window_days"}
    ),
    LetterKind.STAGE2_RESPONSE: _Spec(
        (*_RESPONSE_KEYS, *_OMBUDSMAN_KEYS), _DEFINITION_VALUES | _OMBUDSMAN_VALUES
    ),
    LetterKind.STAGE1_EXTENSION: _Spec(
        (*_BASE_KEYS, *_REP_KEYS, *_EXTENSION_KEYS, *_OMBUDSMAN_KEYS),
        _EXTENSION_VALUES | _OMBUDSMAN_VALUES,
    ),
    LetterKind.STAGE2_EXTENSION: _Spec(
        (*_BASE_KEYS, *_REP_KEYS, *_EXTENSION_KEYS, *_OMBUDSMAN_KEYS),
        _EXTENSION_VALUES | _OMBUDSMAN_VALUES,
    ),
    LetterKind.REFUSAL: _Spec(
        (
            *_BASE_KEYS,
            *_REP_KEYS,
            "opening",
            "heading_reason",
            *(f"reason_{r.value.replace('-', '_')}" for r in ExclusionReason),
            "explanation_intro",
            *_OMBUDSMAN_KEYS,
        ),
        _OMBUDSMAN_VALUES | {"time_limit_months"},
    ),
    LetterKind.ESCALATION_REFUSAL: _Spec(
        (*_BASE_KEYS, *_REP_KEYS, "opening", "heading_reason", "reason_intro", *_OMBUDSMAN_KEYS),
        _OMBUDSMAN_VALUES,
    ),
    LetterKind.UPDATE: _Spec(
        (
            *_BASE_KEYS,
            *_REP_KEYS,
            "opening",
            "heading_done",
            "done_item",
            "heading_outstanding",
            "outstanding_item",
            "outstanding_item_due",
            "outstanding_none",
            "contact",
        ),
        frozenset(),
    ),
    LetterKind.COMPLIMENT_ACKNOWLEDGEMENT: _Spec(
        (
            *_BASE_KEYS,
            "thanks_compliment",
            "thanks_comment",
            "about",
            "passed_on_team",
            "passed_on",
            "closing",
        ),
        _ENQUIRY_VALUES,
    ),
    LetterKind.ENQUIRY_REPLY: _Spec(
        (*_BASE_KEYS, "opening", "about", "heading_reply", "closing", "complaint_route"),
        _ENQUIRY_VALUES,
    ),
    LetterKind.AUTHORISATION_FORM: _Spec(
        (
            *_BASE_KEYS,
            "intro",
            "how_to_return",
            "contact",
            "form_title",
            "heading_resident",
            "field_resident_name",
            "field_resident_address",
            "field_postcode",
            "heading_representative",
            "field_representative_name",
            "field_representative_address",
            "field_representative_phone",
            "field_relationship",
            "heading_scope",
            "scope_this_complaint",
            "scope_all_matters",
            "heading_until",
            "until_closed",
            "until_date",
            "field_until_date",
            "heading_signatures",
            "declaration",
            "field_resident_signature",
            "field_representative_signature",
            "field_date",
        ),
        frozenset({"address"}),
    ),
}

# Placeholders that only make sense inside one repeated item.
_ITEM_VALUES: dict[str, frozenset[str]] = {
    "point_heading": frozenset({"number", "point"}),
    "point_decision": frozenset({"decision"}),
    "remedy_item": frozenset({"kind", "description"}),
    "remedy_amount": frozenset({"amount"}),
    "remedy_due": frozenset({"due"}),
    "action_item": frozenset({"description"}),
    "action_due": frozenset({"due"}),
    "done_item": frozenset({"description", "done"}),
    "copy_note": frozenset({"addressee"}),
    "outstanding_item": frozenset({"description"}),
    "outstanding_item_due": frozenset({"description", "due"}),
}


@dataclass(frozen=True)
class Template:
    """The wording of one kind of letter.

    Attributes:
        kind: The letter kind it words.
        version: Bumped whenever the wording changes; recorded with each letter.
        text: Named pieces of wording with ``{placeholder}`` fields.
        origin: ``shipped`` or ``organisation``.
        source: The file it was read from.
    """

    kind: LetterKind
    version: int
    text: Mapping[str, str]
    origin: str
    source: str

    def fill(self, key: str, values: Mapping[str, str]) -> str:
        """The named piece of wording with its placeholders filled from ``values``.

        Values are inserted as they are: text a person typed is never read as a template.
        """
        return self.text[key].format_map(values)


@dataclass(frozen=True)
class Templates:
    """The wording of every kind of letter."""

    by_kind: Mapping[LetterKind, Template]

    def __getitem__(self, kind: LetterKind) -> Template:
        return self.by_kind[kind]


def _placeholders(name: str, key: str, text: str) -> set[str]:
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(
            f"letter template {name}: '{key}' has a stray brace ({exc}); "
            "write {{ or }} for a brace"
        ) from None
    for _literal, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec or conversion:
            raise TemplateError(
                f"letter template {name}: '{key}' has the placeholder '{{{field_name}}}'; "
                "placeholders are plain names such as {reference}"
            )
        found.add(field_name)
    return found


def parse_template(kind: LetterKind, data: Mapping[str, Any], origin: str, source: str) -> Template:
    """Check and build one template from parsed TOML.

    Raises:
        TemplateError: a missing or unknown piece of wording, a bad version, or an
            unknown placeholder, naming the template and the piece.
    """
    name = kind.value
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TemplateError(f"letter template {name}: 'version' must be a whole number, 1 or more")
    table = data.get("text")
    if not isinstance(table, dict):
        raise TemplateError(f"letter template {name}: the [text] table is missing")
    spec = _SPECS[kind]
    missing = [k for k in spec.keys if k not in table]
    if missing:
        raise TemplateError(f"letter template {name}: missing wording for {', '.join(missing)}")
    unknown = sorted(k for k in table if k not in spec.keys)
    if unknown:
        raise TemplateError(f"letter template {name}: unknown wording {', '.join(unknown)}")
    text: dict[str, str] = {}
    for key in spec.keys:
        value = table[key]
        if not isinstance(value, str):
            raise TemplateError(f"letter template {name}: '{key}' must be text")
        allowed = _COMMON_VALUES | spec.values | _ITEM_VALUES.get(key, frozenset())
        for placeholder in sorted(_placeholders(name, key, value)):
            if placeholder not in allowed:
                raise TemplateError(
                    f"letter template {name}: '{key}' uses the unknown placeholder "
                    f"{{{placeholder}}}; it may use {', '.join(sorted(allowed))}"
                )
        text[key] = value
    return Template(kind=kind, version=version, text=text, origin=origin, source=source)


def _read_template(kind: LetterKind, path: Path, origin: str) -> Template:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"letter template {kind.value}: {path} is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(
            f"letter template {kind.value}: {path.name} is not valid TOML ({exc})"
        ) from None
    return parse_template(kind, data, origin, str(path))


def load_templates(overrides_dir: Path | None = None) -> Templates:
    """Load the shipped letter templates, replaced by any in ``overrides_dir``.

    An override is a file named after the letter kind (``stage1-response.toml``)
    holding the whole template; other kinds keep the shipped wording.

    Raises:
        TemplateError: an invalid template, or a file in ``overrides_dir`` that is
            not named after a letter kind.
        InvalidInput: ``overrides_dir`` is not a folder.
    """
    by_kind = {
        kind: _read_template(kind, resource_path("letters", f"{kind.value}.toml"), "shipped")
        for kind in LetterKind
    }
    if overrides_dir is not None:
        if not overrides_dir.is_dir():
            raise InvalidInput(f"the letter templates folder {overrides_dir} does not exist")
        known = {k.value: k for k in LetterKind}
        for path in sorted(overrides_dir.glob("*.toml")):
            if path.stem not in known:
                raise TemplateError(
                    f"{path.name} is not a letter template; name it after a letter kind: "
                    f"{', '.join(known)}"
                )
            by_kind[known[path.stem]] = _read_template(known[path.stem], path, "organisation")
    return Templates(by_kind=by_kind)


# --------------------------------------------------------------------------- required content

_ACKNOWLEDGEMENTS = (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE2_ACKNOWLEDGEMENT)
_RESPONSES = (LetterKind.STAGE1_RESPONSE, LetterKind.STAGE2_RESPONSE)
_EXTENSIONS = (LetterKind.STAGE1_EXTENSION, LetterKind.STAGE2_EXTENSION)
_COMPLAINT_LETTERS = (
    *_ACKNOWLEDGEMENTS,
    *_RESPONSES,
    *_EXTENSIONS,
    LetterKind.REFUSAL,
    LetterKind.ESCALATION_REFUSAL,
    LetterKind.UPDATE,
)
_WITH_OMBUDSMAN = (
    *_EXTENSIONS,
    LetterKind.STAGE2_RESPONSE,
    LetterKind.REFUSAL,
    LetterKind.ESCALATION_REFUSAL,
)


def _blank(text: str) -> bool:
    return not text.strip()


def missing_content(kind: LetterKind, case: LetterCase) -> list[str]:
    """Name, in plain English, each item the letter must give that the case lacks.

    An empty list means the letter can be made. Remedies and outstanding actions
    may be none (the letter then says so); the definition, decision and reasons may not.
    """
    missing: list[str] = []
    if kind in (*_ACKNOWLEDGEMENTS, *_RESPONSES):
        if not case.points or any(_blank(p.text) for p in case.points):
            missing.append("the complaint definition")
        if _blank(case.outcomes_sought):
            missing.append("the outcomes sought")
    if kind is LetterKind.STAGE2_ACKNOWLEDGEMENT and case.escalation_requested is None:
        missing.append("the date the Stage 2 request was received")
    if kind in _ACKNOWLEDGEMENTS:
        if _blank(case.responsible_for):
            missing.append("the statement of what we are responsible for")
        if case.response_due is None:
            missing.append("the response due date")
    if kind in _RESPONSES:
        if case.decision is None:
            missing.append("the decision")
        if _blank(case.reasons):
            missing.append("the reasons for the decision")
        if any(p.decision is not None for p in case.points):
            missing += [
                f"the decision on point {n} of the complaint"
                for n, p in enumerate(case.points, 1)
                if p.decision is None
            ]
    if kind in _EXTENSIONS:
        if case.extension is None or case.extension.new_due is None:
            missing.append("the new due date")
        if case.extension is None or _blank(case.extension.reason):
            missing.append("the reason for the extension")
    if kind is LetterKind.REFUSAL:
        if case.refusal is None:
            missing.append("the refusal reason")
        if case.refusal is None or _blank(case.refusal.explanation):
            missing.append("the explanation of the refusal")
    if kind is LetterKind.ESCALATION_REFUSAL and _blank(case.escalation_refusal_reason):
        missing.append("the reason for refusing the escalation")
    if kind is LetterKind.UPDATE and not case.actions:
        missing.append("the actions to report on")
    if kind is LetterKind.ENQUIRY_REPLY and _blank(case.enquiry_reply):
        missing.append("the reply to the enquiry")
    if kind in _WITH_OMBUDSMAN and case.ombudsman is None:
        missing.append("the ombudsman's contact details")
    return missing


# --------------------------------------------------------------------------- building


def _user_paragraphs(
    text: str, style: ParagraphStyleName = ParagraphStyleName.INDENTED
) -> tuple[Paragraph, ...]:
    """Text a person typed, one paragraph per blank-line-separated block."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return tuple(Paragraph(b, style) for b in blocks if b)


def _sentence(text: str) -> str:
    """Typed text placed inside a sentence, ending with a full stop when it has no ending."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


class _Builder:
    """Fills one template from one case."""

    def __init__(
        self,
        kind: LetterKind,
        case: LetterCase,
        org: Organisation,
        addressee: Addressee,
        today: date,
        template: Template,
    ) -> None:
        self.kind = kind
        self.case = case
        self.org = org
        self.addressee = addressee
        self.template = template
        self.values: dict[str, str] = {
            "reference": case.reference,
            "received": long_date(case.received),
            "resident_name": case.resident_name,
            "organisation": org.name,
            "phone": org.phone,
            "email": org.email,
            "website": org.website,
            "letter_date": long_date(today),
            "stage": f"Stage {case.stage}",
            "outcomes_sought": _sentence(case.outcomes_sought),
            "responsible_for": _sentence(case.responsible_for),
            "not_responsible_for": _sentence(case.not_responsible_for),
            "time_limit_months": str(case.time_limit_months),
            "window_days": str(case.escalation_window_days),
            "about": _sentence(case.about),
            "team": case.service_area.strip(),
            "record_kind": case.record_kind.label.lower(),
            "address": ", ".join(org.address_lines),
        }
        if case.response_due is not None:
            self.values["due_date"] = long_date(case.response_due)
        if case.escalation_requested is not None:
            self.values["escalation_requested"] = long_date(case.escalation_requested)
        if case.extension is not None and case.extension.new_due is not None:
            self.values["new_due_date"] = long_date(case.extension.new_due)
            self.values["extension_days"] = str(case.extension.days)
        if case.ombudsman is not None:
            o = case.ombudsman
            self.values |= {
                "ombudsman": o.name,
                "ombudsman_when": o.when,
                "ombudsman_address": o.address,
                "ombudsman_phone": o.phone,
                "ombudsman_email": o.email,
                "ombudsman_website": o.website,
            }

    def t(self, key: str, **item: str) -> str:
        return self.template.fill(key, self.values | item)

    def p(self, key: str, **item: str) -> Paragraph:
        return Paragraph(self.t(key, **item))

    # -- shared sections

    def intro(self, *keys: str) -> Section:
        blocks: list[Block] = []
        if (
            self.addressee.role
            in (
                AddresseeRole.REPRESENTATIVE,
                AddresseeRole.ELECTED_REPRESENTATIVE,
            )
            and self.kind in _COMPLAINT_LETTERS
        ):
            blocks.append(self.p("representative_intro"))
        blocks += [self.p(k) for k in keys]
        return Section(None, tuple(blocks))

    def definition(self, *extra: str) -> Section:
        blocks: list[Block] = [
            self.p("definition_intro"),
            BulletList(tuple(p.text.strip() for p in self.case.points)),
            self.p("outcomes"),
        ]
        blocks += [self.p(k) for k in extra]
        return Section(self.t("heading_definition"), tuple(blocks))

    def responsibility(self) -> Section:
        not_resp = "not_responsible" if self.case.not_responsible_for.strip() else None
        return Section(
            self.t("heading_responsibility"),
            (self.p("responsible"), self.p(not_resp or "not_responsible_none")),
        )

    def findings(self) -> list[Section]:
        sections: list[Section] = []
        if any(p.decision is not None for p in self.case.points):
            blocks: list[Block] = []
            for n, point in enumerate(self.case.points, 1):
                decision = point.decision.label.lower() if point.decision else ""
                blocks.append(
                    Paragraph(
                        self.t("point_heading", number=str(n), point=point.text.strip()),
                        ParagraphStyleName.STRONG,
                    )
                )
                blocks.append(self.p("point_decision", decision=decision))
                blocks += _user_paragraphs(point.reasons, ParagraphStyleName.NORMAL)
            sections.append(Section(self.t("heading_findings"), tuple(blocks)))
        assert self.case.decision is not None
        decision_key = "decision_" + self.case.decision.value.replace("-", "_")
        sections.append(
            Section(
                self.t("heading_decision"),
                (
                    self.p(decision_key),
                    self.p("reasons_intro"),
                    *_user_paragraphs(self.case.reasons),
                ),
            )
        )
        return sections

    def remedies(self) -> Section:
        if not self.case.remedies:
            return Section(self.t("heading_remedy"), (self.p("remedies_none"),))
        items = []
        for r in self.case.remedies:
            kind = self.t("remedy_kind_" + r.kind.value.replace("-", "_"))
            desc = r.description.strip()
            first = self.t("remedy_item", kind=kind, description=desc) if desc else kind
            more = r.amount_offered is not None or r.due is not None
            parts = [_sentence(first) if more else first]
            if r.amount_offered is not None:
                parts.append(self.t("remedy_amount", amount=money(r.amount_offered)))
            if r.due is not None:
                parts.append(self.t("remedy_due", due=long_date(r.due)))
            items.append(" ".join(parts))
        return Section(
            self.t("heading_remedy"), (self.p("remedies_intro"), BulletList(tuple(items)))
        )

    def actions(self) -> Section:
        outstanding = [a for a in self.case.actions if a.done is None]
        if not outstanding:
            return Section(self.t("heading_actions"), (self.p("actions_none"),))
        items = []
        for a in outstanding:
            text = self.t("action_item", description=a.description.strip())
            if a.due is not None:
                text += " " + self.t("action_due", due=long_date(a.due))
            items.append(text)
        return Section(
            self.t("heading_actions"),
            (self.p("actions_intro"), BulletList(tuple(items)), self.p("actions_follow_up")),
        )

    def escalation(self) -> Section:
        blocks = [self.p("escalate")]
        if self.case.escalation_window_days > 0:
            blocks.append(self.p("escalate_window"))
        blocks += [self.p("escalate_no_reason"), self.p("escalate_how")]
        return Section(self.t("heading_escalate"), tuple(blocks))

    def ombudsman(self) -> Section:
        assert self.case.ombudsman is not None
        lines = [self.t("ombudsman_address_line"), self.t("ombudsman_phone_line")]
        if self.case.ombudsman.email:
            lines.append(self.t("ombudsman_email_line"))
        if self.case.ombudsman.website:
            lines.append(self.t("ombudsman_website_line"))
        return Section(
            self.t("heading_ombudsman"),
            (self.p("ombudsman_intro"), Paragraph("\n".join(lines), ParagraphStyleName.STRONG)),
        )

    # -- letters

    def sections(self) -> tuple[Section, ...]:
        k = self.kind
        if k in _ACKNOWLEDGEMENTS:
            return (
                self.intro("opening"),
                self.definition("definition_check"),
                self.responsibility(),
                Section(self.t("heading_next"), (self.p("due"), self.p("contact"))),
            )
        if k in _RESPONSES:
            last = self.escalation() if k is LetterKind.STAGE1_RESPONSE else self.ombudsman()
            return (
                self.intro("opening"),
                self.definition(),
                *self.findings(),
                self.remedies(),
                self.actions(),
                last,
            )
        if k in _EXTENSIONS:
            assert self.case.extension is not None
            blocks: list[Block] = [self.p("extension")]
            if self.case.extension.days > 0:
                blocks.append(self.p("extension_days"))
            blocks += [
                self.p("reason_intro"),
                *_user_paragraphs(self.case.extension.reason),
                self.p("contact"),
            ]
            return (
                self.intro("opening"),
                Section(self.t("heading_extension"), tuple(blocks)),
                self.ombudsman(),
            )
        if k is LetterKind.REFUSAL:
            assert self.case.refusal is not None
            reason_key = "reason_" + self.case.refusal.reason.value.replace("-", "_")
            return (
                self.intro("opening"),
                Section(
                    self.t("heading_reason"),
                    (
                        self.p(reason_key),
                        self.p("explanation_intro"),
                        *_user_paragraphs(self.case.refusal.explanation),
                    ),
                ),
                self.ombudsman(),
            )
        if k is LetterKind.ESCALATION_REFUSAL:
            return (
                self.intro("opening"),
                Section(
                    self.t("heading_reason"),
                    (
                        self.p("reason_intro"),
                        *_user_paragraphs(self.case.escalation_refusal_reason),
                    ),
                ),
                self.ombudsman(),
            )
        if k is LetterKind.UPDATE:
            return self.update()
        if k is LetterKind.COMPLIMENT_ACKNOWLEDGEMENT:
            thanks = "thanks_" + self.case.record_kind.value
            blocks = [self.p(thanks)]
            if self.case.about.strip():
                blocks.append(self.p("about"))
            blocks.append(
                self.p("passed_on_team" if self.case.service_area.strip() else "passed_on")
            )
            blocks.append(self.p("closing"))
            return (Section(None, tuple(blocks)),)
        if k is LetterKind.ENQUIRY_REPLY:
            first: list[Block] = [self.p("opening")]
            if self.case.about.strip():
                first.append(self.p("about"))
            return (
                Section(None, tuple(first)),
                Section(
                    self.t("heading_reply"),
                    _user_paragraphs(self.case.enquiry_reply, ParagraphStyleName.NORMAL),
                ),
                Section(None, (self.p("closing"), self.p("complaint_route"))),
            )
        return (Section(None, (self.p("intro"), self.p("how_to_return"), self.p("contact"))),)

    def update(self) -> tuple[Section, ...]:
        done = [a for a in self.case.actions if a.done is not None]
        outstanding = [a for a in self.case.actions if a.done is None]
        sections = [self.intro("opening")]
        if done:
            items = tuple(
                self.t("done_item", description=a.description.strip(), done=long_date(a.done))
                for a in done
                if a.done is not None
            )
            sections.append(Section(self.t("heading_done"), (BulletList(items),)))
        if outstanding:
            items = tuple(
                self.t(
                    "outstanding_item_due", description=a.description.strip(), due=long_date(a.due)
                )
                if a.due is not None
                else self.t("outstanding_item", description=a.description.strip())
                for a in outstanding
            )
            block: Block = BulletList(items)
        else:
            block = self.p("outstanding_none")
        sections.append(Section(self.t("heading_outstanding"), (block, self.p("contact"))))
        return tuple(sections)

    def enclosure(self) -> tuple[str, tuple[Section, ...]]:
        if self.kind is not LetterKind.AUTHORISATION_FORM:
            return "", ()
        f = self.t
        return f("form_title"), (
            Section(
                f("heading_resident"),
                (
                    FormField(f("field_resident_name")),
                    FormField(f("field_resident_address"), lines=2),
                    FormField(f("field_postcode")),
                ),
            ),
            Section(
                f("heading_representative"),
                (
                    FormField(f("field_representative_name")),
                    FormField(f("field_representative_address"), lines=2),
                    FormField(f("field_postcode")),
                    FormField(f("field_representative_phone")),
                    FormField(f("field_relationship")),
                ),
            ),
            Section(
                f("heading_scope"),
                (Choices((f("scope_this_complaint"), f("scope_all_matters"))),),
            ),
            Section(
                f("heading_until"),
                (
                    Choices((f("until_closed"), f("until_date"))),
                    FormField(f("field_until_date")),
                ),
            ),
            Section(
                f("heading_signatures"),
                (
                    self.p("declaration"),
                    FormField(f("field_resident_signature")),
                    FormField(f("field_date")),
                    FormField(f("field_representative_signature")),
                    FormField(f("field_date")),
                ),
            ),
        )


def salutation_line(addressee: Addressee) -> str:
    """``Dear Ms Wiśniewski`` from the recorded salutation (or the name when none)."""
    greeting = addressee.salutation.strip() or addressee.name.strip()
    return greeting if greeting.lower().startswith("dear ") else f"Dear {greeting}"


def organisation_gaps(org: Organisation) -> list[str]:
    """Contact details every letter tells the resident to use, missing from Settings."""
    gaps = []
    if not org.address_lines:
        gaps.append("organisation address")
    if not org.phone.strip():
        gaps.append("organisation phone number")
    if not org.email.strip():
        gaps.append("organisation email address")
    return gaps


def build_letter(
    kind: LetterKind,
    case: LetterCase,
    org: Organisation,
    addressee: Addressee,
    today: date,
    templates: Templates,
) -> LetterContent:
    """Build a letter's content from the case, in the template's wording.

    Args:
        kind: Which letter.
        case: The case's facts for this letter.
        org: The sending organisation.
        addressee: Who the letter goes to (not a copy; use :func:`copy_of` for copies).
        today: The date of the letter.
        templates: The wording, from :func:`load_templates`.

    Raises:
        MissingContent: the case lacks content the letter must give; the message names it.
        InvalidInput: the letter does not fit the case (e.g. a compliment
            acknowledgement for a complaint) or the addressee is a copy.
    """
    if addressee.role is AddresseeRole.COPY:
        raise InvalidInput("Make the letter for its main addressee, then make copies with copy_of")
    if kind is LetterKind.COMPLIMENT_ACKNOWLEDGEMENT and not case.record_kind.is_feedback:
        raise InvalidInput(
            f"A compliment acknowledgement is for a compliment or comment, not a "
            f"{case.record_kind.label.lower()}"
        )
    missing, gaps = missing_content(kind, case), organisation_gaps(org)
    if missing or gaps:
        raise MissingContent(kind, missing, gaps)
    template = templates[kind]
    b = _Builder(kind, case, org, addressee, today, template)
    title, enclosure = b.enclosure()
    return LetterContent(
        kind=kind,
        addressee=addressee,
        date=today,
        reference=case.reference,
        subject=b.t("subject"),
        salutation=salutation_line(addressee),
        sections=b.sections(),
        sign_off=b.t("sign_off"),
        signatory_name=org.signatory_name,
        signatory_role=org.signatory_role,
        template_name=kind.value,
        template_version=template.version,
        template_origin=template.origin,
        copy_to=tuple(n for n in case.copy_to if n.strip() and n != addressee.name),
        large_print=case.large_print,
        copy_note=b.t("copy_note", addressee=addressee.name),
        enclosure_title=title,
        enclosure=enclosure,
    )


def copy_of(content: LetterContent, recipient: Addressee) -> LetterContent:
    """The same letter, addressed to someone who receives a copy.

    The copy keeps the main addressee's greeting and carries the line saying whose
    letter it is a copy of (the template's ``copy_note``).

    Args:
        content: The letter as made for its main addressee.
        recipient: Who receives the copy (their address goes in the window).
    """
    return replace(
        content,
        addressee=replace(recipient, role=AddresseeRole.COPY),
        note=content.copy_note,
        copy_to=tuple(n for n in content.copy_to if n != recipient.name),
    )


__all__ = [
    "DEFAULT_OTHER_FORMATS",
    "ActionLine",
    "Addressee",
    "AddresseeRole",
    "Block",
    "BulletList",
    "Choices",
    "ExtensionDetails",
    "FormField",
    "LetterCase",
    "LetterContent",
    "MissingContent",
    "Organisation",
    "Paragraph",
    "ParagraphStyleName",
    "Point",
    "Refusal",
    "RemedyLine",
    "Section",
    "Template",
    "TemplateError",
    "Templates",
    "build_letter",
    "copy_of",
    "letter_name",
    "load_templates",
    "long_date",
    "missing_content",
    "money",
    "parse_template",
    "salutation_line",
]

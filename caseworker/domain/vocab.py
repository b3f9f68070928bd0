"""The words of the work: machine values (lower-case, hyphens) and their plain labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from caseworker.domain.errors import InvalidInput


class Vocab(StrEnum):
    """A vocabulary whose members have a plain-English label."""

    @property
    def label(self) -> str:
        """The label the UI and letters show."""
        override = _LABELS.get(self.value)
        if override is not None:
            return override
        return self.value.replace("-", " ").capitalize()


class RecordKind(Vocab):
    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service-request"
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    MP_ENQUIRY = "mp-enquiry"
    COUNCILLOR_ENQUIRY = "councillor-enquiry"

    @property
    def is_enquiry(self) -> bool:
        return self in (RecordKind.MP_ENQUIRY, RecordKind.COUNCILLOR_ENQUIRY)

    @property
    def is_feedback(self) -> bool:
        """Compliments and comments, which are passed on to the service."""
        return self in (RecordKind.COMPLIMENT, RecordKind.COMMENT)


class Channel(Vocab):
    TELEPHONE = "telephone"
    EMAIL = "email"
    LETTER = "letter"
    FACE_TO_FACE = "face-to-face"
    WEB_FORM = "web-form"
    LIVE_CHAT = "live-chat"
    BSL_VIDEO_CALL = "bsl-video-call"
    RELAY_UK = "relay-uk"
    SOCIAL_MEDIA = "social-media"
    VIA_STAFF = "via-staff"
    VIA_REPRESENTATIVE = "via-representative"


class Status(Vocab):
    LOGGED = "logged"
    STAGE_1 = "stage-1"
    STAGE_1_RESPONDED = "stage-1-responded"
    STAGE_2_REQUESTED = "stage-2-requested"
    STAGE_2 = "stage-2"
    STAGE_2_RESPONDED = "stage-2-responded"
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self not in (Status.CLOSED, Status.REFUSED, Status.WITHDRAWN)


class Decision(Vocab):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly-upheld"
    NOT_UPHELD = "not-upheld"


class Tenure(Vocab):
    """Best first: ``case_tenure`` takes the first of these that a case's complainants have."""

    TENANT = "tenant"
    LEASEHOLDER = "leaseholder"
    OTHER_RESIDENT = "other-resident"


def case_tenure(tenures: Iterable[str | None]) -> str | None:
    """A case's tenure from its complainants': a tenant if any is one (so the case counts
    towards the TSMs), else a leaseholder, else another resident; None when none recorded."""
    given = set(tenures)
    return next((t.value for t in Tenure if t.value in given), None)


class AuthorisationState(Vocab):
    NOT_NEEDED = "not-needed"
    PENDING = "pending"
    AUTHORISED = "authorised"
    EXPIRED = "expired"
    REVOKED = "revoked"


class AuthorisationMethod(Vocab):
    SIGNED_FORM = "signed-form"
    VERBAL_VERIFIED = "verbal-verified"


class AuthorisationScope(Vocab):
    THIS_COMPLAINT = "this-complaint"
    ALL_MATTERS = "all-matters"


class Relationship(Vocab):
    RELATIVE = "relative"
    FRIEND = "friend"
    ADVOCATE = "advocate"
    SOLICITOR = "solicitor"
    MP = "mp"
    COUNCILLOR = "councillor"
    OTHER = "other"

    @property
    def is_elected(self) -> bool:
        return self in (Relationship.MP, Relationship.COUNCILLOR)


class RemedyKind(Vocab):
    APOLOGY = "apology"
    EXPLANATION = "explanation"
    ACTION_ON_DELAY = "action-on-delay"
    DECISION_RECONSIDERED = "decision-reconsidered"
    RECORD_CORRECTED = "record-corrected"
    FINANCIAL = "financial"
    POLICY_CHANGE = "policy-change"
    OTHER = "other"


class ExclusionReason(Vocab):
    OVER_TIME_LIMIT = "over-time-limit"
    LEGAL_PROCEEDINGS = "legal-proceedings"
    ALREADY_CONSIDERED = "already-considered"
    STATUTORY_APPEAL = "statutory-appeal"
    OTHER_ORGANISATION = "other-organisation"
    COUNCILLOR_CONDUCT = "councillor-conduct"
    GOVERNMENT_POLICY = "government-policy"
    OTHER = "other"


class LetterKind(Vocab):
    STAGE1_ACKNOWLEDGEMENT = "stage1-acknowledgement"
    STAGE1_RESPONSE = "stage1-response"
    STAGE1_EXTENSION = "stage1-extension"
    STAGE2_ACKNOWLEDGEMENT = "stage2-acknowledgement"
    STAGE2_RESPONSE = "stage2-response"
    STAGE2_EXTENSION = "stage2-extension"
    REFUSAL = "refusal"
    ESCALATION_REFUSAL = "escalation-refusal"
    UPDATE = "update"
    COMPLIMENT_ACKNOWLEDGEMENT = "compliment-acknowledgement"
    ENQUIRY_REPLY = "enquiry-reply"
    AUTHORISATION_FORM = "authorisation-form"


class OmbudsmanKind(Vocab):
    HOUSING = "housing-ombudsman"
    LGSCO = "lgsco"


_LABELS: dict[str, str] = {
    "mp-enquiry": "MP enquiry",
    "bsl-video-call": "BSL video call",
    "relay-uk": "Relay UK",
    "stage-1": "Stage 1",
    "stage-1-responded": "Stage 1 responded",
    "stage-2-requested": "Stage 2 requested",
    "stage-2": "Stage 2",
    "stage-2-responded": "Stage 2 responded",
    "mp": "MP",
    "stage1-acknowledgement": "Stage 1 acknowledgement",
    "stage1-response": "Stage 1 response",
    "stage1-extension": "Stage 1 extension",
    "stage2-acknowledgement": "Stage 2 acknowledgement",
    "stage2-response": "Stage 2 final response",
    "stage2-extension": "Stage 2 extension",
    "housing-ombudsman": "Housing Ombudsman",
    "lgsco": "Local Government and Social Care Ombudsman",
    "verbal-verified": "Verbal, verified",
    "face-to-face": "Face to face",
    "web-form": "Web form",
    "live-chat": "Live chat",
    "via-staff": "Via staff",
    "via-representative": "Via a representative",
}

V = TypeVar("V", bound=Vocab)

_SEPARATORS = re.compile(r"[\s_\-]+")


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("-", text.strip().lower())


def parse(kind: type[V], text: str) -> V:
    """Read a value given as label or machine value, any capitals, spaces or hyphens.

    Raises:
        InvalidInput: naming the allowed values when ``text`` is none of them.
    """
    wanted = _normalise(text)
    for member in kind:
        if wanted in (member.value, _normalise(member.label)):
            return member
    allowed = ", ".join(m.value for m in kind)
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", kind.__name__).lower()
    raise InvalidInput(f"'{text}' is not a known {name}; use one of: {allowed}")

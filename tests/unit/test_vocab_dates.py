"""Reading dates and vocabulary as people type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from caseworker.domain.dates import parse_date
from caseworker.domain.errors import InvalidInput
from caseworker.domain.vocab import (
    AuthorisationState,
    Channel,
    Decision,
    ExclusionReason,
    LetterKind,
    OmbudsmanKind,
    RecordKind,
    Relationship,
    RemedyKind,
    Status,
    Tenure,
    parse,
)

# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026-1-5", date(2026, 1, 5)),
        ("  2026-12-24 ", date(2026, 12, 24)),
        ("05/01/2026", date(2026, 1, 5)),  # day first: 5 January, not 1 May
        ("5/1/2026", date(2026, 1, 5)),
        ("24.12.2026", date(2026, 12, 24)),
        ("31/12/2025", date(2025, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),  # leap year
        ("12/11/2026", date(2026, 11, 12)),  # ambiguous reads UK style
    ],
)
def test_parse_date_accepts_iso_and_uk(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_passes_dates_through() -> None:
    assert parse_date(date(2026, 1, 5)) == date(2026, 1, 5)
    got = parse_date(datetime(2026, 1, 5, 23, 59))
    assert got == date(2026, 1, 5)
    assert type(got) is date


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a real date"),
        ("2026-13-01", "'2026-13-01' is not a real date"),
        ("29/02/2026", "'29/02/2026' is not a real date"),
        ("31/13/2025", "'31/13/2025' is not a real date"),
        ("12/31/2025", "'12/31/2025' looks like a US-style date (month first); use DD/MM/YYYY"),
        ("1/13/2026", "'1/13/2026' looks like a US-style date (month first); use DD/MM/YYYY"),
        ("05/01/26", "'05/01/26' has a two-digit year; write the year in full"),
        ("next tuesday", "'next tuesday' is not a date; use YYYY-MM-DD or DD/MM/YYYY"),
        ("", "'' is not a date; use YYYY-MM-DD or DD/MM/YYYY"),
        ("2026/01/05", "'2026/01/05' is not a date; use YYYY-MM-DD or DD/MM/YYYY"),
        ("20260105", "'20260105' is not a date; use YYYY-MM-DD or DD/MM/YYYY"),
    ],
)
def test_parse_date_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date(text)
    assert str(exc.value) == message


# --- vocabulary --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (RecordKind, "complaint", RecordKind.COMPLAINT),
        (RecordKind, "COMPLAINT", RecordKind.COMPLAINT),
        (RecordKind, "MP enquiry", RecordKind.MP_ENQUIRY),
        (RecordKind, "mp-enquiry", RecordKind.MP_ENQUIRY),
        (RecordKind, "Mp_Enquiry", RecordKind.MP_ENQUIRY),
        (RecordKind, " Service  Request ", RecordKind.SERVICE_REQUEST),
        (RecordKind, "Councillor enquiry", RecordKind.COUNCILLOR_ENQUIRY),
        (Channel, "Face to face", Channel.FACE_TO_FACE),
        (Channel, "BSL video call", Channel.BSL_VIDEO_CALL),
        (Channel, "relay uk", Channel.RELAY_UK),
        (Channel, "Via a representative", Channel.VIA_REPRESENTATIVE),
        (Channel, "via-representative", Channel.VIA_REPRESENTATIVE),
        (Status, "Stage 1", Status.STAGE_1),
        (Status, "stage-2-requested", Status.STAGE_2_REQUESTED),
        (Decision, "Partly upheld", Decision.PARTLY_UPHELD),
        (Tenure, "Other Resident", Tenure.OTHER_RESIDENT),
        (LetterKind, "Stage 2 final response", LetterKind.STAGE2_RESPONSE),
        (LetterKind, "stage2-response", LetterKind.STAGE2_RESPONSE),
        (OmbudsmanKind, "Local Government and Social Care Ombudsman", OmbudsmanKind.LGSCO),
        (OmbudsmanKind, "LGSCO", OmbudsmanKind.LGSCO),
        (Relationship, "MP", Relationship.MP),
        (AuthorisationState, "Not needed", AuthorisationState.NOT_NEEDED),
        (RemedyKind, "action on delay", RemedyKind.ACTION_ON_DELAY),
        (ExclusionReason, "Over time limit", ExclusionReason.OVER_TIME_LIMIT),
    ],
)
def test_parse_label_or_value(kind: type, text: str, expected: object) -> None:
    assert parse(kind, text) is expected


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            RecordKind,
            "grumble",
            "'grumble' is not a known record kind; use one of: complaint, service-request, "
            "compliment, comment, mp-enquiry, councillor-enquiry",
        ),
        (
            Decision,
            "rejected",
            "'rejected' is not a known decision; use one of: upheld, partly-upheld, not-upheld",
        ),
        (
            Tenure,
            "",
            "'' is not a known tenure; use one of: tenant, leaseholder, other-resident",
        ),
        (
            OmbudsmanKind,
            "spso",
            "'spso' is not a known ombudsman kind; use one of: housing-ombudsman, lgsco",
        ),
    ],
)
def test_parse_unknown(kind: type, text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse(kind, text)
    assert str(exc.value) == message


def test_labels() -> None:
    assert [k.label for k in RecordKind] == [
        "Complaint",
        "Service request",
        "Compliment",
        "Comment",
        "MP enquiry",
        "Councillor enquiry",
    ]
    assert [s.label for s in Status] == [
        "Logged",
        "Stage 1",
        "Stage 1 responded",
        "Stage 2 requested",
        "Stage 2",
        "Stage 2 responded",
        "Closed",
        "Refused",
        "Withdrawn",
    ]
    assert Channel.BSL_VIDEO_CALL.label == "BSL video call"
    assert Channel.RELAY_UK.label == "Relay UK"
    assert Channel.VIA_REPRESENTATIVE.label == "Via a representative"
    assert Decision.NOT_UPHELD.label == "Not upheld"
    assert OmbudsmanKind.HOUSING.label == "Housing Ombudsman"
    assert LetterKind.STAGE1_ACKNOWLEDGEMENT.label == "Stage 1 acknowledgement"
    assert Relationship.MP.label == "MP"


def test_machine_values_match_the_domain_vocabulary() -> None:
    assert [c.value for c in Channel] == [
        "telephone",
        "email",
        "letter",
        "face-to-face",
        "web-form",
        "live-chat",
        "bsl-video-call",
        "relay-uk",
        "social-media",
        "via-staff",
        "via-representative",
    ]
    assert [s.value for s in Status] == [
        "logged",
        "stage-1",
        "stage-1-responded",
        "stage-2-requested",
        "stage-2",
        "stage-2-responded",
        "closed",
        "refused",
        "withdrawn",
    ]
    assert [r.value for r in RemedyKind] == [
        "apology",
        "explanation",
        "action-on-delay",
        "decision-reconsidered",
        "record-corrected",
        "financial",
        "policy-change",
        "other",
    ]
    assert len(LetterKind) == 12


def test_kind_groups() -> None:
    assert [k for k in RecordKind if k.is_enquiry] == [
        RecordKind.MP_ENQUIRY,
        RecordKind.COUNCILLOR_ENQUIRY,
    ]
    assert [k for k in RecordKind if k.is_feedback] == [RecordKind.COMPLIMENT, RecordKind.COMMENT]
    assert [s for s in Status if not s.is_open] == [Status.CLOSED, Status.REFUSED, Status.WITHDRAWN]
    assert [r for r in Relationship if r.is_elected] == [Relationship.MP, Relationship.COUNCILLOR]

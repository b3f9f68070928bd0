"""Letter content built from a case: exact wording, required content, templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from caseworker.domain.errors import CaseworkerError, InvalidInput
from caseworker.domain.letters import (
    ActionLine,
    Addressee,
    AddresseeRole,
    BulletList,
    Choices,
    ExtensionDetails,
    FormField,
    LetterCase,
    LetterContent,
    MissingContent,
    Organisation,
    Paragraph,
    ParagraphStyleName,
    Point,
    Refusal,
    RemedyLine,
    TemplateError,
    Templates,
    build_letter,
    copy_of,
    load_templates,
    long_date,
    missing_content,
)
from caseworker.domain.policy import load_policy
from caseworker.domain.vocab import Decision, ExclusionReason, LetterKind, RecordKind, RemedyKind
from caseworker.paths import resource_path

TODAY = date(2027, 1, 4)

ORG = Organisation(
    name="Bolsover District Council",
    address_lines=("The Arc", "High Street", "Clowne", "Chesterfield", "S43 4JY"),
    phone="01246 242424",
    email="complaints@bolsover.gov.uk",
    website="www.bolsover.gov.uk",
    signatory_name="Siân Ó Briain",
    signatory_role="Customer Standards and Complaints Officer",
)

RESIDENT = Addressee(
    name="Ms Anna Wiśniewski",
    salutation="Ms Wiśniewski",
    address_lines=("14 Station Road", "Shirebrook", "Mansfield"),
    postcode="NG20 8AA",
)

MP = Addressee(
    name="Ruth Jones MP",
    salutation="Ms Jones",
    address_lines=("House of Commons", "London"),
    postcode="SW1A 0AA",
    role=AddresseeRole.ELECTED_REPRESENTATIVE,
)

HOS = load_policy("hos-2024").ombudsman
LGSCO = load_policy("lgsco-2024").ombudsman

CASE = LetterCase(
    reference="CW-2026-000042",
    record_kind=RecordKind.COMPLAINT,
    received=date(2026, 12, 31),
    resident_name="Ms Wiśniewski",
    points=(
        Point(
            "The repair to your boiler took six weeks to complete.",
            Decision.UPHELD,
            "The first appointment was missed and the part was ordered late.",
        ),
        Point(
            "Our contractor, Łukasz, was rude to you on 2 December.",
            Decision.NOT_UPHELD,
            "We found no evidence of rudeness in the call notes.",
        ),
    ),
    outcomes_sought="An apology and compensation for the cost of heaters",
    responsible_for="the time taken to repair your boiler and the conduct of our contractor",
    not_responsible_for="the gas supply to your home, which is a matter for your energy supplier",
    response_due=date(2027, 1, 18),
    escalation_requested=date(2027, 2, 1),
    decision=Decision.PARTLY_UPHELD,
    reasons="We agree that the repair took too long.\n\n"
    "We did not find that our contractor was rude.",
    remedies=(
        RemedyLine(RemedyKind.APOLOGY, "We apologise for the delay in repairing your boiler."),
        RemedyLine(
            RemedyKind.FINANCIAL,
            "For the cost of running electric heaters.",
            Decimal("1250.5"),
            date(2027, 2, 5),
        ),
    ),
    actions=(
        ActionLine("Remind our contractors to order parts on the first visit", date(2027, 2, 12)),
        ActionLine("Service your boiler", date(2027, 1, 20), done=date(2027, 1, 19)),
    ),
    extension=ExtensionDetails(
        date(2027, 2, 1), "We are waiting for a report from our heating contractor.", 10
    ),
    refusal=Refusal(ExclusionReason.OVER_TIME_LIMIT, "You told us the repair was in March 2024."),
    escalation_refusal_reason="Your request is about a new matter, which we will treat as a new "
    "complaint.",
    enquiry_reply="We have checked the repair records.\n\nThe boiler was repaired on 19 January.",
    ombudsman=HOS,
)


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates()


def make(
    kind: LetterKind,
    templates: Templates,
    case: LetterCase = CASE,
    addressee: Addressee = RESIDENT,
) -> LetterContent:
    return build_letter(kind, case, ORG, addressee, TODAY, templates)


# --------------------------------------------------------------------------- dates


def test_long_date_is_written_out_in_english() -> None:
    assert long_date(date(2025, 3, 20)) == "Thursday 20 March 2025"
    assert long_date(date(2027, 1, 4)) == "Monday 4 January 2027"
    assert long_date(date(2026, 12, 31)) == "Thursday 31 December 2026"


# --------------------------------------------------------------------------- acknowledgements


def test_stage1_acknowledgement_says_stage_definition_responsibility_and_due_date(
    templates: Templates,
) -> None:
    letter = make(LetterKind.STAGE1_ACKNOWLEDGEMENT, templates)

    assert letter.salutation == "Dear Ms Wiśniewski"
    assert letter.subject == "Your complaint: we have received it (Stage 1)"
    assert letter.long_date == "Monday 4 January 2027"
    assert letter.reference == "CW-2026-000042"
    assert letter.template_label == "stage1-acknowledgement v1 (shipped)"
    assert letter.sections[0].paragraphs == (
        "Thank you for contacting us on Thursday 31 December 2026. We are dealing with what you "
        "told us as a complaint at Stage 1 of our complaints process.",
    )
    definition = letter.section("What we understand your complaint to be")
    assert definition.bullets == (
        "The repair to your boiler took six weeks to complete.",
        "Our contractor, Łukasz, was rude to you on 2 December.",
    )
    assert definition.paragraphs[1] == (
        "You would like: An apology and compensation for the cost of heaters."
    )
    assert letter.section("What we will look into").paragraphs == (
        "We are responsible for, and will look into: the time taken to repair your boiler and "
        "the conduct of our contractor.",
        "We are not responsible for the following, so we cannot look into it as part of this "
        "complaint: the gas supply to your home, which is a matter for your energy supplier.",
    )
    assert letter.section("What happens next").paragraphs == (
        "We will send you our full response by Monday 18 January 2027.",
        "If you have any questions in the meantime, please call us on 01246 242424 or email "
        "complaints@bolsover.gov.uk, quoting reference CW-2026-000042.",
    )
    assert letter.sign_off == "Yours sincerely"
    assert letter.signatory_name == "Siân Ó Briain"


def test_acknowledgement_with_nothing_outside_our_responsibility_says_so(
    templates: Templates,
) -> None:
    letter = make(
        LetterKind.STAGE1_ACKNOWLEDGEMENT, templates, replace(CASE, not_responsible_for="  ")
    )
    assert letter.section("What we will look into").paragraphs[1] == (
        "Everything in your complaint is something we are responsible for."
    )


def test_stage2_acknowledgement_gives_request_date_and_final_response_date(
    templates: Templates,
) -> None:
    letter = make(LetterKind.STAGE2_ACKNOWLEDGEMENT, templates, replace(CASE, stage=2))
    assert letter.subject == "Your complaint: we have received your request for Stage 2"
    assert letter.sections[0].paragraphs[0] == (
        "Thank you for asking us, on Monday 1 February 2027, to look at your complaint again. "
        "We are now dealing with it at Stage 2 of our complaints process. This is the final "
        "stage, and a different officer will review your complaint."
    )
    assert letter.section("What happens next").paragraphs[0] == (
        "We will send you our final response by Monday 18 January 2027."
    )


# --------------------------------------------------------------------------- responses


def test_stage1_response_gives_decision_reasons_remedies_actions_and_escalation(
    templates: Templates,
) -> None:
    letter = make(LetterKind.STAGE1_RESPONSE, templates)

    assert letter.subject == "Your complaint: our Stage 1 response"
    assert letter.sections[0].paragraphs == (
        "Thank you for your complaint, which we received on Thursday 31 December 2026. This "
        "letter is our response at Stage 1 of our complaints process.",
    )
    assert letter.section("Your complaint").paragraphs == (
        "We understood that you were unhappy about:",
        "You told us you would like: An apology and compensation for the cost of heaters.",
    )
    findings = letter.section("What we found").blocks
    assert findings == (
        Paragraph(
            "1. The repair to your boiler took six weeks to complete.", ParagraphStyleName.STRONG
        ),
        Paragraph("Our decision on this point: upheld."),
        Paragraph("The first appointment was missed and the part was ordered late."),
        Paragraph(
            "2. Our contractor, Łukasz, was rude to you on 2 December.", ParagraphStyleName.STRONG
        ),
        Paragraph("Our decision on this point: not upheld."),
        Paragraph("We found no evidence of rudeness in the call notes."),
    )
    assert letter.section("Our decision").paragraphs == (
        "We have partly upheld your complaint. This means we agree that we got some things "
        "wrong, but not everything you raised.",
        "These are the reasons for our decision:",
        "We agree that the repair took too long.",
        "We did not find that our contractor was rude.",
    )
    remedy = letter.section("Putting things right")
    assert remedy.paragraphs == ("To put things right, we are offering:",)
    assert remedy.bullets == (
        "An apology: We apologise for the delay in repairing your boiler.",
        "A payment: For the cost of running electric heaters. We are offering £1,250.50. "
        "We will do this by Friday 5 February 2027.",
    )
    actions = letter.section("What we will do next")
    assert actions.bullets == (
        "Remind our contractors to order parts on the first visit (by Friday 12 February 2027)",
    )
    assert actions.paragraphs == (
        "We will:",
        "We will keep you updated until we have done all of these things.",
    )
    assert letter.section("If you are unhappy with our response").paragraphs == (
        "If you are unhappy with our response, you can ask us to look at your complaint again at "
        "Stage 2 of our complaints process. A different officer will review it.",
        "You do not need to give a reason, but it helps us if you tell us what you are still "
        "unhappy about.",
        "To ask, call us on 01246 242424, email complaints@bolsover.gov.uk or write to us at the "
        "address above, quoting reference CW-2026-000042.",
    )


def test_response_without_remedies_or_outstanding_actions_says_so_plainly(
    templates: Templates,
) -> None:
    case = replace(
        CASE,
        remedies=(),
        actions=(ActionLine("Service your boiler", date(2027, 1, 20), date(2027, 1, 19)),),
    )
    letter = make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert letter.section("Putting things right").paragraphs == (
        "We are not offering a remedy for this complaint.",
    )
    assert letter.section("What we will do next").paragraphs == (
        "There is nothing more for us to do on this complaint.",
    )
    assert letter.section("Putting things right").bullets == ()


def test_response_without_point_decisions_has_no_findings_section(templates: Templates) -> None:
    case = replace(CASE, points=tuple(replace(p, decision=None) for p in CASE.points))
    letter = make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert [s.heading for s in letter.sections] == [
        None,
        "Your complaint",
        "Our decision",
        "Putting things right",
        "What we will do next",
        "If you are unhappy with our response",
    ]


def test_escalation_window_from_the_policy_is_given_when_there_is_one(
    templates: Templates,
) -> None:
    local = load_policy("receipt-based-local")
    case = replace(CASE, escalation_window_days=local.escalation_window_days)
    letter = make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert letter.section("If you are unhappy with our response").paragraphs[1:3] == (
        "Please ask within 28 days of receiving this letter.",
        "You do not need to give a reason, but it helps us if you tell us what you are still "
        "unhappy about.",
    )
    hos = make(LetterKind.STAGE1_RESPONSE, templates)
    assert "Please ask within" not in hos.plain_text()


def test_stage2_response_sends_the_resident_to_the_housing_ombudsman(
    templates: Templates,
) -> None:
    letter = make(LetterKind.STAGE2_RESPONSE, templates, replace(CASE, stage=2))
    assert letter.subject == "Your complaint: our final response (Stage 2)"
    assert letter.section("If you are still unhappy").paragraphs == (
        "This is our final response. If you are still unhappy, you can ask the Housing Ombudsman "
        "Service to look at your complaint. It is free and independent. The Housing Ombudsman "
        "can consider your complaint once both stages of our complaints process are complete, or "
        "if we have not responded in time. You should contact them within 12 months of our final "
        "response.",
        "Housing Ombudsman Service, PO Box 1484, Unit D, Preston PR2 0ET\n"
        "Phone: 0300 111 3000\n"
        "Email: info@housing-ombudsman.org.uk\n"
        "Website: www.housing-ombudsman.org.uk",
    )
    assert "If you are unhappy with our response" not in [s.heading for s in letter.sections]


def test_stage2_response_under_lgsco_policy_names_the_lgsco(templates: Templates) -> None:
    letter = make(LetterKind.STAGE2_RESPONSE, templates, replace(CASE, stage=2, ombudsman=LGSCO))
    assert letter.section("If you are still unhappy").paragraphs[1] == (
        "Local Government and Social Care Ombudsman, PO Box 4771, Coventry CV4 0EH\n"
        "Phone: 0300 061 0614\n"
        "Website: www.lgo.org.uk"
    )


# --------------------------------------------------------------------------- extensions, refusals


def test_stage1_extension_gives_new_date_reason_and_ombudsman(templates: Templates) -> None:
    letter = make(LetterKind.STAGE1_EXTENSION, templates)
    assert letter.subject == "Your complaint: we need more time for our Stage 1 response"
    assert letter.section("We need more time").paragraphs == (
        "We are sorry, but we need more time to finish looking into your complaint. We will now "
        "send you our full response by Monday 1 February 2027.",
        "This is 10 working days later than the date we gave you before.",
        "The reason we need more time is:",
        "We are waiting for a report from our heating contractor.",
        "If you have any questions, or would like us to update you along the way, please call us "
        "on 01246 242424 or email complaints@bolsover.gov.uk, quoting reference CW-2026-000042.",
    )
    assert letter.section("If you are unhappy that we need more time").paragraphs == (
        "You can contact the Housing Ombudsman Service for advice. It is free and independent.",
        "Housing Ombudsman Service, PO Box 1484, Unit D, Preston PR2 0ET\n"
        "Phone: 0300 111 3000\n"
        "Email: info@housing-ombudsman.org.uk\n"
        "Website: www.housing-ombudsman.org.uk",
    )


def test_stage2_extension_speaks_of_the_final_response(templates: Templates) -> None:
    letter = make(LetterKind.STAGE2_EXTENSION, templates, replace(CASE, stage=2))
    assert letter.subject == "Your complaint: we need more time for our final response"
    assert letter.section("We need more time").paragraphs[0] == (
        "We are sorry, but we need more time to finish looking into your complaint. We will now "
        "send you our final response by Monday 1 February 2027."
    )


def test_refusal_gives_the_reason_with_the_policy_time_limit_and_the_ombudsman(
    templates: Templates,
) -> None:
    case = replace(CASE, time_limit_months=6)
    letter = make(LetterKind.REFUSAL, templates, case)
    assert letter.subject == "Why we cannot deal with this as a complaint"
    assert letter.section("Why we cannot deal with it").paragraphs == (
        "This is because the problem happened, or you found out about it, more than 6 months "
        "before you contacted us.",
        "In your case:",
        "You told us the repair was in March 2024.",
    )
    assert letter.section("If you disagree").paragraphs[0] == (
        "If you disagree with our decision, you can ask the Housing Ombudsman Service to look at "
        "it. It is free and independent."
    )


def test_refusal_for_another_organisation(templates: Templates) -> None:
    case = replace(CASE, refusal=Refusal(ExclusionReason.OTHER_ORGANISATION, "Ask Severn Trent."))
    letter = make(LetterKind.REFUSAL, templates, case)
    assert letter.section("Why we cannot deal with it").paragraphs[0] == (
        "This is because the service you are unhappy with is provided by another organisation, "
        "not by us."
    )


def test_escalation_refusal_gives_the_valid_reason_and_the_ombudsman(
    templates: Templates,
) -> None:
    letter = make(LetterKind.ESCALATION_REFUSAL, templates)
    assert letter.section("Why we cannot take your complaint to Stage 2").paragraphs == (
        "The reason is:",
        "Your request is about a new matter, which we will treat as a new complaint.",
    )
    assert (
        letter.section("If you disagree")
        .paragraphs[1]
        .startswith(
            "Housing Ombudsman Service, PO Box 1484, Unit D, Preston PR2 0ET\nPhone: 0300 111 3000"
        )
    )


# --------------------------------------------------------------------------- other letters


def test_update_lists_done_and_outstanding_actions(templates: Templates) -> None:
    letter = make(LetterKind.UPDATE, templates)
    assert letter.sections[0].paragraphs == (
        "When we responded to your complaint at Stage 1, we agreed to take some actions. This "
        "letter tells you where we are with them.",
    )
    assert letter.section("What we have done").bullets == (
        "Service your boiler (done on Tuesday 19 January 2027)",
    )
    assert letter.section("What we still have to do").bullets == (
        "Remind our contractors to order parts on the first visit (by Friday 12 February 2027)",
    )


def test_update_with_everything_done_says_so(templates: Templates) -> None:
    case = replace(CASE, actions=(ActionLine("Service your boiler", None, date(2027, 1, 19)),))
    letter = make(LetterKind.UPDATE, templates, case)
    assert letter.section("What we still have to do").paragraphs[0] == (
        "We have now done everything we agreed to do."
    )


def test_compliment_acknowledgement(templates: Templates) -> None:
    case = replace(
        CASE,
        record_kind=RecordKind.COMPLIMENT,
        about="The new paving outside the Clowne contact centre",
        service_area="Streetscene",
    )
    letter = make(LetterKind.COMPLIMENT_ACKNOWLEDGEMENT, templates, case)
    assert letter.subject == "Thank you for getting in touch"
    assert letter.sections[0].paragraphs == (
        "Thank you for your compliment, which we received on Thursday 31 December 2026. It is "
        "always good to hear when things have gone well.",
        "You told us about: The new paving outside the Clowne contact centre.",
        "We have passed your compliment on to Streetscene, so that they can see what you said.",
        "Thank you for taking the time to contact us.",
    )


def test_comment_acknowledgement_without_a_team(templates: Templates) -> None:
    case = replace(CASE, record_kind=RecordKind.COMMENT)
    letter = make(LetterKind.COMPLIMENT_ACKNOWLEDGEMENT, templates, case)
    assert letter.sections[0].paragraphs == (
        "Thank you for your comment, which we received on Thursday 31 December 2026. Hearing "
        "your views helps us to improve our services.",
        "We have passed your comment on to the team concerned, so that they can see what you said.",
        "Thank you for taking the time to contact us.",
    )


def test_compliment_acknowledgement_is_refused_for_a_complaint(templates: Templates) -> None:
    with pytest.raises(InvalidInput) as err:
        make(LetterKind.COMPLIMENT_ACKNOWLEDGEMENT, templates)
    assert str(err.value) == (
        "A compliment acknowledgement is for a compliment or comment, not a complaint"
    )


def test_enquiry_reply_goes_to_the_mp(templates: Templates) -> None:
    case = replace(CASE, record_kind=RecordKind.MP_ENQUIRY, copy_to=("Ruth Jones MP",))
    letter = make(LetterKind.ENQUIRY_REPLY, templates, case, MP)
    assert letter.salutation == "Dear Ms Jones"
    assert letter.subject == "Your enquiry on behalf of Ms Wiśniewski"
    assert letter.sections[0].paragraphs == (
        "Thank you for your enquiry of Thursday 31 December 2026 on behalf of Ms Wiśniewski.",
    )
    assert letter.section("Our reply").paragraphs == (
        "We have checked the repair records.",
        "The boiler was repaired on 19 January.",
    )
    assert letter.sections[2].paragraphs[1] == (
        "If Ms Wiśniewski is unhappy with the service they have received, they can make a "
        "complaint and we will deal with it under our complaints process."
    )
    assert letter.copy_to == ()  # the MP is the addressee, not a copy


def test_authorisation_form_has_every_field_to_fill(templates: Templates) -> None:
    letter = make(LetterKind.AUTHORISATION_FORM, templates)
    assert letter.enclosure_title == "Form: agreeing that someone can act for you"
    labels = [b.label for s in letter.enclosure for b in s.blocks if isinstance(b, FormField)]
    assert labels == [
        "Your full name",
        "Your address",
        "Postcode",
        "Their full name",
        "Their address",
        "Postcode",
        "Their phone number",
        "How they know you (for example, a relative)",
        "Date",
        "Your signature",
        "Date",
        "Signature of the person acting for you",
        "Date",
    ]
    choices = [b for s in letter.enclosure for b in s.blocks if isinstance(b, Choices)]
    assert choices == [
        Choices(
            (
                "This complaint only (reference CW-2026-000042)",
                "All my dealings with Bolsover District Council",
            )
        ),
        Choices(("Until this complaint is closed", "Until the date below")),
    ]
    assert letter.sections[0].paragraphs[1] == (
        "Please send the form back to us at The Arc, High Street, Clowne, Chesterfield, S43 4JY, "
        "or email a photo or scan of it to complaints@bolsover.gov.uk, quoting reference "
        "CW-2026-000042."
    )


# --------------------------------------------------------------------------- addressees


def test_representative_is_told_why_they_receive_the_letter(templates: Templates) -> None:
    rep = Addressee("Mr Tomasz Nowak", "Mr Nowak", ("1 Mill Lane",), "S44 6AA")
    rep = replace(rep, role=AddresseeRole.REPRESENTATIVE)
    letter = make(LetterKind.STAGE1_ACKNOWLEDGEMENT, templates, addressee=rep)
    assert letter.salutation == "Dear Mr Nowak"
    assert letter.sections[0].paragraphs[0] == (
        "We are writing to you because you are acting for Ms Wiśniewski in this complaint."
    )


def test_copy_keeps_the_greeting_and_says_whose_letter_it_is(templates: Templates) -> None:
    case = replace(CASE, copy_to=("Ruth Jones MP",))
    letter = make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert letter.copy_to == ("Ruth Jones MP",)
    copy = copy_of(letter, MP)
    assert copy.addressee.role is AddresseeRole.COPY
    assert copy.addressee.name == "Ruth Jones MP"
    assert copy.salutation == "Dear Ms Wiśniewski"
    assert copy.note == (
        "Copy for your information. This is a copy of our letter to Ms Anna Wiśniewski."
    )
    assert copy.copy_to == ()
    assert copy.sections == letter.sections


def test_a_copy_addressee_cannot_be_the_main_addressee(templates: Templates) -> None:
    with pytest.raises(InvalidInput):
        make(LetterKind.STAGE1_RESPONSE, templates, addressee=replace(MP, role=AddresseeRole.COPY))


def test_salutation_falls_back_to_the_name(templates: Templates) -> None:
    letter = make(LetterKind.UPDATE, templates, addressee=replace(RESIDENT, salutation=""))
    assert letter.salutation == "Dear Ms Anna Wiśniewski"


# --------------------------------------------------------------------------- required content


def test_missing_decision_and_reasons_refuse_the_response(templates: Templates) -> None:
    case = replace(CASE, decision=None, reasons=" ")
    with pytest.raises(MissingContent) as err:
        make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert str(err.value) == (
        "Cannot make the Stage 1 response letter: the case has no decision, "
        "no reasons for the decision"
    )
    assert err.value.missing == ("the decision", "the reasons for the decision")
    assert isinstance(err.value, CaseworkerError)


EMPTY = LetterCase(
    reference="CW-2026-000043",
    record_kind=RecordKind.COMPLAINT,
    received=date(2026, 12, 31),
    resident_name="Mr Nowak",
)


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (
            LetterKind.STAGE1_ACKNOWLEDGEMENT,
            [
                "the complaint definition",
                "the outcomes sought",
                "the statement of what we are responsible for",
                "the response due date",
            ],
        ),
        (
            LetterKind.STAGE2_ACKNOWLEDGEMENT,
            [
                "the complaint definition",
                "the outcomes sought",
                "the date the Stage 2 request was received",
                "the statement of what we are responsible for",
                "the response due date",
            ],
        ),
        (
            LetterKind.STAGE1_RESPONSE,
            [
                "the complaint definition",
                "the outcomes sought",
                "the decision",
                "the reasons for the decision",
            ],
        ),
        (
            LetterKind.STAGE2_RESPONSE,
            [
                "the complaint definition",
                "the outcomes sought",
                "the decision",
                "the reasons for the decision",
                "the ombudsman's contact details",
            ],
        ),
        (
            LetterKind.STAGE1_EXTENSION,
            [
                "the new due date",
                "the reason for the extension",
                "the ombudsman's contact details",
            ],
        ),
        (
            LetterKind.STAGE2_EXTENSION,
            [
                "the new due date",
                "the reason for the extension",
                "the ombudsman's contact details",
            ],
        ),
        (
            LetterKind.REFUSAL,
            [
                "the refusal reason",
                "the explanation of the refusal",
                "the ombudsman's contact details",
            ],
        ),
        (
            LetterKind.ESCALATION_REFUSAL,
            ["the reason for refusing the escalation", "the ombudsman's contact details"],
        ),
        (LetterKind.UPDATE, ["the actions to report on"]),
        (LetterKind.ENQUIRY_REPLY, ["the reply to the enquiry"]),
        (LetterKind.AUTHORISATION_FORM, []),
    ],
)
def test_missing_content_names_each_required_item(kind: LetterKind, missing: list[str]) -> None:
    assert missing_content(kind, EMPTY) == missing


def test_missing_content_message_for_an_extension(templates: Templates) -> None:
    with pytest.raises(MissingContent) as err:
        make(LetterKind.STAGE2_EXTENSION, templates, EMPTY)
    assert str(err.value) == (
        "Cannot make the Stage 2 extension letter: the case has no new due date, no reason for "
        "the extension, no ombudsman's contact details"
    )


def test_missing_refusal_reason_message(templates: Templates) -> None:
    case = replace(EMPTY, ombudsman=HOS, refusal=Refusal(ExclusionReason.OTHER, ""))
    with pytest.raises(MissingContent) as err:
        make(LetterKind.REFUSAL, templates, case)
    assert str(err.value) == (
        "Cannot make the refusal letter: the case has no explanation of the refusal"
    )


def test_a_point_left_undecided_is_missing_when_others_are_decided() -> None:
    case = replace(CASE, points=(CASE.points[0], replace(CASE.points[1], decision=None)))
    assert missing_content(LetterKind.STAGE2_RESPONSE, case) == [
        "the decision on point 2 of the complaint"
    ]


def test_complete_case_lacks_nothing_for_any_complaint_letter() -> None:
    for kind in LetterKind:
        if kind not in (LetterKind.COMPLIMENT_ACKNOWLEDGEMENT,):
            assert missing_content(kind, CASE) == [], kind


# --------------------------------------------------------------------------- templates


def _shipped(kind: LetterKind) -> str:
    return resource_path("letters", f"{kind.value}.toml").read_text(encoding="utf-8")


def test_every_letter_kind_has_a_shipped_template(templates: Templates) -> None:
    assert {k: templates[k].version for k in LetterKind} == {k: 1 for k in LetterKind}
    assert all(templates[k].origin == "shipped" for k in LetterKind)


def test_override_replaces_one_template_and_is_recorded(tmp_path: Path) -> None:
    text = _shipped(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    text = text.replace("version = 1", "version = 7").replace(
        'due = "We will send you our full response by {due_date}."',
        'due = "Our full reply will reach you by {due_date} at the latest."',
    )
    (tmp_path / "stage1-acknowledgement.toml").write_text(text, encoding="utf-8")

    own = load_templates(tmp_path)
    letter = make(LetterKind.STAGE1_ACKNOWLEDGEMENT, own)
    assert letter.section("What happens next").paragraphs[0] == (
        "Our full reply will reach you by Monday 18 January 2027 at the latest."
    )
    assert letter.template_label == "stage1-acknowledgement v7 (organisation)"
    assert own[LetterKind.STAGE1_RESPONSE].origin == "shipped"


def test_unknown_placeholder_is_refused_naming_template_and_placeholder(tmp_path: Path) -> None:
    text = _shipped(LetterKind.UPDATE).replace(
        'outstanding_none = "We have now done everything we agreed to do."',
        'outstanding_none = "All done, {firstname}."',
    )
    (tmp_path / "update.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_templates(tmp_path)
    assert str(err.value).startswith(
        "letter template update: 'outstanding_none' uses the unknown placeholder {firstname}; "
        "it may use email, letter_date, organisation, phone, received, reference, "
        "resident_name, stage, website"
    )


def test_a_placeholder_reaching_into_values_is_refused(tmp_path: Path) -> None:
    text = _shipped(LetterKind.UPDATE).replace(
        'subject = "Your complaint: an update on what we agreed to do"',
        'subject = "{reference.__class__}"',
    )
    (tmp_path / "update.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_templates(tmp_path)
    assert str(err.value) == (
        "letter template update: 'subject' has the placeholder '{reference.__class__}'; "
        "placeholders are plain names such as {reference}"
    )


def test_missing_wording_and_unknown_files_are_refused(tmp_path: Path) -> None:
    text = _shipped(LetterKind.UPDATE).replace('heading_done = "What we have done"\n', "")
    (tmp_path / "update.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_templates(tmp_path)
    assert str(err.value) == "letter template update: missing wording for heading_done"

    other = tmp_path / "other"
    other.mkdir()
    (other / "stage3-response.toml").write_text("version = 1\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_templates(other)
    assert str(err.value).startswith("stage3-response.toml is not a letter template")

    with pytest.raises(InvalidInput):
        load_templates(tmp_path / "nowhere")


def test_typed_text_is_a_value_never_a_template(templates: Templates) -> None:
    case = replace(
        CASE,
        outcomes_sought="{reference} {0} {phone.__class__} }{",
        reasons="Look: {resident_name}",
    )
    letter = make(LetterKind.STAGE1_RESPONSE, templates, case)
    assert letter.section("Your complaint").paragraphs[1] == (
        "You told us you would like: {reference} {0} {phone.__class__} }{."
    )
    assert letter.section("Our decision").paragraphs[2] == "Look: {resident_name}"


def test_plain_text_of_a_letter_lists_bullets_and_fields(templates: Templates) -> None:
    letter = make(LetterKind.AUTHORISATION_FORM, templates)
    text = letter.plain_text()
    assert "Your full name: \n" in text
    assert "[ ] All my dealings with Bolsover District Council" in text
    bullets = make(LetterKind.STAGE1_ACKNOWLEDGEMENT, templates).plain_text()
    assert "- The repair to your boiler took six weeks to complete." in bullets
    assert isinstance(letter.sections[0].blocks[0], Paragraph)
    assert not any(isinstance(b, BulletList) for b in letter.sections[0].blocks)

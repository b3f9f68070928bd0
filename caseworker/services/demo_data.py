"""The words and reference lists the demo generator draws on (a fictional district council)."""

from __future__ import annotations

ORGANISATION: dict[str, str] = {
    "name": "North Derbyshire District Council",
    "address": "Council Offices\n1 Market Street\nClowne\nChesterfield\nS43 4JY",
    "phone": "01632 960 000",
    "email": "complaints@north-derbyshire.example",
    "website": "www.north-derbyshire.example",
    "logo_path": "",
    "signatory_name": "Jane Whitworth",
    "signatory_role": "Customer Services Manager",
    "other_formats": (
        "If you would like this letter in large print, in another language, or explained "
        "through a BSL video call or Relay UK, please contact us."
    ),
}

# Site name, its town and postcode districts (for residents' addresses), weight.
SITES: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("Clowne", "Clowne", ("S43 4", "S43 3"), 20),
    ("Bolsover", "Bolsover", ("S44 6", "S44 5"), 25),
    ("Shirebrook", "Shirebrook", ("NG20 8",), 20),
    ("South Normanton", "South Normanton", ("DE55 2", "DE55 3"), 20),
    ("Head office", "Clowne", ("S43 4", "S80 4"), 15),
)

# Service area, whether it is a housing matter, weight for complaints, weight for other kinds.
SERVICE_AREAS: tuple[tuple[str, bool, int, int], ...] = (
    ("Housing Repairs", True, 34, 14),
    ("Housing Management", True, 14, 8),
    ("Tenancy Services", True, 8, 5),
    ("Council Tax", False, 10, 10),
    ("Benefits", False, 7, 6),
    ("Waste and Recycling", False, 14, 30),
    ("Planning", False, 5, 8),
    ("Environmental Health", False, 5, 8),
    ("Leisure", False, 3, 11),
)

THEMES: dict[str, tuple[str, ...]] = {
    "Housing Repairs": ("Repairs delay", "Damp and mould", "Quality of work", "Missed appointment"),
    "Housing Management": ("Anti-social behaviour", "Communication", "Estate services"),
    "Tenancy Services": ("Allocations", "Rent account", "Communication"),
    "Council Tax": ("Billing error", "Recovery action", "Communication"),
    "Benefits": ("Delay in assessment", "Overpayment", "Communication"),
    "Waste and Recycling": ("Missed collection", "Bin damage", "Staff conduct"),
    "Planning": ("Enforcement", "Application handling", "Communication"),
    "Environmental Health": ("Noise nuisance", "Pest control", "Fly-tipping"),
    "Leisure": ("Facilities", "Booking", "Staff conduct"),
}

STAFF: tuple[tuple[str, str], ...] = (
    ("Aisha Patel", "Housing Repairs"),
    ("Gareth Hughes", "Housing Repairs"),
    ("Siobhán Kelly", "Housing Repairs"),
    ("Tom Birch", "Housing Repairs"),
    ("Deborah Clarke", "Housing Management"),
    ("Marek Nowak", "Housing Management"),
    ("Rachel Greaves", "Tenancy Services"),
    ("Imran Hussain", "Tenancy Services"),
    ("Claire Watson", "Council Tax"),
    ("Paul Fletcher", "Council Tax"),
    ("Zoë Marsden", "Benefits"),
    ("Kwame Mensah", "Benefits"),
    ("Lee Bramley", "Waste and Recycling"),
    ("Joanne Pearson", "Waste and Recycling"),
    ("Hannah Booth", "Planning"),
    ("Rhys Evans", "Planning"),
    ("Fiona McLeod", "Environmental Health"),
    ("Daniel Osei", "Environmental Health"),
    ("Sarah Wilde", "Leisure"),
    ("Neil Outram", "Leisure"),
)

# Contact centre advisors, who log what comes in (the audit trail names them).
ADVISORS: tuple[str, ...] = ("Janet Hill", "Kerry Hughes", "Tom Booth", "Asha Patel")

_WOMAN = ("Mrs", "Ms", "Ms", "Miss", "Dr")
_MAN = ("Mr", "Mr", "Mr", "Mr", "Dr")
_ANY = ("Mx", "Dr")

# First names, each with the titles a person of that name is commonly addressed by (a
# salutation must fit the name: never "Dear Mr Wright" to Tracey Wright). Chidi is given to
# men and women; the others are usually one or the other.
FIRST_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Margaret", _WOMAN),
    ("John", _MAN),
    ("Susan", _WOMAN),
    ("David", _MAN),
    ("Karen", _WOMAN),
    ("Paul", _MAN),
    ("Julie", _WOMAN),
    ("Mark", _MAN),
    ("Tracey", _WOMAN),
    ("Gary", _MAN),
    ("Emma", _WOMAN),
    ("Daniel", _MAN),
    ("Sophie", _WOMAN),
    ("James", _MAN),
    ("Chloe", _WOMAN),
    ("Ryan", _MAN),
    ("Jessica", _WOMAN),
    ("Liam", _MAN),
    ("Amy", _WOMAN),
    ("Jack", _MAN),
    ("Siân", _WOMAN),
    ("Łukasz", _MAN),
    ("Agnieszka", _WOMAN),
    ("Niamh", _WOMAN),
    ("Seán", _MAN),
    ("Zoë", _WOMAN),
    ("José", _MAN),
    ("Renée", _WOMAN),
    ("Aoife", _WOMAN),
    ("Piotr", _MAN),
    ("Mohammed", _MAN),
    ("Fatima", _WOMAN),
    ("Priya", _WOMAN),
    ("Ravi", _MAN),
    ("Chidi", _ANY),
    ("Grace", _WOMAN),
    ("Dorothy", _WOMAN),
    ("Alan", _MAN),
    ("Brenda", _WOMAN),
    ("Kevin", _MAN),
    ("Lisa", _WOMAN),
    ("Stephen", _MAN),
    ("Michelle", _WOMAN),
    ("Wayne", _MAN),
    ("Donna", _WOMAN),
    ("Craig", _MAN),
    ("Kelly", _WOMAN),
    ("Dean", _MAN),
    ("Gemma", _WOMAN),
)

SURNAMES: tuple[str, ...] = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Wiśniewski",
    "Ó Briain",
    "Kowalczyk",
    "Nowak",
    "Müller",
    "Ahmed",
    "Khan",
    "Patel",
    "Okafor",
    "Brennan",
    "Marsden",
    "Slack",
    "Bagshaw",
    "Hardwick",
    "Revill",
    "Froggatt",
    "Cauldwell",
    "Allsop",
    "Wragg",
    "Hopkinson",
    "Stubbs",
    "Staniforth",
    "Beresford",
)


STREETS: tuple[str, ...] = (
    "Welbeck Road",
    "Station Road",
    "Market Street",
    "Hill Top",
    "Church Lane",
    "Portland Road",
    "Langwith Road",
    "Carr Lane",
    "Mansfield Road",
    "Alfreton Road",
    "Elm Close",
    "Oxcroft Lane",
    "Sherwood Street",
    "Hilcote Lane",
    "Recreation Road",
    "Castle Street",
    "Park Avenue",
)

POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

REPRESENTATIVES: tuple[tuple[str, str], ...] = (
    ("relative", "daughter"),
    ("relative", "son"),
    ("friend", "friend"),
    ("advocate", "advocate"),
    ("solicitor", "solicitor"),
    ("other", "support worker"),
)

ELECTED: tuple[tuple[str, str], ...] = (
    ("mp", "Helen Ashworth MP"),
    ("mp", "Robert Crane MP"),
    ("councillor", "Cllr Brian Shaw"),
    ("councillor", "Cllr Yasmin Begum"),
    ("councillor", "Cllr Tony Revill"),
    ("councillor", "Cllr Eileen Platts"),
)

# What residents wrote, per service area: each a (description, point, outcome sought).
ISSUES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Housing Repairs": (
        (
            "Reported a leaking boiler in the kitchen several weeks ago and no engineer has "
            "attended.",
            "The boiler repair was not completed within the target time",
            "The boiler repaired and an apology",
        ),
        (
            "Damp and black mould in the bedroom keeps coming back after two visits.",
            "The damp and mould was not properly treated",
            "A survey and a lasting repair",
        ),
        (
            "Contractor missed three appointments to fix the front door without letting me know.",
            "Appointments were missed without notice",
            "A fixed appointment and compensation for time off work",
        ),
        (
            "The new window was fitted badly and lets in rain.",
            "The quality of the window installation",
            "The window refitted",
        ),
    ),
    "Housing Management": (
        (
            "Repeated anti-social behaviour from a neighbour has been reported but nothing done.",
            "Reports of anti-social behaviour were not acted on",
            "Action taken and regular updates",
        ),
        (
            "Communal stairwell not cleaned for a month despite the service charge.",
            "The cleaning service was not delivered",
            "Cleaning restored and a refund of the charge",
        ),
    ),
    "Tenancy Services": (
        (
            "Rent account shows arrears that I have already paid.",
            "The rent account is wrong",
            "The account corrected",
        ),
        (
            "Waited months for a decision on a mutual exchange with no reply to emails.",
            "Delay and no replies about the mutual exchange",
            "A decision and an explanation of the delay",
        ),
    ),
    "Council Tax": (
        (
            "Sent a summons for council tax that I had paid by direct debit.",
            "Recovery action was taken in error",
            "The summons withdrawn and costs refunded",
        ),
        (
            "Single person discount removed without warning.",
            "The discount was removed without notice",
            "The discount restored",
        ),
    ),
    "Benefits": (
        (
            "My housing benefit claim has not been assessed after eight weeks.",
            "Delay in assessing the claim",
            "The claim assessed and backdated",
        ),
        (
            "Told I was overpaid but no one will explain how it was worked out.",
            "No explanation of the overpayment",
            "A clear breakdown of the overpayment",
        ),
    ),
    "Waste and Recycling": (
        (
            "Green bin missed four weeks running on our street.",
            "Repeated missed collections",
            "Collections restored",
        ),
        (
            "Crew damaged my bin and left rubbish across the pavement.",
            "Damage to the bin and litter left behind",
            "A new bin and the street cleared",
        ),
    ),
    "Planning": (
        (
            "Breach of planning conditions next door reported in spring with no enforcement.",
            "No action on a reported planning breach",
            "An enforcement visit",
        ),
    ),
    "Environmental Health": (
        (
            "Noise from a late-night venue every weekend; complaints not followed up.",
            "Noise complaints not investigated",
            "Monitoring and action against the noise",
        ),
        (
            "Fly-tipping behind the garages has been there for weeks.",
            "Fly-tipping not cleared",
            "The waste removed",
        ),
    ),
    "Leisure": (
        (
            "Swimming lesson booking system double-charged my card.",
            "The booking system took payment twice",
            "A refund",
        ),
        (
            "Changing rooms at the leisure centre were dirty and the showers cold.",
            "The condition of the changing rooms",
            "The facilities cleaned and repaired",
        ),
    ),
}

COMPLIMENTS: tuple[str, ...] = (
    "Thank you to the repairs team who fixed our heating the same day.",
    "The bin crew are always polite and careful.",
    "Very helpful advisor at the contact centre who sorted out my council tax.",
    "The leisure centre staff were wonderful with my children.",
    "Thanks to the housing officer for her patience and support.",
)

COMMENTS: tuple[str, ...] = (
    "Suggest the council puts collection dates on the website calendar.",
    "The contact centre could open later on Thursdays.",
    "It would help to have text reminders before repair appointments.",
)

SERVICE_REQUESTS: tuple[str, ...] = (
    "Please fix the broken street light outside number 14.",
    "Request for a replacement recycling box.",
    "Please arrange a repair to a dripping kitchen tap.",
    "Request for a bulky waste collection.",
)

ENQUIRIES: tuple[str, ...] = (
    "Enquiry on behalf of a constituent about the delay in repairing their boiler.",
    "Asking for an update on a constituent's housing transfer application.",
    "Raising a resident's concern about missed bin collections in their ward.",
)

REASONS: dict[str, str] = {
    "upheld": "We did not meet the standard we set ourselves and we are sorry.",
    "partly-upheld": "Some of what you told us was right; other parts were handled properly.",
    "not-upheld": "We looked at our records and found that we acted in line with our policy.",
}

POINT_REASONS: dict[str, str] = {
    "upheld": "Our records confirm this happened.",
    "partly-upheld": "This was partly our fault.",
    "not-upheld": "Our records show this was dealt with correctly.",
}

EXTENSION_REASONS: tuple[str, ...] = (
    "We are waiting for a contractor's report.",
    "We need to speak to staff who are on leave.",
    "The complaint involves several service areas.",
)

GOOD_REASON = "A specialist damp survey is needed before we can respond."

# The second point of a complaint's definition, worded as the council puts it in letters to
# the resident (or their representative): about what the council did, never "the resident".
COMMUNICATION_POINT = "How well we kept you informed while we dealt with the matter"

# Reasons to refuse a Stage 2 request that the Code allows: one of the policy's exclusions
# applying since Stage 1 (never that the resident gave no reason or raised nothing new).
ESCALATION_REFUSALS: tuple[str, ...] = (
    "Court proceedings about this matter have started since our Stage 1 response, so the "
    "court will now decide it (an exclusion in our complaints policy).",
    "This decision has its own right of appeal to a tribunal, which is the route to challenge "
    "it (an exclusion in our complaints policy).",
    "The matter is now handled by the county council, which has its own complaints process "
    "(an exclusion in our complaints policy).",
)

EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("over-time-limit", "The issue happened more than 12 months before you contacted us."),
    ("legal-proceedings", "The matter is now the subject of court proceedings."),
    ("already-considered", "We have already answered this complaint under our procedure."),
    ("statutory-appeal", "There is a right of appeal to a tribunal for this decision."),
    ("other-organisation", "This service is provided by the county council, not by us."),
    ("councillor-conduct", "Complaints about councillors go to the Monitoring Officer."),
)

ACTIONS: tuple[str, ...] = (
    "Complete the outstanding repair",
    "Carry out a follow-up inspection",
    "Correct the account record",
    "Arrange staff training on record keeping",
)

LEARNING: tuple[tuple[str, str], ...] = (
    (
        "Appointments were not confirmed with residents.",
        "Text reminders now sent the day before every repair appointment.",
    ),
    (
        "Damp reports were closed without a follow-up visit.",
        "Every damp and mould case now has a follow-up inspection after six weeks.",
    ),
    (
        "Letters did not explain how the charge was worked out.",
        "Billing letters rewritten in plain English with a worked example.",
    ),
)

NOTES: tuple[str, ...] = (
    "Resident phoned for an update; told the response is on track.",
    "Spoke to the contractor, who will attend next week.",
    "Resident prefers calls after 4pm.",
)

ADJUSTMENTS: tuple[tuple[str, str, str], ...] = (
    ("Visual impairment", "Large print letters", "large-print"),
    ("Hearing loss", "Contact by email or text only", ""),
    ("Dyslexia", "Easy read letters and a phone call to explain", "easy-read"),
    ("", "Letters in Polish", "polish"),
)

DETERMINATIONS: tuple[str, ...] = (
    "No maladministration found.",
    "Maladministration found; the council was ordered to apologise and pay £150.",
    "Service failure found; the council's offer of redress was reasonable.",
)

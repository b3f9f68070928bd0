"""Letters made from stored cases: addressees, correspondence records, sent dates, the CLI."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from casework import ACKNOWLEDGED, MANAGER, OFFICER, STAGE1_DUE, TODAY, act, log, person
from pypdf import PdfReader
from sqlalchemy import func, select

from caseworker.cli import main
from caseworker.domain.errors import CaseworkerError
from caseworker.domain.letters import MissingContent
from caseworker.domain.vocab import LetterKind
from caseworker.services import stages
from caseworker.services.cases import get_case
from caseworker.services.intake import RepresentativeInput
from caseworker.services.letters import letter_pdf, make_letters, mark_sent
from caseworker.services.settings import get_setting, set_setting
from db.models import AuditEvent, Correspondence
from db.store import Store

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = stages.Definition(
    points=("The roof still leaks",),
    outcomes_sought="Fix the roof",
    responsible_for="How our repairs team handled your reports",
)
LETTER_DAY = date(2026, 2, 4)


def _setup(store: Store, **fields: object) -> str:
    with store.write() as s:
        set_setting(
            s,
            MANAGER,
            "organisation",
            {
                "name": "North Derbyshire District Council",
                "address": "Mill Lane, Clowne, S43 4JY",
                "phone": "01246 000000",
                "email": "complaints@nddc.example",
                "signatory_name": "Priya Shah",
                "signatory_role": "Complaints Manager",
            },
        )
    ref = log(store, **fields)
    act(
        store,
        stages.acknowledge,
        ref,
        acknowledged=ACKNOWLEDGED,
        definition=DEFINITION,
        handler="A. Smith",
        today=TODAY,
    )
    return ref


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def test_acknowledgement_is_saved_with_its_fingerprint_and_reopens_the_same(
    store: Store, tmp_path: Path
) -> None:
    ref = _setup(store, complainants=(person("Ms Siân Ó Briain", salutation="Ms Ó Briain"),))
    with store.write() as s:
        made = make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=LETTER_DAY)
    assert [(m.addressee_name, m.addressee_role) for m in made] == [
        ("Ms Siân Ó Briain", "resident")
    ]
    text = _text(made[0].pdf, tmp_path)
    assert "Dear Ms Ó Briain" in text
    assert "Wednesday 18 February 2026" in text  # STAGE1_DUE written out
    assert STAGE1_DUE == date(2026, 2, 18)
    with store.read() as s:
        row = s.scalars(select(Correspondence)).one()
        assert (row.letter_kind, row.template, row.template_version) == (
            "stage1-acknowledgement",
            "stage1-acknowledgement",
            1,
        )
        assert row.sha256 == hashlib.sha256(made[0].pdf).hexdigest()
        assert letter_pdf(s, row.id) == made[0].pdf
        assert (
            s.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1))
            == "make-letter"
        )


def test_mp_joined_later_gets_a_copy_as_its_own_record(store: Store) -> None:
    mp = RepresentativeInput(
        person=person("Ruth Jones MP"),
        relationship="mp",
        raised_it=False,
        joined_later=True,
        auth_state="not-needed",
    )
    ref = _setup(store, representatives=(mp,))
    with store.write() as s:
        made = make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=LETTER_DAY)
    assert [(m.addressee_name, m.addressee_role) for m in made] == [
        ("Jane Doe", "resident"),
        ("Ruth Jones MP", "copy"),
    ]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Correspondence)) == 2


def test_missing_decision_makes_no_letter_and_names_what_is_missing(store: Store) -> None:
    ref = _setup(store)
    with pytest.raises(MissingContent) as exc, store.write() as s:
        make_letters(s, OFFICER, ref, LetterKind.STAGE1_RESPONSE, today=LETTER_DAY)
    assert str(exc.value) == (
        "Cannot make the Stage 1 response letter: the case has no decision, "
        "no reasons for the decision"
    )
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Correspondence)) == 0


def test_marking_the_response_letter_sent_records_the_response_date(store: Store) -> None:
    ref = _setup(store)
    response = stages.Response(
        sent_on=None,
        decision="upheld",
        reasons="We missed two appointments.",
        remedies=(
            stages.RemedyInput("financial", "For the missed appointments", Decimal("50.00")),
        ),
    )
    act(store, stages.respond, ref, response=response, today=TODAY)
    with store.write() as s:
        assert get_case(s, ref).status == "stage-1"
        made = make_letters(s, OFFICER, ref, LetterKind.STAGE1_RESPONSE, today=date(2026, 2, 16))
    with store.write() as s:
        mark_sent(
            s,
            OFFICER,
            made[0].correspondence_id,
            sent_on=date(2026, 2, 16),
            method="post",
            today=TODAY,
        )
    with store.read() as s:
        case = get_case(s, ref)
        assert (case.status, case.stage1_responded) == ("stage-1-responded", date(2026, 2, 16))
        row = s.get(Correspondence, made[0].correspondence_id)
        assert row is not None and (row.sent_on, row.sent_method) == (date(2026, 2, 16), "post")


def test_cli_letter_writes_the_pdf_and_refuses_missing_content(
    store: Store, cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _setup(store)
    store.close()
    out = tmp_path / "ack.pdf"
    db = cli_db
    assert (
        main(
            [
                "--db",
                db,
                "letter",
                ref,
                "stage1-acknowledgement",
                "--out",
                str(out),
                "--today",
                "2026-02-04",
            ]
        )
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        main(
            [
                "--db",
                db,
                "letter",
                ref,
                "stage1-response",
                "--out",
                str(tmp_path / "r.pdf"),
                "--today",
                "2026-02-04",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "caseworker: Cannot make the Stage 1 response letter: the case has no decision, "
        "no reasons for the decision"
    ]
    assert not (tmp_path / "r.pdf").exists()


def test_letters_need_the_organisations_contact_details(store: Store) -> None:
    ref = log(store)
    act(
        store,
        stages.acknowledge,
        ref,
        acknowledged=ACKNOWLEDGED,
        definition=DEFINITION,
        handler="A. Smith",
        today=TODAY,
    )
    with pytest.raises(MissingContent) as exc, store.write() as s:
        make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=LETTER_DAY)
    assert str(exc.value) == (
        "Cannot make the Stage 1 acknowledgement letter: Settings have no organisation "
        "address, organisation phone number, organisation email address"
    )


def test_the_organisations_own_wording_from_settings(store: Store, tmp_path: Path) -> None:
    ref = _setup(store)
    own = tmp_path / "wording"
    own.mkdir()
    shipped = (ROOT / "resources" / "letters" / "stage1-acknowledgement.toml").read_text("utf-8")
    (own / "stage1-acknowledgement.toml").write_text(
        shipped.replace("version = 1", "version = 3").replace(
            'subject = "Your complaint: we have received it (Stage 1)"',
            'subject = "We have your complaint"',
        ),
        encoding="utf-8",
    )
    with store.write() as s:
        set_setting(s, MANAGER, "letter_templates_dir", str(own))
        made = make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=LETTER_DAY)
    assert made[0].content.subject == "We have your complaint"
    assert made[0].content.template_label == "stage1-acknowledgement v3 (organisation)"
    with store.read() as s:
        row = s.scalars(select(Correspondence)).one()
        assert (row.template, row.template_version) == ("stage1-acknowledgement", 3)


def test_a_broken_wording_folder_is_refused_and_nothing_changes(
    store: Store, tmp_path: Path
) -> None:
    own = tmp_path / "wording"
    own.mkdir()
    (own / "stage1-acknowledgement.toml").write_text(
        'version = 1\n[text]\nsubject = "Hello {nobody}"\n', encoding="utf-8"
    )
    with pytest.raises(CaseworkerError) as exc, store.write() as s:
        set_setting(s, MANAGER, "letter_templates_dir", str(own))
    assert "stage1-acknowledgement" in str(exc.value)
    with store.read() as s:
        assert get_setting(s, "letter_templates_dir") == ""

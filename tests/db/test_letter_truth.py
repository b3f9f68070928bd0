"""Letters never state a falsehood: no Stage 2 letter after a refused escalation, the
update letter names the stage the actions were agreed at, and no promise of a past date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caseworker.cli import main
from caseworker.domain.errors import RuleBroken
from caseworker.domain.letter_choice import next_letter, offered_letters
from caseworker.domain.vocab import LetterKind
from caseworker.services import followups, stages
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.case_view import load_case_detail
from caseworker.services.letters import make_letters
from db.store import Store
from tests.db.casework import (
    ESCALATED,
    OFFICER,
    RESPONDED,
    RESPONSE,
    STAGE2_ACKNOWLEDGED,
    TODAY,
    act,
    complaint_at,
)
from tests.db.test_letters_service import _setup, _text

K = LetterKind


def _organisation(store: Store) -> None:
    _setup(store)  # Settings with the organisation's details (and one case, unused)


def test_no_stage_2_letter_after_a_refused_escalation(
    store: Store, cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _setup(store)  # acknowledged with a full definition
    act(
        store,
        stages.respond,
        ref,
        response=stages.Response(RESPONDED, "upheld", "The repair was late"),
        today=TODAY,
    )
    act(store, stages.escalate, ref, requested_on=ESCALATED, today=TODAY)
    act(
        store,
        stages.refuse_escalation,
        ref,
        refused_on=ESCALATED,
        reason="Already considered by the Ombudsman",
        today=TODAY,
    )
    with store.read() as s:
        detail = load_case_detail(s, ref, ESCALATED, actor=LOCAL_ADMIN)
    offered = offered_letters(detail, detail.clocks, ESCALATED)
    assert offered == [  # (the acknowledgement would promise Wed 18 Feb, already past)
        K.STAGE1_RESPONSE,
        K.ESCALATION_REFUSAL,
        K.AUTHORISATION_FORM,
    ]
    message = (
        "A Stage 2 acknowledgement letter does not fit this case: its escalation was refused, "
        "so Stage 2 never began"
    )
    with pytest.raises(RuleBroken) as info, store.write() as s:
        make_letters(s, OFFICER, ref, K.STAGE2_ACKNOWLEDGEMENT, today=ESCALATED)
    assert str(info.value) == message
    out = tmp_path / "ack2.pdf"
    code = main(["--db", cli_db, "letter", ref, "stage2-acknowledgement", "--out", str(out)])
    assert (code, capsys.readouterr().err, out.exists()) == (2, f"caseworker: {message}\n", False)


def test_the_update_letter_names_the_stage_the_actions_were_agreed_at(
    store: Store, tmp_path: Path
) -> None:
    _organisation(store)
    ref = complaint_at(store, "stage-1-responded")
    act(store, followups.add_action, ref, description="Replace the roof tiles", due=None)
    act(store, stages.escalate, ref, requested_on=ESCALATED, today=TODAY)
    act(
        store,
        stages.acknowledge_stage2,
        ref,
        acknowledged=STAGE2_ACKNOWLEDGED,
        handler="D. Evans",
        today=TODAY,
    )
    with store.write() as s:
        made = make_letters(s, OFFICER, ref, K.UPDATE, today=date(2026, 3, 10))
    text = _text(made[0].pdf, tmp_path)
    assert "When we responded to your complaint at Stage 1, we agreed" in text
    assert "at Stage 2" not in text
    assert RESPONSE.decision  # the Stage 1 response the action was agreed in


def test_a_deadline_already_past_is_never_promised(store: Store, tmp_path: Path) -> None:
    ref = _setup(store)  # acknowledged Wed 4 Feb 2026: Stage 1 response due Wed 18 Feb
    late = date(2026, 2, 23)
    with store.read() as s:
        detail = load_case_detail(s, ref, late, actor=LOCAL_ADMIN)
        on_time = load_case_detail(s, ref, date(2026, 2, 4), actor=LOCAL_ADMIN)
    # The Make a letter dialog's choices and default: no acknowledgement once it is past.
    offered = offered_letters(detail, detail.clocks, late)
    assert offered == [K.AUTHORISATION_FORM]
    assert next_letter(offered, []) is K.AUTHORISATION_FORM
    on_time_offered = offered_letters(on_time, on_time.clocks, date(2026, 2, 4))
    assert next_letter(on_time_offered, []) is K.STAGE1_ACKNOWLEDGEMENT
    with pytest.raises(RuleBroken) as info, store.write() as s:
        make_letters(s, OFFICER, ref, K.STAGE1_ACKNOWLEDGEMENT, today=late)
    assert str(info.value) == (
        "A Stage 1 acknowledgement letter dated Mon 23 Feb 2026 would promise the response by "
        "Wed 18 Feb 2026, which has passed; send the response, or agree an extension and send "
        "the extension letter"
    )
    # On the due date itself the promise is still true.
    with store.write() as s:
        made = make_letters(s, OFFICER, ref, K.STAGE1_ACKNOWLEDGEMENT, today=date(2026, 2, 18))
    assert "by Wednesday 18 February 2026" in _text(made[0].pdf, tmp_path)

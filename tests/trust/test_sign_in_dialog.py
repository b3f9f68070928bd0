"""The sign-in dialog: a refusal is shown and the name kept; success gives the actor."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from datetime import datetime

import pytest

pytest.importorskip("pytestqt")

from pytestqt.qtbot import QtBot
from trust_helpers import ADMIN

from caseworker.services.actor import Role
from caseworker.services.users import REFUSED, create_user, sign_in
from db.store import Store
from ui.dialogs.sign_in import SignInDialog


def test_sign_in_dialog_shows_refusals_then_signs_in(qtbot: QtBot, store: Store) -> None:
    with store.write() as s:
        create_user(
            s,
            ADMIN,
            username="root",
            display_name="Root User",
            role=Role.ADMINISTRATOR,
            password="correct horse battery",
        )
    now = datetime(2026, 6, 1, 9, 0, 0)
    dialog = SignInDialog(lambda u, p: sign_in(store, u, p, now=now), "store.sqlite")
    qtbot.addWidget(dialog)
    dialog.username.setText("root")
    dialog.password.setText("wrong password")
    with qtbot.waitSignal(dialog.checked, timeout=20000):  # checked on a worker thread
        dialog.try_sign_in()
    assert dialog.message.text() == REFUSED
    assert (dialog.username.text(), dialog.password.text(), dialog.actor) == ("root", "", None)
    dialog.password.setText("correct horse battery")
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.try_sign_in()
    assert dialog.actor is not None
    assert (dialog.actor.username, dialog.actor.role) == ("root", Role.ADMINISTRATOR)
    assert dialog.result() == SignInDialog.DialogCode.Accepted

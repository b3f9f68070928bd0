"""Subject access from the File menu: everything held about a person, as PDF and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from ui_helpers import log

from caseworker.services.actor import LOCAL_ADMIN
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.main_window import MainWindow


def test_export_a_persons_records(
    qtbot: Any, clock: FixedClock, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = log(store, "Siân Ó Briain")
    context = AppContext(store, LOCAL_ADMIN, clock)
    window = MainWindow(context)
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Siân Ó Briain", True))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: told.append(text))
    window.export_person()
    written = sorted(p.suffix for p in tmp_path.glob("person-*"))
    assert written == [".json", ".pdf"]
    data = json.loads(next(tmp_path.glob("person-*.json")).read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Siân Ó Briain"
    assert [c["reference"] for c in data["cases"]] == [ref]
    assert told[0].startswith("1 cases exported to:")


def test_an_officer_is_told_who_may_export(
    qtbot: Any, context: AppContext, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log(store, "Siân Ó Briain")
    window = MainWindow(context)  # a complaints officer
    qtbot.addWidget(window)
    warned: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Siân Ó Briain", True))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    window.export_person()
    assert warned == [
        "Only a manager or administrator may export everything held about a person; "
        "you are signed in as a complaints officer"
    ]
    assert list(tmp_path.glob("person-*")) == []

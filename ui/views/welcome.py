"""The first page of an empty store: enter the organisation's details or load demo data."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui.widgets import heading, scrolling


class WelcomeView(QWidget):
    """Shown until the store has cases or an organisation name."""

    settings_requested = Signal()
    demo_requested = Signal()
    intake_requested = Signal()

    def __init__(self, demo_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading("Welcome to Caseworker"))
        intro = QLabel(
            "This store is empty. Start by entering your organisation's details: its name and "
            "address head every letter, and its sites, service areas and staff fill the lists. "
            "Or load demo data to try the app with made-up cases."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.settings_button = QPushButton("&Enter your organisation's details")
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button)
        self.demo_button = QPushButton("Load &demo data")
        self.demo_button.setAccessibleDescription("Fills this store with made-up cases")
        self.demo_button.clicked.connect(self.demo_requested)
        self.demo_button.setVisible(demo_available)
        layout.addWidget(self.demo_button)
        self.intake_button = QPushButton("Log the first &contact")
        self.intake_button.clicked.connect(self.intake_requested)
        layout.addWidget(self.intake_button)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scrolling(body))

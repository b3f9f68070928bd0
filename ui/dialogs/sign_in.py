"""The sign-in dialog shown at start once a store has user accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.errors import CaseworkerError
from caseworker.services.actor import LOCAL_ADMIN, Actor
from caseworker.services.users import needs_sign_in, sign_in
from db.store import Store

# (user name, password) -> the signed-in actor, or raises SignInRefused.
SignIn = Callable[[str, str], Actor]


class SignInDialog(QDialog):
    """Asks for a user name and password; a refusal is shown and the name kept.

    After ``exec()`` returns Accepted, ``actor`` is the signed-in user.
    """

    def __init__(self, check: SignIn, store_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.actor: Actor | None = None
        self.setWindowTitle("Sign in to Caseworker")
        self.setAccessibleName("Sign in to Caseworker")
        intro = QLabel(f"Sign in to open {store_name}.")
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.message.setStyleSheet("color: #A4262C")
        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Forgotten your password? Ask an administrator to reset it."))
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)

    def try_sign_in(self) -> None:
        """Check the password; on a refusal show why, clear the password, keep the name."""
        try:
            self.actor = self._check(self.username.text(), self.password.text())
        except CaseworkerError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


def sign_in_at_start(store: Store, parent: QWidget | None = None) -> Actor | None:
    """Who uses the app: the local administrator if the store has no accounts, else
    whoever signs in. None if the person cancels (the app should then close)."""
    if not needs_sign_in(store):
        return LOCAL_ADMIN
    dialog = SignInDialog(
        lambda name, password: sign_in(store, name, password, now=datetime.now()),
        store.path.name if store.path is not None else store.label,
        parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor

"""The sign-in dialog shown at start once a store has user accounts.

It is the first window a council's staff see, so it loads nothing but Qt: the password is
checked on a worker thread (the store is opened and Argon2 runs there), and the window
stays responsive meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.services.actor import LOCAL_ADMIN, Actor
from ui.workers import Worker

if TYPE_CHECKING:
    from db.store import Store

# (user name, password) -> the signed-in actor, or raises SignInRefused (any exception's
# message is shown). Called on a worker thread.
SignIn = Callable[[str, str], Actor]
CHECKING = "Checking your password…"


class SignInDialog(QDialog):
    """Asks for a user name and password; a refusal is shown and the name kept.

    The check runs on a worker thread (``checked`` is emitted when it has answered).
    After ``exec()`` returns Accepted, ``actor`` is the signed-in user.
    """

    painted = Signal()  # the first time the dialog is drawn (start-up may go on then)
    checked = Signal()

    def __init__(self, check: SignIn, store_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self._painted = False
        self.actor: Actor | None = None
        self.worker: Worker | None = None
        self.checking = False  # a check is on its way
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
        # Wide enough that a refusal wraps onto a few lines, not a narrow column.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def _busy(self, busy: bool) -> None:
        for widget in (self.username, self.password, self.buttons):
            widget.setEnabled(not busy)

    def try_sign_in(self) -> None:
        """Check the password on a worker thread; the answer comes back as a signal."""
        if self.checking:
            return
        self.checking = True
        name, password = self.username.text(), self.password.text()
        self._busy(True)
        self._say(CHECKING, error=False)
        self.worker = Worker(lambda _progress: self._check(name, password), self)
        self.worker.succeeded.connect(self._signed_in)
        self.worker.failed.connect(self._refused)
        self.worker.start()

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #A4262C" if error else "")
        # A wrapped message needs more height than the dialog was shown with: grow to fit
        # (else its first and last lines are cut off, more so at large text sizes).
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))

    def _signed_in(self, actor: object) -> None:
        assert isinstance(actor, Actor)
        self.actor = actor
        self.checking = False
        self._say("", error=False)
        self.checked.emit()
        self.accept()

    def _refused(self, message: str) -> None:
        """Show why, clear the password, keep the name."""
        self.checking = False
        self._busy(False)
        self._say(message, error=True)
        self.password.clear()
        self.password.setFocus()
        self.checked.emit()

    def reject(self) -> None:
        if self.checking:
            return  # the answer is on its way: a half-checked sign-in is not abandoned
        super().reject()


def sign_in_at_start(store: Store, parent: QWidget | None = None) -> Actor | None:
    """Who uses the app: the local administrator if the store has no accounts, else
    whoever signs in. None if the person cancels (the app should then close)."""
    from caseworker.services.users import needs_sign_in, sign_in

    if not needs_sign_in(store):
        return LOCAL_ADMIN
    return ask_sign_in(
        lambda name, password: sign_in(store, name, password, now=datetime.now()),
        store.path.name if store.path is not None else store.label,
        parent,
    )


def ask_sign_in(
    check: SignIn,
    store_name: str,
    parent: QWidget | None = None,
    on_painted: Callable[[], None] | None = None,
) -> Actor | None:
    """Show the sign-in dialog until someone signs in (their actor) or cancels (None).

    ``on_painted`` runs once the dialog is on screen (start-up opens the store then).
    """
    dialog = SignInDialog(check, store_name, parent)
    if on_painted is not None:
        dialog.painted.connect(on_painted)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if dialog.worker is not None:
        # Its answer has come, but its thread may not have ended yet: the dialog (its
        # parent) is freed when this returns, and a running QThread must not be.
        dialog.worker.wait()
    return dialog.actor if accepted else None

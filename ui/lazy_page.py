"""A tab page built when first shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """A tab page made by ``build`` when it is first shown, so a case's long lists (its
    timeline, its documents) cost nothing until someone looks at them."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build_page = build
        self._page: QWidget | None = None
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    @property
    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._build_page()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self._page)
        return self._page

    def showEvent(self, event: QShowEvent) -> None:
        self.page  # noqa: B018 - built on first show
        super().showEvent(event)

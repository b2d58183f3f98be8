"""Small building blocks of the counter screens: labelled text, buttons, banners. They show things and
announce intent (signals); the screens decide what an intent means."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from .style import repolish


def label(text: str = "", role: str = "body", *, wrap: bool = True, tone: str = "",
          align: Qt.AlignmentFlag | None = None, name: str = "") -> QLabel:
    """A QLabel with a font ``role`` (see :mod:`counter.style`)."""
    w = QLabel(text)
    w.setProperty("role", role)
    if tone:
        w.setProperty("tone", tone)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    w.setTextFormat(Qt.TextFormat.PlainText)  # server text (reasons, notes) is never markup
    if align is not None:
        w.setAlignment(align)
    return w


def button(text: str = "", kind: str = "quiet", role: str = "body", *, name: str = "",
           checkable: bool = False) -> QPushButton:
    b = QPushButton(text)
    b.setProperty("kind", kind)
    b.setProperty("role", role)
    b.setCheckable(checkable)
    if name:
        b.setObjectName(name)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the F-keys drive the screen, not a focus ring
    return b


class Banners(QWidget):
    """Full-width notice strips (offline, pending actions, tide window, pause…); hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._shown: list[tuple[str, str]] = []

    def show_items(self, items: list[tuple[str, str]]) -> None:
        """``items``: (kind, text) with kind warning | danger | info; rebuilt only when changed."""
        if items == self._shown:
            return
        self._shown = list(items)
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for kind, text in items:
            strip = QFrame()
            strip.setProperty("kind", f"banner-{kind}")
            inner = QVBoxLayout(strip)
            inner.setContentsMargins(12, 6, 12, 6)
            inner.addWidget(label(text, "body"))
            repolish(strip)
            self._layout.addWidget(strip)
        self.setVisible(bool(items))

    def texts(self) -> list[str]:
        """What the strips say (tests, screenshots)."""
        return [text for _, text in self._shown]

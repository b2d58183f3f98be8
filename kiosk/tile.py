"""The touch button every kiosk screen is made of, and the two helpers that make labels and buttons.

A :class:`Tile` is a large touch target: icon, name, one-line description (a QFrame, so its layout
wraps). ``label``/``button`` set the font ``role`` and colour ``kind`` the stylesheet (:mod:`kiosk.style`)
sizes and paints.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from client import theme

from .icons import icon_pixmap
from .style import repolish


def label(text: str = "", role: str = "body", *, wrap: bool = True, tone: str = "",
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    """A QLabel with a font ``role`` (see :mod:`kiosk.style`)."""
    w = QLabel(text)
    w.setProperty("role", role)
    if tone:
        w.setProperty("tone", tone)
    w.setWordWrap(wrap)
    w.setTextFormat(Qt.TextFormat.PlainText)  # server text (names, messages) is never markup (issue 13)
    if align is not None:
        w.setAlignment(align)
    return w


def button(text: str, kind: str = "action", role: str = "body") -> QPushButton:
    b = QPushButton(text)
    b.setProperty("kind", kind)
    b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen has no focus ring to show
    return b


MAX_TILE_HEIGHT = 320  # tiles grow to fill the screen, up to this (two tiles must not be half a screen each)


class Tile(QFrame):
    """A large touch target. ``clicked`` on release inside; :meth:`click` does the same from code."""

    clicked = Signal()

    def __init__(self, kind: str = "tile", icon: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", kind)
        self.setProperty("pressed", False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.icon_name = icon
        self.icon = QLabel()
        self.icon.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.title = label("", "main")
        self.subtitle = label("", "body")
        for w in (self.title, self.subtitle):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addStretch(1)
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 16, 20, 16)
        row.setSpacing(16)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(text, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMaximumHeight(MAX_TILE_HEIGHT)
        self._icon_px = 64
        self.icon.setVisible(bool(icon))

    def set_texts(self, title: str, subtitle: str = "") -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))

    def set_icon_size(self, px: int) -> None:
        self._icon_px = px
        if self.icon_name:
            colour = theme.PRIMARY if self.property("kind") == "booking" else theme.PAPER
            self.icon.setPixmap(icon_pixmap(self.icon_name, px, colour, self.devicePixelRatioF()))
            self.icon.setFixedSize(px, px)

    def click(self) -> None:
        if self.isEnabled():
            self.clicked.emit()

    def cancel_press(self) -> None:
        """The finger turned out to be swiping the page: this press is no tap."""
        self._set_pressed(False)

    def _set_pressed(self, pressed: bool) -> None:
        if self.property("pressed") != pressed:
            self.setProperty("pressed", pressed)
            repolish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._set_pressed(True)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        was = self.property("pressed")
        self._set_pressed(False)
        if was and event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.click()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.click()
        else:
            super().keyPressEvent(event)

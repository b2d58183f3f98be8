"""预约签到: the visitor types a booking code or phone number, or scans the booking QR code (a scanner
is a keyboard: its characters and Enter arrive as key presses on this screen)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from client.i18n import Lang

from .. import booking, texts
from ..widgets import KeyPad, button, label
from .base import Screen, entry_field, header

DIGITS = ["123", "456", "789", "0"]


class BookingScreen(Screen):
    submitted = Signal(str)  # a well-formed code or phone number
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = ""
        self.header, row, self.title = header()
        self.back_button = button("", "quiet", "main")
        self.back_button.clicked.connect(self.back)
        row.addWidget(self.back_button)
        self.prompt = label("", "main")
        self.field, self.display = entry_field("main", 16)
        self.error = label("", "body")
        self.error.hide()
        self.keys = KeyPad(DIGITS)
        self.keys.key.connect(self.type)
        self.keys.delete.connect(lambda: self._set(self.value[:-1]))
        self.keys.clear.connect(lambda: self._set(""))
        self.check_in = button("", "action", "main")
        self.check_in.clicked.connect(self.submit)
        body = QVBoxLayout()
        body.setContentsMargins(48, 16, 48, 20)  # elder type at 1366 × 768 must fit (issue 16)
        body.setSpacing(12)
        body.addWidget(self.prompt)
        body.addWidget(self.field)
        body.addWidget(self.error)
        body.addWidget(self.keys, 1)
        body.addWidget(self.check_in)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def reset(self) -> None:
        self._set("")
        self.error.hide()

    def type(self, text: str) -> None:
        self._set(self.value + text)

    def _set(self, value: str) -> None:
        self.value = booking.normalise(value)[: booking.MAX_LEN]
        self.display.setText(booking.mask(self.value) or " ")
        self.error.hide()

    def submit(self) -> None:
        if booking.classify(self.value) is None:
            self.error.setText(texts.BOOKING_BAD.text(self.lang))
            self.error.show()
            return
        self.submitted.emit(self.value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Backspace:
            self._set(self.value[:-1])
        elif event.text() and event.text().isalnum():
            self.type(event.text())
        else:
            super().keyPressEvent(event)

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self.title.setText(texts.BOOKING.text(lang))
        self.back_button.setText(texts.BACK.text(lang))
        self.prompt.setText(texts.BOOKING_PROMPT.text(lang))
        self.check_in.setText(texts.CHECK_IN.text(lang))
        self.keys.delete_key.setText(texts.KEY_DELETE.text(lang))
        self.keys.clear_key.setText(texts.KEY_CLEAR.text(lang))
        if self.error.isVisible():
            self.error.setText(texts.BOOKING_BAD.text(lang))

    def voice(self, lang: Lang) -> str | None:
        return texts.BOOKING_VOICE.text(lang)

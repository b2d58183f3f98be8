"""The ticket on screen: number, service, people ahead, estimated wait, QR of the tracking page.

Shown for a few seconds while it prints, then home. When the printer cannot print, the screen says
so in large type on amber and stays longer: the number is valid, the visitor photographs it
(issue 5: "shown large on screen with its QR").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from client.i18n import Lang, T

from .. import texts
from ..ticketview import TicketView
from ..widgets import QrView, button, label
from .base import Screen, header


class PrintState:
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


class TicketScreen(Screen):
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ticket: TicketView | None = None
        self.print_state = PrintState.PRINTING
        self.seconds_left = 0
        self.header, _row, self.title = header()
        center = Qt.AlignmentFlag.AlignCenter
        self.caption = label("", "main", align=center)
        self.number = label("", "number", wrap=False, align=center)
        self.lane = label("", "main", align=center)
        self.service = label("", "main", align=center)
        self.ahead = label("", "main", align=center)
        self.wait = label("", "body", align=center)
        self.status = label("", "main", align=center)
        self.note = label("", "body", align=center)
        self.note.hide()
        self._note: T | None = None
        self.photo = QFrame()
        self.photo.setProperty("kind", "photo")
        self.photo_text = label("", "main", align=center)
        photo_row = QHBoxLayout(self.photo)
        photo_row.setContentsMargins(24, 18, 24, 18)
        photo_row.addWidget(self.photo_text)
        self.photo.hide()

        self.qr = QrView()
        self.scan = label("", "body", align=center)
        self.countdown = label("", "body", tone="muted", align=center)
        self.done_button = button("", "action", "main")
        self.done_button.clicked.connect(self.done)

        info = QVBoxLayout()
        info.setSpacing(6)
        info.addStretch(1)
        for w in (self.caption, self.number, self.lane, self.service, self.ahead, self.wait, self.note):
            info.addWidget(w)
        info.addStretch(1)
        # the QR, then what to do now (print state or "photograph this", the way home) in one column
        # beside the number: a 768-px panel in elder type has no height for a row below both
        qr_col = QVBoxLayout()
        qr_col.setSpacing(10)
        qr_col.addWidget(self.qr, 1)
        qr_col.addWidget(self.scan)
        qr_col.addWidget(self.status)
        qr_col.addWidget(self.photo)
        qr_col.addWidget(self.countdown)
        qr_col.addWidget(self.done_button)
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(32)
        self.split.addLayout(info, 3)
        self.split.addLayout(qr_col, 2)

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 28)
        body.setSpacing(16)
        body.addLayout(self.split, 1)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)

    def show_ticket(self, ticket: TicketView, note: T | None = None) -> None:
        """``note``: what the server said on a booking check-in ("签到成功，已进入预约通道", or late)."""
        self.ticket = ticket
        self._note = note
        self.print_state = PrintState.PRINTING
        self.qr.set_payload(ticket.track_url)
        self._texts()

    def set_print_state(self, state: str) -> None:
        self.print_state = state
        self._texts()

    def set_countdown(self, seconds: int) -> None:
        self.seconds_left = seconds
        self.countdown.setText(texts.BACK_IN.format(s=seconds).text(self.lang) if seconds > 0 else "")

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self._texts()

    def _texts(self) -> None:
        lang, t = self.lang, self.ticket
        self.done_button.setText(texts.DONE.text(lang))
        self.caption.setText(texts.YOUR_NUMBER.text(lang))
        self.scan.setText(texts.SCAN.text(lang))
        self.set_countdown(self.seconds_left)
        if t is None:
            return
        self.title.setText(t.hall_name_en if lang == "en" else t.hall_name_zh)
        self.number.setText(t.number)
        lane = t.lane_text
        self.lane.setText(lane.text(lang) if lane else "")
        self.lane.setVisible(lane is not None)
        self.note.setText(self._note.text(lang) if self._note else "")
        self.note.setVisible(self._note is not None)
        self.service.setText(t.service_name.text(lang))
        self.ahead.setText(t.ahead_text.text(lang))
        wait = t.wait_text
        self.wait.setText(wait.text(lang) if wait else "")
        self.wait.setVisible(wait is not None)
        failed = self.print_state == PrintState.FAILED
        self.photo.setVisible(failed)
        self.photo_text.setText(texts.PHOTO.text(lang))
        self.status.setVisible(not failed)
        self.status.setText((texts.PRINTED if self.print_state == PrintState.PRINTED else texts.PRINTING).text(lang))

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        super().apply_mode(elder, portrait)
        self.split.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def voice(self, lang: Lang) -> str | None:
        if self.ticket is None:
            return None
        return self.ticket.voice(lang, printed=self.print_state != PrintState.FAILED)

"""After an ID card is laid on the home screen (issue 18): the visitor's masked name, a booking for today
checked in with one tap, and the hall's categories — under the green header, for the priority lane,
when the card says the visitor has reached the hall's ``priority_age`` (000 第二十七条 适老化: one tap
to a green-channel ticket for a one-service category).

Only the masked name (张*明) is ever on screen; nothing of the card is printed or sent to the lobby.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from client.i18n import Lang

from .. import cardtexts as ct
from .. import texts
from ..models import CategoryModel
from ..style import repolish
from ..widgets import TileGrid, button, label
from .base import Screen, header


class CardScreen(Screen):
    category_chosen = Signal(str)
    check_in_clicked = Signal()
    leave = Signal()

    def __init__(self, model: CategoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall_name = ("", "")
        self.masked_name = ""
        self.senior_age: int | None = None  # the hall's priority_age when the visitor reached it
        self.booking: dict[str, Any] | None = None
        self.header, row, self.title = header()
        self.leave_button = button("", "quiet", "main")
        self.leave_button.clicked.connect(self.leave)
        row.addWidget(self.leave_button)

        self.greeting = label("", "title")
        self.senior = label("", "main")
        self.booking_panel = QFrame()
        self.booking_panel.setProperty("kind", "panel")
        self.booked = label("", "main")
        self.check_in = button("", "action", "main")
        self.check_in.clicked.connect(self.check_in_clicked)
        panel = QHBoxLayout(self.booking_panel)
        panel.setContentsMargins(24, 16, 24, 16)
        panel.setSpacing(24)
        panel.addWidget(self.booked, 1)
        panel.addWidget(self.check_in)
        self.prompt = label("", "main")

        self.grid = TileGrid(model)
        self.grid.activated.connect(self.category_chosen)
        self.grid.set_count_text(lambda n: texts.SERVICES_COUNT.format(n=n).text(self.lang))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid)

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 28)
        body.setSpacing(16)
        for w in (self.greeting, self.senior, self.booking_panel, self.prompt):
            body.addWidget(w)
        body.addWidget(scroll, 1)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)

    def show_card(self, masked_name: str, senior_age: int | None, booking: dict[str, Any] | None) -> None:
        self.masked_name, self.senior_age, self.booking = masked_name, senior_age, booking
        self.header.setProperty("kind", "header-priority" if senior_age is not None else "header")
        repolish(self.header)
        self._texts()

    def clear(self) -> None:
        self.show_card("", None, None)

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self.grid.retitle()
        self._texts()

    def _texts(self) -> None:
        lang = self.lang
        self.title.setText(self.hall_name[1] if lang == "en" else self.hall_name[0])
        self.leave_button.setText(ct.LEAVE.text(lang))
        self.greeting.setText(ct.GREETING.format(name=self.masked_name).text(lang))
        self.senior.setVisible(self.senior_age is not None)
        self.senior.setText(ct.SENIOR.format(age=self.senior_age or "").text(lang))
        b = self.booking
        self.booking_panel.setVisible(b is not None)
        if b is not None:
            service = b.get("service_name_en" if lang == "en" else "service_name_zh", "")
            start = str(b.get("start", ""))[-5:]  # "2026-12-02 10:30" or "10:30" → the time
            self.booked.setText(ct.BOOKED.format(start=start, service=service).text(lang))
        self.check_in.setText(ct.CHECK_IN.text(lang))
        self.prompt.setText((ct.PRIORITY_PROMPT if self.senior_age is not None else ct.PROMPT).text(lang))

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        super().apply_mode(elder, portrait)
        self.grid.set_columns(2 if portrait else (3 if elder else 4))
        self.grid.set_icon_size(84 if elder else 64)

    def voice(self, lang: Lang) -> str | None:
        text = (ct.SENIOR_VOICE if self.senior_age is not None else ct.VOICE).text(lang)
        if self.booking is not None:
            text = ct.BOOKED_VOICE.text(lang) + text
        return text

"""A plain notice: closed hours, a daily cap reached, booking not available yet.

Calm colours and the server's own words: these are facts of the hall, never shown as an error
(issue 5: "said plainly, never as an error").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from client.i18n import Lang, T

from .. import texts
from ..widgets import button, label
from .base import Screen, header


class NoticeScreen(Screen):
    ok = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = T("", "")
        self._message = T("", "")
        self._hint = T("", "")
        self._action: T | None = None
        self.header, _row, self.head = header()
        self.panel = QFrame()
        self.panel.setProperty("kind", "panel")
        self.title = label("", "title", align=Qt.AlignmentFlag.AlignCenter)
        self.message = label("", "main", align=Qt.AlignmentFlag.AlignCenter)
        self.hint = label("", "body", tone="muted", align=Qt.AlignmentFlag.AlignCenter)
        inner = QVBoxLayout(self.panel)
        inner.setContentsMargins(40, 40, 40, 40)
        inner.setSpacing(24)
        inner.addWidget(self.title)
        inner.addWidget(self.message)
        inner.addWidget(self.hint)
        self.ok_button = button("", "action", "main")  # "好的", or what to do instead (取普通号)
        self.ok_button.clicked.connect(self.ok)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addStretch(1)
        body = QVBoxLayout()
        body.setContentsMargins(48, 40, 48, 40)
        body.setSpacing(32)
        body.addStretch(1)
        body.addWidget(self.panel)
        body.addLayout(buttons)
        body.addStretch(2)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)
        self.hall_name = ("", "")

    def show_notice(self, title: T, message: T, hint: T, action: T | None = None) -> None:
        self._title, self._message, self._hint, self._action = title, message, hint, action
        self._texts()

    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self._texts()

    def _texts(self) -> None:
        lang = self.lang
        self.head.setText(self.hall_name[1] if lang == "en" else self.hall_name[0])
        self.title.setText(self._title.text(lang))
        self.message.setText(self._message.text(lang))
        self.message.setVisible(bool(self._message.text(lang)))
        self.hint.setText(self._hint.text(lang))
        self.ok_button.setText((self._action or texts.OK).text(lang))

    def voice(self, lang: Lang) -> str | None:
        parts = [self._title.text(lang), self._message.text(lang), self._hint.text(lang)]
        return "。".join(p.rstrip("。.") for p in parts if p) if lang == "zh" else ". ".join(p for p in parts if p)

"""过号重排: a visitor whose number was called while they were away rejoins the queue — by scanning the
QR code on their ticket (the kiosk's scanner is a keyboard: the tracking URL, then Enter, arrive as
key presses on this screen) or by typing the number on the screen's keys (the hall's number letters,
then the digits). The hall's rule is on the screen before they try (config ``[halls.recall]``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from client.i18n import Lang, T

from .. import requeue, texts
from ..widgets import KeyPad, button, label
from .base import Screen, entry_field, header

DIGITS = ["123", "456", "789", "0"]
LETTERS_PER_ROW = 4


class RequeueScreen(Screen):
    submitted = Signal(str, str)  # ("number", "A012") or ("track", url)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = ""
        self.scanned = False
        self._scan = ""  # key presses since the last Enter: a scanner's URL, or a typed number
        self._rule: T | None = None
        self.header, row, self.title = header()
        self.back_button = button("", "quiet", "main")
        self.back_button.clicked.connect(self.back)
        row.addWidget(self.back_button)
        self.prompt = label("", "main")
        self.field, self.display = entry_field("number", 8)
        self.error = label("", "body")
        self.error.hide()
        self.rule = label("", "body", tone="muted")
        self.go = button("", "action", "main")
        self.go.clicked.connect(self.submit)
        self.digits = KeyPad(DIGITS)
        self.digits.key.connect(self.type)
        self.digits.delete.connect(lambda: self._set(self.value[:-1]))
        self.digits.clear.connect(lambda: self._set(""))
        self.letters = KeyPad(["ABCD"])  # the hall's letters: set_prefixes
        self._letters_box = QVBoxLayout()
        self._letters_box.setContentsMargins(0, 0, 0, 0)
        self._letters_box.addWidget(self.letters)

        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.prompt)
        left.addWidget(self.field)
        left.addWidget(self.error)
        left.addWidget(self.rule)
        left.addStretch(1)
        left.addWidget(self.go)
        keys = QHBoxLayout()
        keys.setSpacing(16)
        keys.addLayout(self._letters_box, 4)
        keys.addWidget(self.digits, 3)
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(32)
        self.split.addLayout(left, 1)
        self.split.addLayout(keys, 1)
        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 28)
        body.addLayout(self.split, 1)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.header)
        page.addLayout(body, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- the hall -----------------------------------------------------------------------------------
    def set_hall(self, prefixes: tuple[str, ...], rule: T) -> None:
        """The letters the hall's numbers start with (a key each) and its 过号重排 rule."""
        self._rule = rule
        letters = "".join(prefixes) or "A"
        rows = [letters[i:i + LETTERS_PER_ROW] for i in range(0, len(letters), LETTERS_PER_ROW)]
        old = self.letters
        self.letters = KeyPad(rows)
        self.letters.key.connect(self.type)
        for edit in (self.letters.delete_key, self.letters.clear_key):
            edit.hide()  # one pair of edit keys is enough: on the digit pad
        self._letters_box.replaceWidget(old, self.letters)
        old.hide()
        old.deleteLater()
        self.retranslate(self.lang)

    # -- typing and scanning ---------------------------------------------------------------------
    def reset(self) -> None:
        self._scan = ""
        self._set("")

    def type(self, text: str) -> None:
        self._set(("" if self.scanned else self.value) + text)

    def _set(self, value: str, *, scanned: bool = False) -> None:
        self.scanned = scanned
        self.value = value[: requeue.MAX_SCANNED if scanned else requeue.MAX_TYPED]
        self.error.hide()
        self._show_value()

    def _show_value(self) -> None:
        if self.scanned:
            self.display.setProperty("role", "main")
            self.display.setText(texts.REQUEUE_SCANNED.text(self.lang))
        else:
            self.display.setProperty("role", "number")
            self.display.setText(requeue.normalise(self.value) or " ")
        self.display.style().unpolish(self.display)
        self.display.style().polish(self.display)

    def submit(self) -> None:
        parsed = requeue.parse(self.value)
        if parsed is None:
            self.error.setText(texts.REQUEUE_BAD.text(self.lang))
            self.error.show()
            return
        self.submitted.emit(*parsed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A scanner's characters (or a keyboard's): gathered until Enter. A URL is a scanned ticket."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            typed, self._scan = self._scan, ""
            parsed = requeue.parse(typed)
            if parsed is not None and parsed[0] == "track":
                self._set(typed, scanned=True)
            self.submit()
        elif event.key() == Qt.Key.Key_Backspace:
            self._scan = self._scan[:-1]
            self._set(self.value[:-1])
        elif event.text() and event.text().isprintable():
            self._scan = (self._scan + event.text())[: requeue.MAX_SCANNED]
            if self._scan.isalnum() and len(self._scan) <= requeue.MAX_TYPED:
                self._set(self._scan)  # a keyboard typing a number: shown as typed (a URL is not)
        else:
            super().keyPressEvent(event)

    # -- language and mode ---------------------------------------------------------------------------
    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self.title.setText(texts.REQUEUE.text(lang))
        self.back_button.setText(texts.BACK.text(lang))
        self.prompt.setText(texts.REQUEUE_PROMPT.text(lang))
        self.go.setText(texts.REQUEUE_GO.text(lang))
        self.digits.delete_key.setText(texts.KEY_DELETE.text(lang))
        self.digits.clear_key.setText(texts.KEY_CLEAR.text(lang))
        self.rule.setText(self._rule.text(lang) if self._rule else "")
        self.rule.setVisible(self._rule is not None)
        if self.error.isVisible():
            self.error.setText(texts.REQUEUE_BAD.text(lang))
        self._show_value()

    def apply_mode(self, elder: bool, portrait: bool) -> None:
        super().apply_mode(elder, portrait)
        self.split.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def voice(self, lang: Lang) -> str | None:
        return texts.REQUEUE_VOICE.text(lang)

"""The login screen: staff number and PIN (issue 6). The server decides (lockout included); the
controller then checks the clerk is authorised for this window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.i18n import Lang, T

from .. import texts
from ..style import repolish
from ..widgets import Banners, button, label


class LoginScreen(QWidget):
    login_requested = Signal(str, str)  # staff number, PIN
    lang_toggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login")
        self.setProperty("kind", "page")
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        header = QFrame()
        header.setProperty("kind", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        self.title = label("", "title", wrap=False, name="login-title")
        self.link = label("", "body", wrap=False)
        self.lang_button = button("", "header", name="lang")
        self.lang_button.clicked.connect(self.lang_toggled.emit)
        row.addWidget(self.title)
        row.addStretch(1)
        row.addWidget(self.link)
        row.addWidget(self.lang_button)
        root.addWidget(header)
        self.banners = Banners()
        root.addWidget(self.banners)
        root.addStretch(1)

        box = QFrame()
        box.setProperty("kind", "panel")
        box.setMaximumWidth(560)
        form = QVBoxLayout(box)
        form.setContentsMargins(32, 24, 32, 24)
        form.setSpacing(12)
        self.prompt = label("", "main", name="login-prompt")
        self.staff_label = label("", "body")
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("staff-no")
        self.staff_no.setMaxLength(32)
        self.pin_label = label("", "body")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setMaxLength(32)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = button("", "call", "main", name="login-submit")
        self.error = label("", "body", name="login-error")
        self.error.setProperty("kind", "status-error")
        for w in (self.prompt, self.staff_label, self.staff_no, self.pin_label, self.pin, self.submit, self.error):
            form.addWidget(w)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(box, 2)
        centre.addStretch(1)
        root.addLayout(centre)
        root.addStretch(2)

        self.submit.clicked.connect(self._submit)
        self.staff_no.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        self.login_requested.emit(self.staff_no.text(), self.pin.text())

    def failed(self, text: T, lang: Lang) -> None:
        self.pin.clear()
        self.error.setText(text.text(lang))
        self.submit.setEnabled(True)
        repolish(self.error)

    def reset(self) -> None:
        """Empty the form (after a logout: the next clerk starts afresh)."""
        self.staff_no.clear()
        self.pin.clear()
        self.error.clear()
        self.staff_no.setFocus(Qt.FocusReason.OtherFocusReason)

    def render(self, lang: Lang, window_name: T, online: bool, banners: list[tuple[str, str]]) -> None:
        self.title.setText(f"{window_name.text(lang)} · {texts.TITLE.text(lang)}")
        self.link.setText((texts.ONLINE if online else texts.OFFLINE).text(lang))
        self.lang_button.setText(texts.LANGUAGE.text(lang))
        self.prompt.setText(texts.LOGIN_PROMPT.fill(window=window_name).text(lang))
        self.staff_label.setText(texts.STAFF_NO.text(lang))
        self.pin_label.setText(texts.PIN.text(lang))
        self.submit.setText(f"{texts.LOGIN.text(lang)} Enter")
        self.banners.show_items(banners)

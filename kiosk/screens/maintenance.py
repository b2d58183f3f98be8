"""Maintenance mode: opened by the hidden corner gesture, then a maintenance clerk's staff number and
PIN, checked by the server's login. Diagnostics use the drivers' checks through the controller; the
touch test is a grid of squares that each turn green when touched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from client.i18n import Lang
from drivers.health import Health, Level

from .. import texts
from ..cardtexts import CARD_CHECK
from ..style import repolish
from ..widgets import KeyPad, button, label
from .base import Screen, header

DIGITS = ["123", "456", "789", "0"]
CHECKS = ("test_print", "paper", "speaker", "touch", "idcard", "server")
_CHECK_TEXT = {"test_print": texts.TEST_PRINT, "paper": texts.PAPER, "speaker": texts.SPEAKER,
               "touch": texts.TOUCH, "idcard": CARD_CHECK, "server": texts.SERVER}
TOUCH_GRID = (4, 3)  # columns × rows: every region of the panel gets a square


class MaintenanceScreen(Screen):
    login = Signal(str, str)  # staff number, PIN
    check = Signal(str)       # one of CHECKS (the touch test runs here)
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header, row, self.title = header()
        self.pages = QStackedWidget()
        self.user = ""
        self.results: dict[str, Health] = {}
        # -- PIN page
        self.login_page = QWidget()
        self.login_page.setProperty("kind", "page")
        self.prompt = label("", "main")
        self.staff_label = label("", "body")
        self.pin_label = label("", "body")
        self.staff_field = button("", "quiet", "main")
        self.pin_field = button("", "quiet", "main")
        for f in (self.staff_field, self.pin_field):
            f.setCheckable(True)
            f.setAutoExclusive(True)
        self.staff_field.setChecked(True)
        self.staff_no = ""
        self.pin = ""
        self.keys = KeyPad(DIGITS)
        self.keys.key.connect(self._key)
        self.keys.delete.connect(lambda: self._edit(lambda v: v[:-1]))
        self.keys.clear.connect(lambda: self._edit(lambda v: ""))
        self.error = label("", "body")
        self.login_button = button("", "action", "main")
        self.login_button.clicked.connect(lambda: self.login.emit(self.staff_no, self.pin))
        self.cancel_button = button("", "quiet", "main")
        self.cancel_button.clicked.connect(self.leave)
        form = QGridLayout()
        form.addWidget(self.staff_label, 0, 0)
        form.addWidget(self.staff_field, 0, 1)
        form.addWidget(self.pin_label, 1, 0)
        form.addWidget(self.pin_field, 1, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.login_button)
        lp = QVBoxLayout(self.login_page)
        lp.setContentsMargins(48, 12, 48, 16)  # fits a 1366 × 768 panel with room to spare (issue 16)
        lp.setSpacing(10)
        lp.addWidget(self.prompt)
        lp.addLayout(form)
        lp.addWidget(self.error)
        lp.addWidget(self.keys, 1)
        lp.addLayout(actions)
        # -- diagnostics page
        self.diag_page = QWidget()
        self.diag_page.setProperty("kind", "page")
        self.who = label("", "body", tone="muted")
        self.check_buttons: dict[str, QPushButton] = {}
        self.result_labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        self.check_grid = grid
        for i, name in enumerate(CHECKS):
            b = button("", "action", "main")
            b.clicked.connect(lambda _=False, n=name: self._run(n))
            result = label("", "body")
            grid.addWidget(b, i, 0)
            grid.addWidget(result, i, 1)
            self.check_buttons[name] = b
            self.result_labels[name] = result
        self.show_check("idcard", False)  # shown by the card flow when the kiosk has a reader (issue 18)
        grid.setColumnStretch(1, 1)
        self.leave_button = button("", "quiet", "main")
        self.leave_button.clicked.connect(self.leave)
        dp = QVBoxLayout(self.diag_page)
        dp.setContentsMargins(48, 24, 48, 32)
        dp.setSpacing(16)
        dp.addWidget(self.who)
        dp.addLayout(grid)
        dp.addStretch(1)
        dp.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignRight)
        # -- touch grid page
        self.touch_page = QWidget()
        self.touch_page.setProperty("kind", "page")
        self.touch_prompt = label("", "main")
        self.cells: list[QPushButton] = []
        cells = QGridLayout()
        cells.setSpacing(4)
        cols, rows = TOUCH_GRID
        for r in range(rows):
            for c in range(cols):
                cell = button(f"{r * cols + c + 1}", "cell", "main")
                cell.setProperty("done", False)
                cell.setSizePolicy(cell.sizePolicy().horizontalPolicy(), cell.sizePolicy().Policy.Expanding)
                cell.clicked.connect(lambda _=False, w=cell: self._touched(w))
                cells.addWidget(cell, r, c)
                self.cells.append(cell)
        tp = QVBoxLayout(self.touch_page)
        tp.setContentsMargins(8, 8, 8, 8)
        tp.addWidget(self.touch_prompt)
        tp.addLayout(cells, 1)
        for page in (self.login_page, self.diag_page, self.touch_page):
            self.pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addWidget(self.pages, 1)
        del row

    def show_check(self, name: str, on: bool) -> None:
        self.check_buttons[name].setVisible(on)
        self.result_labels[name].setVisible(on)
        # six rows keep within a 1366×768 kiosk by closer rows (the page's height is the window's minimum)
        rows = sum(1 for b in self.check_buttons.values() if not b.isHidden())
        self.check_grid.setVerticalSpacing(12 if rows <= 5 else 6)

    # -- PIN page ----------------------------------------------------------------------------------
    def reset(self) -> None:
        self.staff_no = self.pin = self.user = ""
        self.results.clear()
        self.staff_field.setChecked(True)
        self.error.setText("")
        for name in CHECKS:
            self.result_labels[name].setText("")
        self.pages.setCurrentWidget(self.login_page)
        self._texts()

    def _key(self, ch: str) -> None:
        self._edit(lambda v: (v + ch)[:16])

    def _edit(self, fn: Callable[[str], str]) -> None:
        if self.pin_field.isChecked():
            self.pin = fn(self.pin)
        else:
            self.staff_no = fn(self.staff_no)
        self._fields()

    def _fields(self) -> None:
        self.staff_field.setText(self.staff_no or " ")
        self.pin_field.setText("●" * len(self.pin) or " ")

    def login_failed(self, zh: str, en: str) -> None:
        self.pin = ""
        self._fields()
        self.error.setText(en if self.lang == "en" else zh)

    def logged_in(self, name: str) -> None:
        self.user = name
        self.pin = ""
        self.pages.setCurrentWidget(self.diag_page)
        self._texts()

    # -- diagnostics -------------------------------------------------------------------------------
    def _run(self, name: str) -> None:
        if name == "touch":
            for cell in self.cells:
                cell.setProperty("done", False)
                repolish(cell)
            self.pages.setCurrentWidget(self.touch_page)
            self._touch_texts()
            return
        self.result_labels[name].setText(texts.CHECKING.text(self.lang))
        self.check.emit(name)

    def show_result(self, name: str, health: Health) -> None:
        self.results[name] = health
        self._result_text(name)

    def _result_text(self, name: str) -> None:
        h = self.results.get(name)
        if h is None:
            return
        detail = h.detail_en if self.lang == "en" else h.detail_zh
        self.result_labels[name].setText(f"{h.level.value}  {detail}")

    def _touched(self, cell: QPushButton) -> None:
        cell.setProperty("done", True)
        repolish(cell)
        left = sum(1 for c in self.cells if not c.property("done"))
        if left:
            self._touch_texts()
            return
        n = len(self.cells)
        self.show_result("touch", Health("touch", Level.OK, texts.TOUCH_PASSED.format(n=n).zh,
                                         texts.TOUCH_PASSED.format(n=n).en, {"cells": n}))
        self.pages.setCurrentWidget(self.diag_page)

    def _touch_texts(self) -> None:
        left = sum(1 for c in self.cells if not c.property("done"))
        self.touch_prompt.setText(texts.TOUCH_PROGRESS.format(left=texts.TOUCH_LEFT.format(n=left).text(self.lang))
                                  .text(self.lang))

    # -- language ----------------------------------------------------------------------------------
    def retranslate(self, lang: Lang) -> None:
        super().retranslate(lang)
        self._texts()

    def _texts(self) -> None:
        lang = self.lang
        self.title.setText(texts.MAINT_TITLE.text(lang))
        self.prompt.setText(texts.MAINT_PROMPT.text(lang))
        self.staff_label.setText(texts.STAFF_NO.text(lang))
        self.pin_label.setText(texts.PIN.text(lang))
        self.login_button.setText(texts.LOGIN.text(lang))
        self.cancel_button.setText(texts.CANCEL.text(lang))
        self.keys.delete_key.setText(texts.KEY_DELETE.text(lang))
        self.keys.clear_key.setText(texts.KEY_CLEAR.text(lang))
        self.leave_button.setText(texts.LEAVE.text(lang))
        self.who.setText(self.user)
        for name in CHECKS:
            self.check_buttons[name].setText(_CHECK_TEXT[name].text(lang))
            self._result_text(name)
        self._fields()
        self._touch_texts()

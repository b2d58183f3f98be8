"""The kiosk's building blocks. They only show things and announce intent through signals; the
window decides what an intent means and the controller does the I/O.

* Tile        a big touch button: icon, name, one-line description (:mod:`kiosk.tile`)
* TileGrid    tiles for every row of a list model, in N columns and pages (:mod:`kiosk.paging`)
* Banner      a full-width notice strip (server down, printer fault); hidden when empty
* KeyPad      on-screen keys (digits, letters) for search and booking codes
* QrView      a QR code painted from its module matrix, crisp at any size
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from client import theme

from .paging import Pager, TileGrid
from .style import repolish
from .tile import MAX_TILE_HEIGHT, Tile, button, label

__all__ = ["MAX_TILE_HEIGHT", "Banner", "KeyPad", "Pager", "QrView", "Tile", "TileGrid", "button",
           "label"]


class Banner(QFrame):
    """A strip across the top; ``show_text("", …)`` hides it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "banner-danger")
        self.text = label("", "main", align=Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 14, 24, 14)
        layout.addWidget(self.text)
        self.hide()

    def show_text(self, text: str, level: str = "danger") -> None:
        self.text.setText(text)
        kind = f"banner-{level}"
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            repolish(self)
        self.setVisible(bool(text))


class KeyPad(QWidget):
    """Rows of keys; ``key(text)`` for a character, ``delete()`` and ``clear()`` for the two edit keys."""

    key = Signal(str)
    delete = Signal()
    clear = Signal()

    def __init__(self, rows: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "page")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for r, chars in enumerate(rows):
            for c, ch in enumerate(chars):
                b = button(ch, "key", "main")
                b.clicked.connect(lambda _=False, ch=ch: self.key.emit(ch))
                b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                grid.addWidget(b, r, c)
                self.keys[ch] = b
        self.delete_key = button("", "key", "body")
        self.clear_key = button("", "key", "body")
        self.delete_key.clicked.connect(self.delete)
        self.clear_key.clicked.connect(self.clear)
        for b in (self.delete_key, self.clear_key):  # rows grow alike: the edit keys' row too
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        width = max(len(r) for r in rows)
        free = width - len(rows[-1])
        if free >= 2:  # beside the last row's keys: one row less on a small screen
            row, start = len(rows) - 1, len(rows[-1])
        else:
            row, start, free = len(rows), 0, width
        wide = free - free // 2  # "Delete" is the longer word
        grid.addWidget(self.delete_key, row, start, 1, wide)
        grid.addWidget(self.clear_key, row, start + wide, 1, free - wide)

    def type_text(self, text: str) -> None:
        """Press the keys for ``text`` (tests and the barcode-scanner path use it)."""
        for ch in text:
            self.keys[ch.upper() if ch.upper() in self.keys else ch].click()


class QrView(QWidget):
    """A QR code (``qrcode`` library's matrix) painted dark-on-white with its quiet zone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.payload = ""
        self._matrix: list[list[bool]] = []
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_payload(self, payload: str) -> None:
        import qrcode

        self.payload = payload
        if payload:
            qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
            qr.add_data(payload.encode("utf-8"))
            qr.make(fit=True)
            self._matrix = qr.get_matrix()
        else:
            self._matrix = []
        self.update()

    def sizeHint(self) -> QSize:
        # no heightForWidth: a wide column would ask for a QR as tall as it is wide and push the
        # window past the screen; the code is painted square in whatever space the layout gives
        return QSize(300, 300)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        p = QPainter(self)
        side = min(self.width(), self.height())
        n = len(self._matrix)
        module = side // n  # whole pixels per module: no blurred edges a phone camera could misread
        origin_x = (self.width() - module * n) / 2
        origin_y = 0  # at the top: its caption sits right under it
        p.fillRect(QRectF(origin_x, origin_y, module * n, module * n), QColor(theme.PAPER))
        dark = QColor("#000000")
        for y, row in enumerate(self._matrix):
            for x, on in enumerate(row):
                if on:
                    p.fillRect(QRectF(origin_x + x * module, origin_y + y * module, module, module), dark)
        p.end()

"""The kiosk's building blocks. They only show things and announce intent through signals; the
window decides what an intent means and the controller does the I/O.

* Tile        a big touch button: icon, name, one-line description (a QFrame, so its layout wraps)
* TileGrid    tiles for every row of a list model, re-laid out in N columns
* Banner      a full-width notice strip (server down, printer fault); hidden when empty
* KeyPad      on-screen keys (digits, letters) for search and booking codes
* QrView      a QR code painted from its module matrix, crisp at any size
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client import theme

from .icons import icon_pixmap
from .models import COUNT_ROLE, DESCRIPTION_ROLE, ICON_ROLE, ID_ROLE
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


class TileGrid(QWidget):
    """One :class:`Tile` per row of ``model`` in ``columns`` columns; ``activated(id)`` on a tap.

    Rebuilt on model resets and row changes (lists here are short: a dozen categories, ~25 services);
    retitled in place on ``dataChanged`` (language switch).
    """

    activated = Signal(str)

    def __init__(self, model: QAbstractItemModel, *, kind: str = "tile", with_icons: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "page")
        self._model = model
        self._kind = kind
        self._with_icons = with_icons
        self._columns = 3
        self._icon_px = 64
        self._count_text: Callable[[int], str] | None = None  # "N 项业务" under multi-service categories
        self.tiles: list[Tile] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(16)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            sig.connect(self.rebuild)
        model.dataChanged.connect(self.retitle)
        self.rebuild()

    # In a scroll area the grid must be as tall as its wrapped texts need at its width, or the layout
    # squeezes the tiles instead of letting the list scroll (small screens, long English names, elder
    # type). QScrollArea does not follow the height-for-width of this layout by itself, so the grid
    # sets its minimum height whenever its width or its texts and fonts change.
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return handled

    def _fit(self) -> None:
        need = self.heightForWidth(self.width()) if self.hasHeightForWidth() else -1
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def set_columns(self, columns: int) -> None:
        if columns != self._columns:
            self._columns = max(1, columns)
            self._place()

    def set_icon_size(self, px: int) -> None:
        self._icon_px = px
        for tile in self.tiles:
            tile.set_icon_size(px)

    def set_count_text(self, fn: Callable[[int], str]) -> None:
        self._count_text = fn
        self.retitle()

    def tile_for(self, item_id: str) -> Tile:
        for tile in self.tiles:
            if tile.property("item_id") == item_id:
                return tile
        raise KeyError(item_id)

    def rebuild(self) -> None:
        for tile in self.tiles:
            self._grid.removeWidget(tile)
            tile.hide()  # at once: deleteLater waits for the event loop, a stale tile would still paint
            tile.deleteLater()
        self.tiles = []
        for row in range(self._model.rowCount()):
            index = self._model.index(row, 0)
            tile = Tile(self._kind, index.data(ICON_ROLE) if self._with_icons else "")
            item_id = index.data(ID_ROLE)
            tile.setProperty("item_id", item_id)
            tile.clicked.connect(lambda i=item_id: self.activated.emit(i))
            tile.set_icon_size(self._icon_px)
            self.tiles.append(tile)
        self.retitle()
        self._place()

    def retitle(self, *_: object) -> None:
        for row, tile in enumerate(self.tiles):
            index = self._model.index(row, 0)
            sub = index.data(DESCRIPTION_ROLE) or ""
            count = index.data(COUNT_ROLE)
            if self._count_text and count and count > 1:
                sub = f"{sub}\n{self._count_text(count)}" if sub else self._count_text(count)
            tile.set_texts(index.data() or "", sub)

    def _place(self) -> None:
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self._grid.addWidget(tile, i // self._columns, i % self._columns)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 1 if c < self._columns else 0)
        # tiles grow up to MAX_TILE_HEIGHT; what is left goes below them, not between them
        rows = (len(self.tiles) + self._columns - 1) // self._columns
        for r in range(self._grid.rowCount()):
            self._grid.setRowStretch(r, 100 if r < rows else 0)
        self._grid.setRowStretch(rows, 1)


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

    def module_px(self) -> int:
        return min(self.width(), self.height()) // len(self._matrix) if self._matrix else 0


def index_id(index: QModelIndex) -> str:
    return index.data(ID_ROLE)

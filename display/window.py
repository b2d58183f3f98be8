"""The full-screen board: header, latest calls beside the window grid, waiting counts, notice line.

Laid out for 1920×1080 first, by proportions (layout stretch factors), with every size scaled by the
window's unit (:func:`display.style.unit_for`): the same board on any screen size.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from client.i18n import Lang

from . import style, texts
from .board import Board
from .state import Call
from .timings import Timings
from .widgets import CallsPanel, Header, NoticeTicker, WaitingStrip, WindowGrid

# stretch factors: rows of the board (header, body, waiting, notices; px of a 1080p board) and columns
# of the body
ROWS = (112, 784, 96, 88)
COLUMNS = (33, 67)


class BoardWindow(QWidget):
    def __init__(self, board: Board, *, timings: Timings | None = None, lang: Lang = "zh", tz: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self.lang: Lang = lang
        timings = timings or board.timings
        self.setObjectName("board")
        self.setWindowTitle("hallq 叫号屏 / lobby display")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(style.BG))
        self.setPalette(palette)
        self.setAutoFillBackground(True)

        self.header = Header(lang=lang, tz=tz or board.windows.tz)
        self.calls = CallsPanel(board.calls, timings=timings, lang=lang)
        self.grid = WindowGrid(board.windows, lang=lang)
        self.waiting = WaitingStrip(board.waiting, lang=lang)
        self.ticker = NoticeTicker(timings=timings, lang=lang)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.calls, COLUMNS[0])
        body.addWidget(self.grid, COLUMNS[1])
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        rows.addWidget(self.header, ROWS[0])
        rows.addLayout(body, ROWS[1])
        rows.addWidget(self.waiting, ROWS[2])
        rows.addWidget(self.ticker, ROWS[3])

        # more windows or services than fit at the board's text size: pages, turned together
        self._pager = QTimer(self, interval=timings.page_ms)
        self._pager.timeout.connect(self.next_page)
        self._pager.start()

        board.ready.connect(self._ready)
        board.call_shown.connect(self._call_shown)
        board.offline_changed.connect(self._offline)
        board.refused.connect(lambda _e: self._offline(True))
        board.notices_changed.connect(lambda: self.ticker.set_notices(board.notices()))
        self.ticker.set_notices(board.notices())
        self.resize(style.DESIGN_W, style.DESIGN_H)

    @property
    def parts(self) -> list[Any]:
        return [self.header, self.calls, self.grid, self.waiting, self.ticker]

    def next_page(self) -> None:
        self.grid.next_page()
        self.waiting.next_page()

    def drawn_text(self) -> str:
        """Everything the board shows over one turn of its pages, one string (paints every page)."""
        return "\n".join(s for s, _font in self.drawn_items())

    def drawn_items(self) -> list[tuple[str, QFont]]:
        """(text, font) of everything the board shows over one turn of its pages (paints every page)."""
        paged = (self.grid, self.waiting)
        kept = [part.page for part in paged]
        self.grab()
        items = [item for part in self.parts for item in zip(part.drawn, part.drawn_fonts, strict=True)]
        for part in paged:
            for page in range(part.pages):
                if page != kept[paged.index(part)]:
                    part.show_page(page)
                    part.grab()
                    items += zip(part.drawn, part.drawn_fonts, strict=True)
            part.show_page(kept[paged.index(part)])
        return items

    def resizeEvent(self, event: QResizeEvent) -> None:
        unit = style.unit_for(event.size().width(), event.size().height())
        for part in self.parts:
            part.set_unit(unit)
        super().resizeEvent(event)

    def _ready(self) -> None:
        self.header.set_hall(self.board.hall_name)
        if self.board.filter.active and not self.board.windows.rowCount():
            self.grid.empty_text = texts.FILTER_EMPTY.format(filter=str(self.board.filter)).text(self.lang)
            self.grid.update()

    def _call_shown(self, call: Call) -> None:
        if self.board.calls.latest() is call:
            self.calls.flash()

    def _offline(self, offline: bool) -> None:
        if not offline:
            self.header.set_alert(None)
            return
        error = self.board.refusal
        alert = texts.OFFLINE if error is None else texts.REFUSED.format(zh=error.zh, en=error.en)
        self.header.set_alert(alert.text(self.lang))

    def stop(self) -> None:
        """Stop the clock and the animations (before the app quits)."""
        self._pager.stop()
        self.header.stop()
        self.calls.stop()
        self.ticker.stop()

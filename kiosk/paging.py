"""Tiles in pages: a list that does not fit is paged, never scrolled by a thin scrollbar.

Issue 16: an elderly visitor could not find 医保 or 公积金 because they were below the fold behind a
14-px scrollbar. MIIT 2021《移动互联网应用程序适老化通用设计规范》asks for large, plainly labelled
controls instead of fine gestures, so:

* the tiles are cut into pages of whole rows that fit the space at the current type size (elder
  type → fewer, taller tiles per page); a tile is never shorter than its texts need;
* "上一页 / 下一页" buttons (≥ 60 px tall, the elder main-function size) with "第 2/3 页" between
  them page through, and are there only when there is more than one page;
* a finger swipe (QScroller on the strip of pages, snapping to whole pages) does the same;
* no scrollbar is shown at all.

Layout is recomputed (coalesced, on the next turn of the event loop) when the widget is resized,
the model or its texts change, or the style changes the fonts (elder mode, language).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client.i18n import Lang, T

from .models import COUNT_ROLE, DESCRIPTION_ROLE, ICON_ROLE, ID_ROLE
from .tile import MAX_TILE_HEIGHT, Tile, button, label

SPACING = 16
DRAG_START_PX = 24  # a finger moved this far sideways is swiping, not tapping
SWIPE_TURNS = 0.2  # … and this share of the width turns the page
SWIPE_SETTLE_MS = 250
PAGER_MIN_PX = 72  # the paging buttons: above the 60-px elder target in every mode

PREVIOUS = T("上一页", "Previous")
NEXT = T("下一页", "Next")
PAGE_OF = T("第 {n}/{total} 页", "Page {n} of {total}")


class Pager(QWidget):
    """``[◀ 上一页]  第 2/3 页  [下一页 ▶]``; where that is too wide (a list beside the search keys),
    the page count goes above the two buttons. The window's language via :meth:`retranslate`."""

    go = Signal(int)  # -1 back, +1 on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "page")
        self.lang: Lang = "zh"
        self.page, self.total = 0, 1
        self.narrow = False
        self.previous = button("", "pager", "main")
        self.next = button("", "pager", "main")
        self.where = label("", "main", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        for b in (self.previous, self.next):
            b.setMinimumHeight(PAGER_MIN_PX)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.previous.clicked.connect(lambda: self.go.emit(-1))
        self.next.clicked.connect(lambda: self.go.emit(+1))
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(SPACING)
        self._arrange()

    def wide_width(self) -> int:
        """The width the one-row arrangement needs."""
        for w in (self.previous, self.next, self.where):
            w.ensurePolished()
        return self.previous.sizeHint().width() + self.next.sizeHint().width() + \
            self.where.sizeHint().width() + 2 * SPACING

    def set_narrow(self, narrow: bool) -> None:
        if narrow != self.narrow:
            self.narrow = narrow
            self._arrange()

    def _arrange(self) -> None:
        for w in (self.previous, self.where, self.next):
            self._grid.removeWidget(w)
        if self.narrow:
            self._grid.addWidget(self.where, 0, 0, 1, 2)
            self._grid.addWidget(self.previous, 1, 0)
            self._grid.addWidget(self.next, 1, 1)
        else:
            self._grid.addWidget(self.previous, 0, 0)
            self._grid.addWidget(self.where, 0, 1)
            self._grid.addWidget(self.next, 0, 2)

    def show_page(self, page: int, total: int) -> None:
        self.page, self.total = page, total
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page < total - 1)
        self.retranslate(self.lang)

    def retranslate(self, lang: Lang) -> None:
        self.lang = lang
        self.previous.setText("◀ " + PREVIOUS.text(lang))
        self.next.setText(NEXT.text(lang) + " ▶")
        self.where.setText(PAGE_OF.format(n=self.page + 1, total=self.total).text(lang))


class TileGrid(QWidget):
    """One :class:`Tile` per row of ``model``, ``columns`` wide, in pages; ``activated(id)`` on a tap.

    Rebuilt on model resets and row changes (lists here are short: a dozen categories, ~25 services);
    retitled in place on ``dataChanged`` (language switch). ``page_changed(page, pages)`` after a flip.
    """

    activated = Signal(str)
    page_changed = Signal(int, int)

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
        self.pages: list[QWidget] = []
        self.page = 0
        self._page_of: dict[int, int] = {}
        self._shape: tuple[int, ...] = ()

        self.area = QScrollArea()
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.area.setWidgetResizable(True)
        for policy in (self.area.setHorizontalScrollBarPolicy, self.area.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # pages and swipes, never a scrollbar alone
        self.strip = QWidget()
        self.strip.setProperty("kind", "page")
        self._strip = QHBoxLayout(self.strip)
        self._strip.setContentsMargins(0, 0, 0, 0)
        self._strip.setSpacing(0)
        self._strip.addStretch(1)
        self.area.setWidget(self.strip)
        self.pager = Pager()
        self.pager.go.connect(lambda step: self.go_to(self.page + step))
        self.pager.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.pager)

        # a swipe: the whole strip follows the finger and snaps to a page. QScroller does the motion;
        # its input comes from eventFilter below, not from QScroller.grabGesture: a tap reaches its tile
        # at once (no press delay, no hit-testing by screen position), and only a sideways drag of
        # DRAG_START_PX becomes a swipe — and then the tile under the finger is not pressed
        self.scroller = QScroller.scroller(self.area.viewport())
        self._press: QPointF | None = None
        self._drag_from = QPointF()
        self._dragging = False
        self.area.viewport().installEventFilter(self)
        self.strip.installEventFilter(self)
        props = self.scroller.scrollerProperties()
        off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
        self.scroller.setScrollerProperties(props)
        self.scroller.stateChanged.connect(self._scroller_state)
        bar = self.area.horizontalScrollBar()
        bar.rangeChanged.connect(lambda *_: self._show_page())

        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.paginate)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            sig.connect(self.rebuild)
        model.dataChanged.connect(self.retitle)
        self.rebuild()

    # -- public ----------------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return len(self.pages) or 1

    def set_columns(self, columns: int) -> None:
        if columns != self._columns:
            self._columns = max(1, columns)
            self.schedule()

    def set_icon_size(self, px: int) -> None:
        self._icon_px = px
        for tile in self.tiles:
            tile.set_icon_size(px)
        self.schedule()

    def set_count_text(self, fn: Callable[[int], str]) -> None:
        self._count_text = fn
        self.retitle()

    def retranslate(self, lang: Lang) -> None:
        self.pager.retranslate(lang)
        self.schedule()

    def tile_for(self, item_id: str) -> Tile:
        for tile in self.tiles:
            if tile.property("item_id") == item_id:
                return tile
        raise KeyError(item_id)

    def page_of(self, tile: Tile) -> int:
        """The page a tile is on (0-based)."""
        return self._page_of.get(id(tile), 0)

    def go_to(self, page: int) -> None:
        """Show page ``page`` (clamped) at once: no animation to wait for or to be dizzy from."""
        page = max(0, min(page, self.page_count - 1))
        self.scroller.stop()
        changed = page != self.page
        self.page = page
        self._show_page()
        if changed:
            self.page_changed.emit(page, self.page_count)

    def schedule(self) -> None:
        """Lay the pages out again once the current event has been handled (many triggers → one)."""
        self._relayout.start()

    # -- model → tiles ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        for tile in self.tiles:
            tile.hide()  # at once: deleteLater waits for the event loop, a stale tile would still paint
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = []
        for row in range(self._model.rowCount()):
            index = self._model.index(row, 0)
            tile = Tile(self._kind, index.data(ICON_ROLE) if self._with_icons else "")
            item_id = index.data(ID_ROLE)
            tile.setProperty("item_id", item_id)
            tile.clicked.connect(lambda i=item_id: self.activated.emit(i))
            tile.set_icon_size(self._icon_px)
            tile.installEventFilter(self)
            self.tiles.append(tile)
        self.retitle()
        self.page = 0
        self._shape = ()
        self.paginate()  # at once as far as the current size allows, again once polished

    def retitle(self, *_: object) -> None:
        for row, tile in enumerate(self.tiles):
            index = self._model.index(row, 0)
            sub = index.data(DESCRIPTION_ROLE) or ""
            count = index.data(COUNT_ROLE)
            if self._count_text and count and count > 1:
                sub = f"{sub}\n{self._count_text(count)}" if sub else self._count_text(count)
            tile.set_texts(index.data() or "", sub)
        self.schedule()

    # -- layout ----------------------------------------------------------------------------------
    def paginate(self) -> None:
        """Cut the tiles into pages of whole rows that fit. A row is as tall as its tallest tile needs
        (a two-line name gets its two lines); rows share a page's spare height, up to MAX_TILE_HEIGHT."""
        width, height = self.width(), self.height()
        if not self.tiles:
            self._place([], 0, width)
            return
        if width < 100 or height < 60:
            return  # not laid out yet: a resize comes
        for tile in self.tiles:
            tile.ensurePolished()
        # the mode's columns (4, elder 3, portrait 2…); fewer when a tile would be taller than a page
        # (long English names in narrow columns): a name is never cut
        for cols in range(min(self._columns, len(self.tiles)), 0, -1):
            col_w = (width - (cols - 1) * SPACING) // cols
            needs = [max(tile.heightForWidth(col_w) if tile.hasHeightForWidth() else tile.sizeHint().height(),
                         tile.minimumSizeHint().height()) for tile in self.tiles]
            row_needs = [max(needs[i:i + cols]) for i in range(0, len(needs), cols)]
            pages = _fill(row_needs, height)
            avail = height
            if len(pages) > 1:  # more than one page: the pager takes its row
                self.pager.set_narrow(self.pager.wide_width() > width)
                if self.pager.isVisible() and self.area.viewport().height() > 0:
                    avail = self.area.viewport().height()  # what the layout actually left (settled)
                else:
                    avail = height - max(self.pager.sizeHint().height(),
                                         self.pager.minimumSizeHint().height()) - SPACING
                pages = _fill(row_needs, avail)
            if max(row_needs) <= avail:
                break
        shape = (width, avail, cols, *row_needs, id(self.tiles[0]), len(self.tiles))
        if shape == self._shape:
            return
        self._shape = shape
        for rows in pages:  # each page's spare height is shared by its rows, up to the tile cap
            spare = avail - sum(row_needs[r] for r in rows) - (len(rows) - 1) * SPACING
            extra = max(0, spare // len(rows))
            for r in rows:
                row_h = max(row_needs[r], min(MAX_TILE_HEIGHT, row_needs[r] + extra))
                for tile in self.tiles[r * cols:(r + 1) * cols]:
                    tile.setFixedSize(col_w, row_h)
        self._place(pages, cols, width)

    def _place(self, pages: list[list[int]], cols: int, width: int) -> None:
        for page in self.pages:
            self._strip.removeWidget(page)
            page.hide()
            page.deleteLater()  # its tiles are moved out first (addWidget below reparents them)
        self.pages = []
        self._page_of = {}
        for p, rows in enumerate(pages):
            page = QWidget()
            page.setProperty("kind", "page")
            page.setFixedWidth(width)
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(SPACING)
            for line, r in enumerate(rows):
                for c, tile in enumerate(self.tiles[r * cols:(r + 1) * cols]):
                    grid.addWidget(tile, line, c, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    tile.show()
                    self._page_of[id(tile)] = p
            grid.setRowStretch(len(rows), 1)  # what is left goes below the tiles, not between
            grid.setColumnStretch(cols, 1)
            self._strip.insertWidget(p, page)
            self.pages.append(page)
        self.strip.setMinimumWidth(width * len(pages))
        self.pager.setVisible(len(pages) > 1)
        self.page = min(self.page, max(0, len(pages) - 1))
        self._show_page()

    def _show_page(self) -> None:
        width = self.area.viewport().width()
        if self.scroller.state() == QScroller.State.Inactive and width > 0:
            self.area.horizontalScrollBar().setValue(self.page * width)
        self.pager.show_page(self.page, self.page_count)
        props = self.scroller.scrollerProperties()
        props.setScrollMetric(QScrollerProperties.ScrollMetric.SnapPositionRatio, 0.5)
        self.scroller.setSnapPositionsX(0.0, float(max(1, width)))
        self.scroller.setSnapPositionsY([0.0])

    def _scroller_state(self, state: QScroller.State) -> None:
        if state != QScroller.State.Inactive:
            return
        width = max(1, self.area.viewport().width())
        page = max(0, min(round(self.area.horizontalScrollBar().value() / width), self.page_count - 1))
        if page != self.page:
            self.page = page
            self.page_changed.emit(page, self.page_count)
        self._show_page()

    def swipe(self, dx: float) -> None:
        """A finger dragged ``dx`` px across the strip (negative: to the left, i.e. the next page) —
        the same path as the mouse/touch events, with explicit timestamps (tests, demos)."""
        y = self.area.viewport().height() / 2
        x0 = self.area.viewport().width() / 2
        self._drag_start(QPointF(x0, y), 0)
        for i in range(1, 6):
            self._drag_move(QPointF(x0 + dx * i / 5, y), i * 40)
        self._drag_end(QPointF(x0 + dx, y), 6 * 40)

    # One page per swipe, like turning a page: QScroller moves the strip with the finger, and on
    # release the strip goes to the next or previous page when the finger travelled a fifth of the
    # width, else back — never flung over several pages an elderly visitor did not look at.
    def _drag_start(self, at: QPointF, ms: int) -> None:
        self._drag_from = at
        self.scroller.handleInput(QScroller.Input.InputPress, at, ms)

    def _drag_move(self, at: QPointF, ms: int) -> None:
        self.scroller.handleInput(QScroller.Input.InputMove, at, ms)

    def _drag_end(self, at: QPointF, ms: int) -> None:
        self.scroller.handleInput(QScroller.Input.InputRelease, at, ms)
        width = max(1, self.area.viewport().width())
        travelled = at.x() - self._drag_from.x()
        target = self.page
        if abs(travelled) >= width * SWIPE_TURNS:
            target = max(0, min(self.page + (1 if travelled < 0 else -1), self.page_count - 1))
        self.scroller.scrollTo(QPointF(target * width, 0), SWIPE_SETTLE_MS)

    # -- events ----------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.schedule()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.schedule()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.LayoutRequest):
            self.schedule()
        elif kind == QEvent.Type.Resize and watched is self.area.viewport():
            self.schedule()  # the pager came or went, or its type size changed
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease):
            return self._finger(event)  # type: ignore[arg-type]
        return False

    def _finger(self, event: QMouseEvent) -> bool:
        """Press / move / release on a tile or between them: a tap passes through, a swipe is eaten."""
        kind = event.type()
        at = self.area.viewport().mapFromGlobal(event.globalPosition())
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() == Qt.MouseButton.LeftButton and self.page_count > 1:
                self._press, self._dragging = event.globalPosition(), False
            return False
        if self._press is None:
            return False
        if kind == QEvent.Type.MouseMove:
            moved = event.globalPosition() - self._press
            if not self._dragging and abs(moved.x()) >= DRAG_START_PX and abs(moved.x()) > abs(moved.y()):
                self._dragging = True
                for tile in self.tiles:
                    tile.cancel_press()  # the finger is paging, not choosing this tile
                self._drag_start(self.area.viewport().mapFromGlobal(self._press), event.timestamp())
            if self._dragging:
                self._drag_move(at, event.timestamp())
            return self._dragging
        dragging, self._press, self._dragging = self._dragging, None, False
        if dragging:
            self._drag_end(at, event.timestamp())
        return dragging


def _fill(row_needs: list[int], avail: int) -> list[list[int]]:
    """Rows (by index) onto pages of ``avail`` px, in order; a row taller than a page gets a page alone.

    >>> _fill([90, 90, 164, 90], 300)
    [[0, 1], [2, 3]]
    """
    pages: list[list[int]] = [[]]
    used = 0
    for r, need in enumerate(row_needs):
        add = need if not pages[-1] else need + SPACING
        if pages[-1] and used + add > avail:
            pages.append([])
            used, add = 0, need
        pages[-1].append(r)
        used += add
    return pages

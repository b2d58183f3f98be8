"""The board's painted parts: header with clock, latest calls, window list, waiting counts, notice line.

Each is a view over :mod:`display.models` (it repaints on the model's signals) drawn with QPainter, so
the layout scales with the screen (:mod:`display.style`). Each keeps ``drawn``: the strings it painted
last time, exactly as they appear (elided where they did not fit) — what a visitor can read, and what
the tests read — and ``drawn_fonts``: the font of each, for the glyph-height test.

Legibility (the board is read from 3–5 m, across a hall): no text is smaller than
:data:`style.MIN_TEXT` (≥ 32 px of glyph at 1080p, ≈ 20 mm on a 55-inch TV, readable from ~8 m by the
signage rule of 25 mm per 10 m); ticket numbers and windows of the calls are far larger. What does not
fit at that size is paged, not shrunk: the window list and the waiting counts show one page at a time
and :class:`Paged` turns them (``第 1/3 页``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from client.i18n import Lang, T
from client.models import ServiceWaiting

from . import style, texts
from .models import CallsModel, ItemRole, Look, LookRole, WaitingModel, WindowsModel
from .state import Call, WindowRow
from .timings import Timings

Align = Qt.AlignmentFlag
LEFT = Align.AlignLeft | Align.AlignVCenter
RIGHT = Align.AlignRight | Align.AlignVCenter
CENTER = Align.AlignCenter


def _watch(model: QAbstractItemModel, repaint: Callable[[], Any]) -> None:
    for signal in (model.dataChanged, model.modelReset, model.rowsInserted, model.rowsRemoved,
                   model.layoutChanged):
        signal.connect(lambda *_: repaint())


class Painted(QWidget):
    """A widget drawn by :meth:`paint`; sizes in design pixels via :meth:`px`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = 1.0
        self.drawn: list[str] = []
        self.drawn_fonts: list[QFont] = []
        # the window's layout stretch factors alone decide the sizes
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_unit(self, unit: float) -> None:
        self.unit = unit
        self.update()

    def px(self, design: float) -> float:
        return design * self.unit

    def face(self, design: float, *, bold: bool = False) -> QFont:
        """The board's font at ``design`` px of a 1080p board, never below :data:`style.MIN_TEXT`."""
        return style.font(self.px(max(design, style.MIN_TEXT)), bold=bold)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.fillRect(self.rect(), style.colour(style.BG))
            self.drawn = []
            self.drawn_fonts = []
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def paint(self, p: QPainter, r: QRectF) -> None:
        """Draw the widget into ``r`` (the background is already filled); subclasses override it."""

    # -- helpers
    def text(self, p: QPainter, rect: QRectF, s: str, f: QFont, ink: str, align: Any = LEFT) -> float:
        """Draw ``s`` in ``rect``, elided on the right if too wide; returns the width used."""
        if not s or rect.width() <= 0:
            return 0.0
        metrics = QFontMetricsF(f)
        shown = metrics.elidedText(s, Qt.TextElideMode.ElideRight, rect.width())
        p.setFont(f)
        p.setPen(style.colour(ink))
        p.drawText(rect, align, shown)
        self.drawn.append(shown)
        self.drawn_fonts.append(QFont(f))
        return metrics.horizontalAdvance(shown)

    def fitted(self, s: str, max_design: float, width: float, *, bold: bool = True) -> QFont:
        """The largest font up to ``max_design`` in which ``s`` fits ``width``, never below the minimum
        (ticket numbers are never elided: their boxes are sized for them at the minimum)."""
        f = style.font(self.px(max_design), bold=bold)
        needed = QFontMetricsF(f).horizontalAdvance(s) if s else 0
        if needed > width > 0:
            f = style.font(max(self.px(style.MIN_TEXT), self.px(max_design) * width / needed * 0.98), bold=bold)
        return f

    @staticmethod
    def width_of(s: str, f: QFont) -> float:
        return QFontMetricsF(f).horizontalAdvance(s)

    def heading(self, p: QPainter, rect: QRectF, title: T, lang: Lang, right: str = "") -> None:
        """Main language large, the other beside it if it fits whole; ``right``: a page marker."""
        other: Lang = "en" if lang == "zh" else "zh"
        if right:
            f = self.face(style.MIN_TEXT)
            w = self.width_of(right, f) + self.px(8)
            self.text(p, QRectF(rect.right() - w, rect.top(), w, rect.height()), right, f, style.INK, RIGHT)
            rect = QRectF(rect.left(), rect.top(), rect.width() - w - self.px(24), rect.height())
        main = self.face(style.HEADING, bold=True)
        used = self.text(p, rect, title.text(lang), main, style.ACCENT)
        rest = QRectF(rect.left() + used + self.px(20), rect.top(), rect.width() - used - self.px(20), rect.height())
        second = title.text(other)
        f = self.face(style.MIN_TEXT)
        if second and self.width_of(second, f) <= rest.width():
            self.text(p, rest, second, f, style.MUTED)


def _rounded(p: QPainter, rect: QRectF, fill: str, radius: float) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(fill))
    p.drawRoundedRect(rect, radius, radius)


def page_marker(page: int, pages: int, lang: Lang) -> str:
    return texts.PAGE.format(page=page + 1, pages=pages).text(lang) if pages > 1 else ""


class Paged(Painted):
    """A part that shows one page at a time; :meth:`next_page` turns it (the window's page timer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = 0
        self.pages = 1

    def next_page(self) -> None:
        if self.pages > 1:
            self.page = (self.page + 1) % self.pages
            self.update()

    def show_page(self, page: int) -> None:
        self.page = page
        self.update()

    def _set_pages(self, pages: int) -> None:
        self.pages = max(1, pages)
        if self.page >= self.pages:
            self.page = 0


# -- header -------------------------------------------------------------------------------------------
class Header(Painted):
    """Hall name, date, weekday and time on one line; the "连接中断" alert over the middle while offline."""

    def __init__(self, *, lang: Lang, tz: Any, now: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang
        self.tz = tz
        self.now = now or (lambda: datetime.now(self.tz))
        self.hall_name = T("", "")
        self.alert: str | None = None
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self.update)
        self._clock.start()

    def stop(self) -> None:
        self._clock.stop()

    def set_hall(self, name: T) -> None:
        self.hall_name = name
        self.update()

    def set_alert(self, text: str | None) -> None:
        self.alert = text
        self.update()

    def paint(self, p: QPainter, r: QRectF) -> None:
        m = self.px(32)
        inner = r.adjusted(m, 0, -m, 0)
        now = self.now()
        time_f = self.face(76, bold=True)
        clock = now.strftime("%H:%M:%S")
        time_w = self.width_of(clock, time_f) + self.px(4)
        self.text(p, QRectF(inner.right() - time_w, inner.top(), time_w, inner.height()), clock, time_f,
                  style.INK, RIGHT)
        day = texts.DATE.format(y=now.year, m=now.month, d=now.day).text(self.lang)
        weekday = texts.WEEKDAYS[now.weekday()].text(self.lang)
        date = f"{day} {weekday}"
        date_f = self.face(style.MIN_TEXT)
        date_w = self.width_of(date, date_f) + self.px(4)
        date_right = inner.right() - time_w - self.px(28)
        self.text(p, QRectF(date_right - date_w, inner.top(), date_w, inner.height()), date, date_f,
                  style.MUTED, RIGHT)
        name_box = QRectF(inner.left(), inner.top(), date_right - date_w - self.px(40) - inner.left(), inner.height())
        used = self.text(p, name_box, self.hall_name.text(self.lang), self.face(64, bold=True), style.INK)
        other: Lang = "en" if self.lang == "zh" else "zh"
        second, f = self.hall_name.text(other), self.face(style.MIN_TEXT)
        rest = name_box.adjusted(used + self.px(28), 0, 0, 0)
        if second and self.width_of(second, f) <= rest.width():
            self.text(p, rest, second, f, style.MUTED)
        if self.alert:
            f = self.face(52, bold=True)
            w = min(self.width_of(self.alert, f) + self.px(64), inner.width() * 0.7)
            pill = QRectF(r.center().x() - w / 2, r.top() + r.height() * 0.1, w, r.height() * 0.8)
            _rounded(p, pill, style.ALERT_BG, pill.height() / 2)
            self.text(p, pill.adjusted(self.px(24), 0, -self.px(24), 0), self.alert, f, style.ALERT_INK, CENTER)


# -- latest calls ---------------------------------------------------------------------------------------
class CallsPanel(Painted):
    """The newest call large (number → window), flashing; the ones before it below."""

    def __init__(self, model: CallsModel, *, timings: Timings, lang: Lang, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lang: Lang = lang
        self.timings = timings
        self.flash_on = False
        self._flashes_left = 0
        self._flash = QTimer(self, interval=timings.flash_ms)
        self._flash.timeout.connect(self._toggle)
        _watch(model, self.update)

    @property
    def flashing(self) -> bool:
        return self._flash.isActive()

    def stop(self) -> None:
        self._flash.stop()
        self.flash_on = False

    def flash(self) -> None:
        """Flash the top call (a new call or a recall came in)."""
        self._flashes_left = self.timings.flash_count
        self.flash_on = True
        self._flash.start()
        self.update()

    def _toggle(self) -> None:
        self._flashes_left -= 1
        self.flash_on = not self.flash_on
        if self._flashes_left <= 0:
            self._flash.stop()
            self.flash_on = False
        self.update()

    def paint(self, p: QPainter, r: QRectF) -> None:
        r = r.adjusted(self.px(28), self.px(8), -self.px(12), -self.px(12))
        self.heading(p, QRectF(r.left(), r.top(), r.width(), self.px(72)), texts.LATEST_CALLS, self.lang)
        top = r.top() + self.px(80)
        hero = QRectF(r.left(), top, r.width(), min(self.px(390), r.height() * 0.55))
        calls = [self.model.data(self.model.index(i, 0), ItemRole) for i in range(self.model.rowCount())]
        self._hero(p, hero, calls[0] if calls else None)
        row_h = self.px(96)
        y = hero.bottom() + self.px(16)
        for call in calls[1:]:
            if y + row_h - self.px(10) > r.bottom():
                break
            self._row(p, QRectF(r.left(), y, r.width(), row_h - self.px(10)), call)
            y += row_h

    def _window_text(self, call: Call) -> str:
        return texts.CALL_ARROW.format(window=call.window).text(self.lang)

    def _hero(self, p: QPainter, box: QRectF, call: Call | None) -> None:
        lit = call is not None and self.flash_on
        _rounded(p, box, style.ACCENT if lit else style.PANEL, self.px(18))
        if call is None:
            self.text(p, box, texts.NO_CALLS.text(self.lang), self.face(56), style.MUTED, CENTER)
            return
        number_ink = style.BG if lit else style.ACCENT
        ink = style.BG if lit else style.INK
        pad = self.px(24)
        inner = box.adjusted(pad, pad * 0.3, -pad, -pad * 0.5)
        # the number alone on the first line, as large as fits; "→ 6号窗口" and the service under it
        low_h = self.px(112)
        top = QRectF(inner.left(), inner.top(), inner.width(), inner.height() - low_h)
        self.text(p, top, call.number, self.fitted(call.number, 210, top.width()), number_ink, CENTER)
        low = QRectF(inner.left(), top.bottom(), inner.width(), low_h)
        win = f"→ {self._window_text(call)}"
        win_f = self.fitted(win, 96, low.width() * 0.62)
        used = self.text(p, low, win, win_f, ink)
        service = self.model.services.get(call.service, self.lang)
        rest = low.adjusted(used + self.px(24), 0, 0, 0)
        f = self.face(54)
        if call.recall:  # "重呼" must show: the service goes when both do not fit
            tag = texts.RECALL_TAG.text(self.lang)
            both = f"{service} · {tag}" if service else tag
            sub = both if self.width_of(both, f) <= rest.width() else tag
        else:
            sub = service
        self.text(p, rest, sub, f, ink, RIGHT)

    def _row(self, p: QPainter, box: QRectF, call: Call) -> None:
        _rounded(p, box, style.PANEL, self.px(12))
        pad = self.px(20)
        inner = box.adjusted(pad, 0, -pad, 0)
        num_w = inner.width() * 0.4
        self.text(p, QRectF(inner.left(), inner.top(), num_w, inner.height()), call.number,
                  self.fitted(call.number, 76, num_w), style.ACCENT)
        self.text(p, QRectF(inner.left() + num_w, inner.top(), inner.width() * 0.1, inner.height()), "→",
                  self.face(56, bold=True), style.INK, CENTER)
        tag = texts.RECALL_TAG.text(self.lang) if call.recall else ""
        tag_f = self.face(style.MIN_TEXT)
        tag_w = self.width_of(tag, tag_f) + self.px(12) if tag else 0
        win = self._window_text(call)
        win_box = QRectF(inner.left() + inner.width() * 0.5, inner.top(), inner.width() * 0.5 - tag_w, inner.height())
        self.text(p, win_box, win, self.fitted(win, 64, win_box.width()), style.INK, RIGHT)
        if tag:
            self.text(p, QRectF(inner.right() - tag_w, inner.top(), tag_w, inner.height()), tag, tag_f,
                      style.MUTED, RIGHT)


# -- windows ------------------------------------------------------------------------------------------
ROW_H = 63  # a window's line at 1080p (design px): 10 fit a page

ROW_GAP = 5


def short_name(row: WindowRow, lang: Lang) -> str:
    """The window's name without its leading number ("3号 市场准入综合窗口" → "市场准入综合窗口")."""
    name = (row.name_en if lang == "en" else row.name_zh).strip()
    for prefix in (f"{row.number}号", f"Window {row.number}"):
        if name.startswith(prefix):
            name = name[len(prefix):].strip(" ·-")
    return name


def paginate(heights: list[float], room: float, gap: float) -> list[list[int]]:
    """Indexes of items per page: items in order, as many per page as fit ``room``, pages balanced
    (20 rows of which 8 fit a page → 7, 7, 6, not 8, 8, 4).

    >>> paginate([1.0] * 20, 8 * 1.1 - 0.1, 0.1)
    [[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13], [14, 15, 16, 17, 18, 19]]
    >>> paginate([], 5, 0)
    [[]]
    """
    def greedy(limit: float) -> list[list[int]]:
        pages: list[list[int]] = [[]]
        used = 0.0
        for i, h in enumerate(heights):
            need = h if not pages[-1] else used + gap + h
            if pages[-1] and need > limit + 1e-6:
                pages.append([i])
                used = h
            else:
                pages[-1].append(i)
                used = need
        return pages

    pages = greedy(room)
    if len(pages) <= 1:
        return pages
    # the smallest page size that still needs no more pages: pages of about equal length
    lo, hi = max(heights), room
    for _ in range(30):
        mid = (lo + hi) / 2
        if len(greedy(mid)) <= len(pages):
            hi = mid
        else:
            lo = mid
    return greedy(hi)


class WindowGrid(Paged):
    """One line per window (under the heading 窗口信息): ``3号`` on its state's colour, the current ticket,
    the state (a pause's reason, a tide window's service), the clerk's photo, public name and staff number
    (004 第十四条) or a pause's return time. As many lines as fit at the board's text size make a page
    (ten at 1080p); more windows → more pages, turned by the window's page timer.

    No photo: nothing is drawn there (no placeholder face). ``photos`` holds where each window's photo
    was painted last time (for the tests).
    """

    def __init__(self, model: WindowsModel, *, lang: Lang, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lang: Lang = lang
        self.empty_text = ""  # shown when no window matches (a filter that matches nothing)
        self.photos: dict[int, QRectF] = {}  # window number → where its clerk's photo was painted
        self.page_rows: list[list[int]] = [[]]  # model rows of each page, from the last paint
        _watch(model, self.update)

    def _rows(self) -> list[tuple[WindowRow, Any]]:
        return [(self.model.index(i, 0).data(ItemRole), self.model.index(i, 0).data(LookRole))
                for i in range(self.model.rowCount())]

    def page_of(self, window: int) -> int:
        """The page that lists ``window`` (lays the pages out for the present size first)."""
        rows = self._rows()
        self._layout(rows, self._area(QRectF(self.rect())))
        for k, page in enumerate(self.page_rows):
            if any(rows[i][0].number == window for i in page):
                return k
        raise KeyError(window)

    def _area(self, r: QRectF) -> QRectF:
        r = r.adjusted(self.px(12), self.px(8), -self.px(28), -self.px(12))
        return QRectF(r.left(), r.top() + self.px(80), r.width(), r.height() - self.px(80))

    def _layout(self, rows: list[tuple[WindowRow, Any]], area: QRectF) -> None:
        heights = [self.px(ROW_H)] * len(rows)
        self.page_rows = paginate(heights, area.height(), self.px(ROW_GAP))
        self._set_pages(len(self.page_rows))

    def paint(self, p: QPainter, r: QRectF) -> None:
        rows = self._rows()
        area = self._area(r)
        self._layout(rows, area)
        head = QRectF(area.left(), area.top() - self.px(80), area.width(), self.px(72))
        self.heading(p, head, texts.WINDOWS, self.lang, page_marker(self.page, self.pages, self.lang))
        self.photos = {}
        if not rows:
            self.text(p, area, self.empty_text, self.face(style.MIN_TEXT), style.MUTED, CENTER)
            return
        shown = [rows[i] for i in self.page_rows[self.page]]
        f_no = self.face(52, bold=True)
        no_w = max(self.width_of(texts.WINDOW_TAG.format(n=row.number).text(self.lang), f_no) for row, _ in rows)
        f_clerk = self.face(style.MIN_TEXT)
        clerk_w = max([self.width_of(self._parts(row)[1], f_clerk) for row, _ in rows] + [0.0])
        y = area.top()
        for row, look in shown:
            h = self.px(ROW_H)
            self._line(p, QRectF(area.left(), y, area.width(), h), row, look, no_w, min(clerk_w, area.width() * 0.36))
            y += h + self.px(ROW_GAP)

    def _line(self, p: QPainter, box: QRectF, row: WindowRow, look: Look, no_w: float, clerk_w: float) -> None:
        m = self.model
        tone = style.TONES[look]
        radius = self.px(12)
        pad = self.px(18)
        _rounded(p, box, style.PANEL, radius)
        first = QRectF(box.left(), box.top(), box.width(), self.px(ROW_H))
        tag = QRectF(box.left(), box.top(), no_w + 2 * pad, box.height())
        _rounded(p, tag, tone.band, radius)
        self.text(p, QRectF(tag.left() + pad, first.top(), no_w + pad, first.height()),
                  texts.WINDOW_TAG.format(n=row.number).text(self.lang), self.face(52, bold=True), tone.ink)
        ticket = QRectF(tag.right() + pad, first.top(), self.px(170), first.height())
        current = m.text(row, m.Col.CURRENT)
        if current:
            self.text(p, ticket, current, self.fitted(current, 64, ticket.width()),
                      style.ACCENT if row.calling else style.INK, CENTER)
        else:
            self.text(p, ticket, "—", self.face(52, bold=True), style.MUTED, CENTER)
        right = box.right() - pad
        state, clerk = self._parts(row)
        if clerk:
            self.text(p, QRectF(right - clerk_w, first.top(), clerk_w, first.height()), clerk,
                      self.face(style.MIN_TEXT), style.MUTED, RIGHT)
        photo_w = self.px(46)
        photo = m.photo(row) if clerk == m.clerk_text(row) else None
        if photo is not None:
            self._photo(p, QRectF(right - clerk_w - pad - photo_w, first.top() + self.px(3), photo_w,
                                  first.height() - self.px(6)), photo, row.number)
        state_left = ticket.right() + pad
        state_w = right - clerk_w - 2 * pad - photo_w - state_left
        self.text(p, QRectF(state_left, first.top(), state_w, first.height()), state,
                  self.face(style.MIN_TEXT, bold=True), style.INK)

    def _parts(self, row: WindowRow) -> tuple[str, str]:
        """The state and what goes on the right of a window's line. The right is the clerk, or while
        paused with a return time that time (004 第十三条); a tide window (000 第十八条) says its tide
        service as its state unless it is calling someone (its colour still tells serving from idle)."""
        lines = self.model.state_lines(row)
        tide = ""
        if row.tide_service:
            lines.pop()
            tide = texts.TIDE_SHORT.format(service=self.model.services.get(row.tide_service, self.lang)).text(self.lang)
        right = lines[1] if len(lines) > 1 else self.model.clerk_text(row)
        return (tide if tide and not row.calling else lines[0]), right

    def _photo(self, p: QPainter, box: QRectF, photo: QImage, window: int) -> None:
        """Draw ``photo`` at its aspect ratio, centred in ``box``, rounded."""
        if photo.width() <= 0 or photo.height() <= 0 or box.width() <= 0 or box.height() <= 0:
            return
        scale = min(box.width() / photo.width(), box.height() / photo.height())
        w, h = photo.width() * scale, photo.height() * scale
        target = QRectF(box.right() - w, box.top() + (box.height() - h) / 2, w, h)
        path = QPainterPath()
        path.addRoundedRect(target, target.width() * 0.08, target.width() * 0.08)
        p.save()
        p.setClipPath(path)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, photo)
        p.restore()
        self.photos[window] = target


# -- waiting ------------------------------------------------------------------------------------------
class WaitingStrip(Paged):
    """Waiting visitors per service: "综合受理 12人" chips in one line; more than fit are paged."""

    def __init__(self, model: WaitingModel, *, lang: Lang, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lang: Lang = lang
        _watch(model, self.update)

    def _chips(self) -> list[tuple[str, str]]:
        out = []
        for i in range(self.model.rowCount()):
            c: ServiceWaiting = self.model.index(i, 0).data(ItemRole)
            name = c.name_en if self.lang == "en" else c.name_zh
            out.append((name, texts.PEOPLE.format(n=c.total).text(self.lang)))
        return out

    def _width(self, chip: tuple[str, str]) -> float:
        name_w = self.width_of(chip[0], self.face(style.MIN_TEXT))
        count_w = self.width_of(chip[1], self.face(54, bold=True))
        return name_w + count_w + self.px(14 + 24 * 2 + 18)

    def paint(self, p: QPainter, r: QRectF) -> None:
        r = r.adjusted(self.px(28), self.px(6), -self.px(28), -self.px(6))
        title = texts.WAITING.text(self.lang)
        f_title = self.face(52, bold=True)
        label_w = self.width_of(title, f_title) + self.px(32)
        self.text(p, QRectF(r.left(), r.top(), label_w, r.height()), title, f_title, style.ACCENT)
        chips = self._chips()
        marker_f = self.face(style.MIN_TEXT)
        marker_w = self.width_of(texts.PAGE.format(page=9, pages=9).text(self.lang), marker_f) + self.px(16)
        area = QRectF(r.left() + label_w, r.top(), r.width() - label_w - marker_w, r.height())
        pages = paginate([self._width(c) for c in chips], area.width(), 0) if chips else [[]]
        self._set_pages(len(pages))
        marker = page_marker(self.page, self.pages, self.lang)
        if marker:
            self.text(p, QRectF(r.right() - marker_w, r.top(), marker_w, r.height()), marker, marker_f,
                      style.INK, RIGHT)
        x = area.left()
        for i in pages[self.page]:
            x += self._chip(p, x, area.top(), area.height(), *chips[i])

    def _chip(self, p: QPainter, x: float, y: float, h: float, name: str, count: str) -> float:
        f_name, f_count = self.face(style.MIN_TEXT), self.face(54, bold=True)
        name_w, count_w = self.width_of(name, f_name), self.width_of(count, f_count)
        total = self._width((name, count))
        box = QRectF(x, y + h * 0.06, total - self.px(18), h * 0.88)
        _rounded(p, box, style.PANEL, box.height() * 0.2)
        self.text(p, QRectF(box.left() + self.px(24), box.top(), name_w + 1, box.height()), name, f_name, style.INK)
        self.text(p, QRectF(box.left() + self.px(24 + 14) + name_w, box.top(), count_w + 1, box.height()), count,
                  f_count, style.ACCENT)
        return total


# -- notices ------------------------------------------------------------------------------------------
class NoticeTicker(Painted):
    """The scrolling notice line: hall notices and tide-window openings, right to left, looping."""

    SEPARATOR = "　　◆　　"

    def __init__(self, *, timings: Timings, lang: Lang, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang
        self.timings = timings
        self.notices: list[str] = []
        self.offset = 0.0
        self._timer = QTimer(self, interval=timings.ticker_ms)
        self._timer.timeout.connect(self._step)

    @property
    def line(self) -> str:
        return self.SEPARATOR.join(self.notices)

    def set_notices(self, notices: list[str]) -> None:
        if notices != self.notices:
            self.notices = list(notices)
            self.offset = 0.0
        if self.notices and not self._timer.isActive():
            self._timer.start()
        elif not self.notices:
            self._timer.stop()
        self.update()

    def stop(self) -> None:
        self._timer.stop()

    def _step(self) -> None:
        self.offset += self.px(self.timings.ticker_step)
        self.update()

    def paint(self, p: QPainter, r: QRectF) -> None:
        if not self.notices:
            return
        label = texts.NOTICES.text(self.lang)
        f_label = self.face(style.MIN_TEXT, bold=True)
        label_w = self.width_of(label, f_label) + self.px(40)
        tag = QRectF(r.left() + self.px(28), r.top() + r.height() * 0.08, label_w, r.height() * 0.84)
        _rounded(p, tag, style.ACCENT, self.px(10))
        self.text(p, tag, label, f_label, style.BG, CENTER)
        lane = QRectF(tag.right() + self.px(24), r.top(), r.right() - tag.right() - self.px(52), r.height())
        f = self.face(54)
        line = self.line
        width = self.width_of(line, f)
        p.save()
        p.setClipRect(lane)
        p.setFont(f)
        p.setPen(style.colour(style.INK))
        if width <= lane.width():
            p.drawText(lane, LEFT, line)
        else:
            period = width + self.width_of(self.SEPARATOR, f)
            x = lane.left() - math.fmod(self.offset, period)
            for k in range(2):
                p.drawText(QRectF(x + k * period, lane.top(), width + 1, lane.height()), LEFT, line)
        p.restore()
        self.drawn.append(line)
        self.drawn_fonts.append(QFont(f))

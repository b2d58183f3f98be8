"""The board's painted parts: header with clock, latest calls, window grid, waiting counts, notice line.

Each is a view over :mod:`display.models` (it repaints on the model's signals) drawn with QPainter, so
the layout scales with the screen (:mod:`display.style`). Each keeps ``drawn``: the strings it painted
last time, exactly as they appear (elided where they did not fit) — what a visitor can read, and what
the tests read.
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
from .models import CallsModel, ItemRole, LookRole, WaitingModel, WindowsModel
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
        # the window's layout stretch factors alone decide the sizes
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_unit(self, unit: float) -> None:
        self.unit = unit
        self.update()

    def px(self, design: float) -> float:
        return design * self.unit

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.fillRect(self.rect(), style.colour(style.BG))
            self.drawn = []
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
        return metrics.horizontalAdvance(shown)

    @staticmethod
    def fitted(s: str, max_px: float, width: float, *, bold: bool = True, min_px: float = 6) -> QFont:
        """The largest font up to ``max_px`` in which ``s`` fits ``width`` (ticket numbers are never elided)."""
        f = style.font(max_px, bold=bold)
        needed = QFontMetricsF(f).horizontalAdvance(s) if s else 0
        if needed > width > 0:
            f = style.font(max(min_px, max_px * width / needed * 0.98), bold=bold)
        return f

    def heading(self, p: QPainter, rect: QRectF, title: T, lang: Lang) -> None:
        """Main language large, the other small beside it."""
        other: Lang = "en" if lang == "zh" else "zh"
        used = self.text(p, rect, title.text(lang), style.font(self.px(34), bold=True), style.ACCENT)
        rest = QRectF(rect.left() + used + self.px(16), rect.top(), rect.width() - used - self.px(16), rect.height())
        self.text(p, rest, title.text(other), style.font(self.px(22)), style.MUTED)


def _rounded(p: QPainter, rect: QRectF, fill: str, radius: float) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(fill))
    p.drawRoundedRect(rect, radius, radius)


# -- header -------------------------------------------------------------------------------------------
class Header(Painted):
    """Hall name, date and time; the "连接中断" alert in the middle while offline."""

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
        clock_w = self.px(430)
        clock = QRectF(inner.right() - clock_w, inner.top(), clock_w, inner.height())
        self.text(p, QRectF(clock.left(), clock.top() + inner.height() * 0.08, clock_w, inner.height() * 0.5),
                  now.strftime("%H:%M:%S"), style.font(self.px(52), bold=True), style.INK, RIGHT)
        day = texts.DATE.format(y=now.year, m=now.month, d=now.day).text(self.lang)
        weekday = texts.WEEKDAYS[now.weekday()].text(self.lang)
        self.text(p, QRectF(clock.left(), clock.top() + inner.height() * 0.56, clock_w, inner.height() * 0.36),
                  f"{day}  {weekday}", style.font(self.px(24)), style.MUTED, RIGHT)
        name_w = inner.width() - clock_w - self.px(24)
        other: Lang = "en" if self.lang == "zh" else "zh"
        self.text(p, QRectF(inner.left(), inner.top() + inner.height() * 0.08, name_w, inner.height() * 0.52),
                  self.hall_name.text(self.lang), style.font(self.px(48), bold=True), style.INK)
        self.text(p, QRectF(inner.left(), inner.top() + inner.height() * 0.6, name_w, inner.height() * 0.32),
                  self.hall_name.text(other), style.font(self.px(22)), style.MUTED)
        if self.alert:
            f = style.font(self.px(34), bold=True)
            w = min(QFontMetricsF(f).horizontalAdvance(self.alert) + self.px(64), inner.width() * 0.5)
            pill = QRectF(r.center().x() - w / 2, r.top() + r.height() * 0.18, w, r.height() * 0.64)
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
        m = self.px(28)
        r = r.adjusted(m, self.px(16), -self.px(12), -self.px(12))
        self.heading(p, QRectF(r.left(), r.top(), r.width(), self.px(56)), texts.LATEST_CALLS, self.lang)
        top = r.top() + self.px(68)
        hero = QRectF(r.left(), top, r.width(), min(self.px(300), r.height() * 0.42))
        calls = [self.model.data(self.model.index(i, 0), ItemRole) for i in range(self.model.rowCount())]
        self._hero(p, hero, calls[0] if calls else None)
        row_h = self.px(72)
        y = hero.bottom() + self.px(26)
        if len(calls) > 1:
            self.heading(p, QRectF(r.left(), y, r.width(), self.px(44)), texts.RECENT_CALLS, self.lang)
            y += self.px(52)
        for call in calls[1:]:
            if y + row_h > r.bottom():
                break
            self._row(p, QRectF(r.left(), y, r.width(), row_h - self.px(8)), call)
            y += row_h

    def _window_text(self, call: Call) -> str:
        return texts.CALL_ARROW.format(window=call.window).text(self.lang)

    def _hero(self, p: QPainter, box: QRectF, call: Call | None) -> None:
        lit = call is not None and self.flash_on
        _rounded(p, box, style.ACCENT if lit else style.PANEL, self.px(18))
        if call is None:
            self.text(p, box, texts.NO_CALLS.text(self.lang), style.font(self.px(40)), style.MUTED, CENTER)
            return
        number_ink = style.BG if lit else style.ACCENT
        ink = style.BG if lit else style.INK
        pad = self.px(28)
        inner = box.adjusted(pad, pad * 0.6, -pad, -pad * 0.6)
        main_h = inner.height() * 0.74
        num_w = inner.width() * 0.5
        self.text(p, QRectF(inner.left(), inner.top(), num_w, main_h), call.number,
                  self.fitted(call.number, self.px(150), num_w), number_ink)
        arrow_w = inner.width() * 0.12
        self.text(p, QRectF(inner.left() + num_w, inner.top(), arrow_w, main_h), "→",
                  style.font(self.px(72), bold=True), ink, CENTER)
        win = self._window_text(call)
        win_w = inner.width() - num_w - arrow_w
        self.text(p, QRectF(inner.right() - win_w, inner.top(), win_w, main_h), win,
                  self.fitted(win, self.px(84), win_w), ink, RIGHT)
        service = self.model.services.get(call.service, self.lang)
        sub = " · ".join(s for s in (service, texts.RECALL_TAG.text(self.lang) if call.recall else "") if s)
        self.text(p, QRectF(inner.left(), inner.top() + main_h, inner.width(), inner.height() - main_h),
                  sub, style.font(self.px(28)), style.BG if lit else style.MUTED, CENTER)

    def _row(self, p: QPainter, box: QRectF, call: Call) -> None:
        _rounded(p, box, style.PANEL, self.px(12))
        pad = self.px(20)
        inner = box.adjusted(pad, 0, -pad, 0)
        num_w = inner.width() * 0.42
        self.text(p, QRectF(inner.left(), inner.top(), num_w, inner.height()), call.number,
                  self.fitted(call.number, self.px(48), num_w), style.ACCENT)
        self.text(p, QRectF(inner.left() + num_w, inner.top(), inner.width() * 0.1, inner.height()), "→",
                  style.font(self.px(36), bold=True), style.INK, CENTER)
        tag = texts.RECALL_TAG.text(self.lang) if call.recall else ""
        tag_w = self.px(90) if tag else 0
        win_box = QRectF(inner.left() + inner.width() * 0.52, inner.top(), inner.width() * 0.48 - tag_w, inner.height())
        self.text(p, win_box, self._window_text(call), style.font(self.px(40), bold=True), style.INK, RIGHT)
        if tag:
            self.text(p, QRectF(inner.right() - tag_w, inner.top(), tag_w, inner.height()), tag,
                      style.font(self.px(24)), style.MUTED, RIGHT)


# -- windows ------------------------------------------------------------------------------------------
def grid_shape(n: int, width: float, height: float, aspect: float = 1.35) -> tuple[int, int]:
    """Columns and rows for ``n`` cards of about ``aspect`` (width / height) filling the area best.

    >>> grid_shape(20, 1150, 800)
    (5, 4)
    >>> grid_shape(8, 1150, 800)
    (3, 3)
    """
    best, shape = -1.0, (1, max(1, n))
    for cols in range(1, max(1, n) + 1):
        rows = math.ceil(n / cols)
        w, h = width / cols, height / rows
        size = min(w, h * aspect)  # the card's usable width at the wanted aspect
        if size > best + 1e-9:
            best, shape = size, (cols, rows)
    return shape


def short_name(row: WindowRow, lang: Lang) -> str:
    """The window's name without its leading number ("3号 市场准入综合窗口" → "市场准入综合窗口")."""
    name = (row.name_en if lang == "en" else row.name_zh).strip()
    for prefix in (f"{row.number}号", f"Window {row.number}"):
        if name.startswith(prefix):
            name = name[len(prefix):].strip(" ·-")
    return name


class WindowGrid(Painted):
    """One card per window: number and name, current ticket, state (paused: why and until when;
    tide service), and the clerk's public name, staff number and photo (004 第十四条).

    The photo is a thumbnail on the card's left, below the band, at its own aspect ratio; the text
    moves right of it. No photo: nothing is drawn there (no placeholder face) and the text keeps the
    whole width. ``photos`` holds where each window's photo was painted last time (for the tests).
    """

    def __init__(self, model: WindowsModel, *, lang: Lang, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lang: Lang = lang
        self.empty_text = ""  # shown when no window matches (a filter that matches nothing)
        self.photos: dict[int, QRectF] = {}  # window number → where its clerk's photo was painted
        _watch(model, self.update)

    def paint(self, p: QPainter, r: QRectF) -> None:
        r = r.adjusted(self.px(12), self.px(16), -self.px(28), -self.px(12))
        self.heading(p, QRectF(r.left(), r.top(), r.width(), self.px(56)), texts.WINDOWS, self.lang)
        area = QRectF(r.left(), r.top() + self.px(68), r.width(), r.height() - self.px(68))
        n = self.model.rowCount()
        self.photos = {}
        if n == 0:
            self.text(p, area, self.empty_text, style.font(self.px(32)), style.MUTED, CENTER)
            return
        gap = self.px(14)
        cols, rows = grid_shape(n, area.width(), area.height())
        w = (area.width() - gap * (cols - 1)) / cols
        h = min((area.height() - gap * (rows - 1)) / rows, w / 0.9)
        for i in range(n):
            index = self.model.index(i, 0)
            card = QRectF(area.left() + (i % cols) * (w + gap), area.top() + (i // cols) * (h + gap), w, h)
            self._card(p, card, index.data(ItemRole), index.data(LookRole))

    def _card(self, p: QPainter, card: QRectF, row: WindowRow, look: Any) -> None:
        m = self.model
        tone = style.TONES[look]
        h = card.height()
        radius = h * 0.07
        _rounded(p, card, style.PANEL, radius)
        pad = max(4.0, h * 0.06)
        band = QRectF(card.left(), card.top(), card.width(), h * 0.22)
        p.save()
        p.setClipRect(band)
        _rounded(p, card, tone.band, radius)
        p.restore()
        number = texts.WINDOW_NO.format(n=row.number).text(self.lang)
        used = self.text(p, band.adjusted(pad, 0, -pad, 0), number, style.font(h * 0.125, bold=True), tone.ink)
        self.text(p, band.adjusted(pad + used + pad * 0.7, 0, -pad, 0), short_name(row, self.lang),
                  style.font(h * 0.09), tone.ink)
        left = card.left() + pad  # where the text below the band starts: right of the photo, if any
        photo = m.photo(row)
        if photo is not None:
            left = self._photo(p, QRectF(left, band.bottom() + pad * 0.8, card.width() * 0.3,
                                         card.bottom() - band.bottom() - pad * 1.6), photo, row.number) + pad * 0.6
        width = card.right() - pad - left
        body = QRectF(left, band.bottom() + h * 0.01, width, h * 0.33)
        current = m.text(row, m.Col.CURRENT)
        if current:
            self.text(p, body, current, self.fitted(current, h * 0.27, body.width()),
                      style.ACCENT if row.calling else style.INK, CENTER)
        else:
            self.text(p, body, "—", style.font(h * 0.2, bold=True), style.MUTED, CENTER)
        lines = m.state_lines(row)
        y = body.bottom()
        line_h = h * 0.12
        for k, line in enumerate(lines[:2]):
            self.text(p, QRectF(left, y, width, line_h), line,
                      style.font(h * (0.1 if k == 0 else 0.085), bold=k == 0), style.INK if k == 0 else style.MUTED,
                      CENTER)
            y += line_h
        clerk = m.clerk_text(row)
        if clerk:
            self.text(p, QRectF(left, card.bottom() - pad * 0.4 - line_h, width, line_h), clerk,
                      style.font(h * 0.085), style.MUTED, CENTER)

    def _photo(self, p: QPainter, box: QRectF, photo: QImage, window: int) -> float:
        """Draw ``photo`` at its aspect ratio in the top left of ``box``, rounded; returns its right edge."""
        if photo.width() <= 0 or photo.height() <= 0 or box.width() <= 0 or box.height() <= 0:
            return box.left()
        scale = min(box.width() / photo.width(), box.height() / photo.height())
        target = QRectF(box.left(), box.top() + (box.height() - photo.height() * scale) / 2,
                        photo.width() * scale, photo.height() * scale)
        path = QPainterPath()
        path.addRoundedRect(target, target.width() * 0.08, target.width() * 0.08)
        p.save()
        p.setClipPath(path)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, photo)
        p.restore()
        self.photos[window] = target
        return target.right()


# -- waiting ------------------------------------------------------------------------------------------
class WaitingStrip(Painted):
    """Waiting visitors per service: "综合受理 12人" chips in one or two lines, shrunk to fit."""

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

    def paint(self, p: QPainter, r: QRectF) -> None:
        r = r.adjusted(self.px(28), self.px(6), -self.px(28), -self.px(6))
        label_w = self.px(250)
        title = QRectF(r.left(), r.top(), label_w, r.height())
        self.text(p, QRectF(title.left(), title.top(), label_w, r.height() * 0.6), texts.WAITING.text(self.lang),
                  style.font(self.px(34), bold=True), style.ACCENT)
        other: Lang = "en" if self.lang == "zh" else "zh"
        self.text(p, QRectF(title.left(), title.top() + r.height() * 0.55, label_w, r.height() * 0.4),
                  texts.WAITING.text(other), style.font(self.px(20)), style.MUTED)
        chips = self._chips()
        if not chips:
            return
        area = QRectF(r.left() + label_w, r.top(), r.width() - label_w, r.height())
        lines, px = self._layout(chips, area)
        line_h = area.height() / len(lines)
        for k, line in enumerate(lines):
            x = area.left()
            y = area.top() + k * line_h
            for name, count in line:
                x += self._chip(p, x, y, line_h, name, count, px)

    def _widths(self, chip: tuple[str, str], px: float) -> tuple[float, float, float]:
        name_w = QFontMetricsF(style.font(px)).horizontalAdvance(chip[0])
        count_w = QFontMetricsF(style.font(px * 1.2, bold=True)).horizontalAdvance(chip[1])
        gap = px * 0.5
        return name_w, count_w, name_w + gap + count_w + px * 1.6

    def _layout(self, chips: list[tuple[str, str]], area: QRectF) -> tuple[list[list[tuple[str, str]]], float]:
        base = self.px(30)
        one = sum(self._widths(c, base)[2] for c in chips)
        scale_one = min(1.0, area.width() / one) if one else 1.0
        if scale_one >= 0.8 or len(chips) < 2:
            return [chips], base * scale_one
        half = one / 2
        first, acc = [], 0.0
        for c in chips:
            if acc >= half:
                break
            first.append(c)
            acc += self._widths(c, base)[2]
        lines = [first, chips[len(first):]]
        widest = max(sum(self._widths(c, base)[2] for c in line) for line in lines)
        scale_two = min(1.0, area.width() / widest, area.height() / 2 / (base * 1.6))
        if scale_two > scale_one:
            return lines, base * scale_two
        return [chips], base * scale_one

    def _chip(self, p: QPainter, x: float, y: float, h: float, name: str, count: str, px: float) -> float:
        name_w, count_w, total = self._widths((name, count), px)
        box = QRectF(x, y + h * 0.1, total - px * 0.6, h * 0.8)
        _rounded(p, box, style.PANEL, box.height() * 0.25)
        self.text(p, QRectF(box.left() + px * 0.5, box.top(), name_w + 1, box.height()), name, style.font(px),
                  style.INK)
        self.text(p, QRectF(box.left() + px * 1.0 + name_w, box.top(), count_w + 1, box.height()), count,
                  style.font(px * 1.2, bold=True), style.ACCENT)
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
        f_label = style.font(self.px(30), bold=True)
        label_w = QFontMetricsF(f_label).horizontalAdvance(label) + self.px(48)
        tag = QRectF(r.left() + self.px(28), r.top() + r.height() * 0.14, label_w, r.height() * 0.72)
        _rounded(p, tag, style.ACCENT, self.px(10))
        self.text(p, tag, label, f_label, style.BG, CENTER)
        lane = QRectF(tag.right() + self.px(24), r.top(), r.right() - tag.right() - self.px(52), r.height())
        f = style.font(self.px(34))
        line = self.line
        width = QFontMetricsF(f).horizontalAdvance(line)
        p.save()
        p.setClipRect(lane)
        p.setFont(f)
        p.setPen(style.colour(style.INK))
        if width <= lane.width():
            p.drawText(lane, LEFT, line)
        else:
            period = width + QFontMetricsF(f).horizontalAdvance(self.SEPARATOR)
            x = lane.left() - math.fmod(self.offset, period)
            for k in range(2):
                p.drawText(QRectF(x + k * period, lane.top(), width + 1, lane.height()), LEFT, line)
        p.restore()
        self.drawn.append(line)

"""The board is read across a hall: every text's rendered glyphs are at least 32 px tall at 1080p (≈ 20 mm
on a 55-inch TV: readable from ~8 m by the signage rule of 25 mm per 10 m), the latest call far larger,
and 20 or 40 windows are all shown, page by page, at that size. Glyph heights are measured on pixels: each
text the board painted is rendered again in the font it was painted with, and its inked rows counted."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter

from display import style
from display.window import BoardWindow
from tests.display.test_display_models import AT, called, fed, snapshot, window  # noqa: F401 (fixture)

NAMES = ["王小明", "李芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"]


def hall_of(n: int) -> dict:
    """A snapshot of ``n`` windows in every state: calling, serving, idle, paused (with a return time), closed."""
    snap = snapshot()
    rows = []
    for i in range(1, n + 1):
        if i % 7 == 3:
            rows.append(window(i, status="paused", pause_reason="到后台取件", pause_until=AT, clerk=str(1000 + i)))
        elif i % 9 == 4:
            rows.append(window(i, status="closed", clerk=None))
        elif i % 6 == 5:
            rows.append(window(i, clerk=str(1000 + i)))
        else:
            state = "called" if i % 5 == 0 else "serving"
            rows.append(window(i, current={"id": f"t-A{i:03d}", "number": f"A{i:03d}", "service": "MA01",
                                           "state": state}, clerk=str(1000 + i)))
    for k, row in enumerate(rows):
        if row["clerk"]:
            row["clerk"]["name"] = NAMES[k % len(NAMES)]
    snap["windows"] = rows
    return snap


def glyph_height(text: str, font: QFont) -> int:
    """Rows of pixels with ink when ``text`` is rendered in ``font`` (what a visitor's eye gets)."""
    metrics = QFontMetricsF(font)
    image = QImage(int(metrics.horizontalAdvance(text)) + 20, int(metrics.height() * 2) + 20,
                   QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.black)
    p = QPainter(image)
    p.setFont(font)
    p.setPen(Qt.GlobalColor.white)
    p.drawText(QPointF(10, 10 + metrics.ascent() * 1.5), text)
    p.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    inked = np.flatnonzero((rows > 127).any(axis=1))
    return int(inked[-1] - inked[0] + 1) if inked.size else 0


def readable(text: str) -> bool:
    """Texts made of letters, digits or ideographs (not the "—" of an empty window or the "→")."""
    return any(ch.isalnum() for ch in text)


def board_of(make, link, qtbot, n: int, lang: str) -> BoardWindow:
    board = make(lang=lang, notices=["本中心实行“午间不打烊”服务，12:00–13:30 照常办理"])
    view = BoardWindow(board, lang=lang)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    link.snapshot.emit(hall_of(n))
    for k, win in enumerate((1, 2, 5, 6)):
        link.event.emit(called(11 + k, f"B{k + 1:03d}", win))
    return view


@pytest.mark.parametrize(("n", "lang"), [(20, "zh"), (40, "zh"), (40, "en")])
def test_every_text_is_readable_across_the_hall_and_every_window_is_shown(qtbot, fed, n, lang) -> None:  # noqa: F811
    make, link = fed
    view = board_of(make, link, qtbot, n, lang)
    items = view.drawn_items()  # every page of the window list and the waiting counts
    heights: dict[str, int] = {}
    for text, font in items:
        if readable(text):
            key = f"{text} @{font.pixelSize()}px"
            if key not in heights:
                heights[key] = glyph_height(text, font)
    small = {k: h for k, h in heights.items() if h < style.MIN_GLYPH_PX}
    assert small == {}, small
    assert len(heights) > 30  # the measurement saw the board, not an empty screen
    # the latest call is far larger than the rest: its number at least three times the minimum
    latest = view.board.calls.latest()
    hero = max(h for k, h in heights.items() if k.startswith(f"{latest.number} @"))
    assert hero >= 3 * style.MIN_GLYPH_PX
    # every window is on some page, with its current ticket and clerk; pages turn by themselves
    drawn = [text for text, _ in items]
    tag = "{n}号" if lang == "zh" else "{n}"
    assert all(tag.format(n=i) in drawn for i in range(1, n + 1))
    assert ("A039" if n == 40 else "A020") in drawn
    grid = view.grid
    assert grid.pages == n // 10  # ten windows a page at 1080p
    assert [len(rows) for rows in grid.page_rows] == [10] * (n // 10)
    first = grid.page
    view.next_page()
    assert grid.page == (first + 1) % grid.pages
    view.stop()


def test_the_board_scales_glyphs_with_the_screen(qtbot, fed) -> None:  # noqa: F811
    """A 4K TV shows the same board: glyphs twice as tall, the same pages."""
    make, link = fed
    view = board_of(make, link, qtbot, 40, "zh")
    view.drawn_items()
    pages = view.grid.pages
    view.resize(3840, 2160)
    smallest = min(glyph_height(t, f) for t, f in view.drawn_items() if readable(t))
    assert smallest >= 2 * style.MIN_GLYPH_PX - 2 and view.grid.pages == pages
    view.stop()

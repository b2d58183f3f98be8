"""Everything on the kiosk can be reached and read, at every size and in every mode (issue 16).

The shipped county hall (config/hall.toml: twelve categories, a 13-service 无差别 list) at 1366 × 768
(a common kiosk panel), 1920 × 1080 and 1080 × 1920, in Chinese, English and elder mode. A visitor
pages with the large 上一页 / 下一页 buttons: the test presses them, like a finger, and on every page
walks the widget tree: which tiles are wholly on the screen, whether any text is clipped, and in elder
mode the MIIT 2021 适老化 numbers (main-function text ≥ 30 pt, touch targets ≥ 60 px, contrast
≥ 4.5:1). Every category, and every service of every category, must be on some page. No scrollbar is
shown, and a swipe turns the page as the buttons do. The halls listing is what the server sends
(``server.api.views.hall_listing``), so no server process is needed.
"""

from __future__ import annotations

import pytest
from kiosk_helpers import elder_problems, rendering_problems, tap
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScroller

import config
from client.models import HallInfo
from drivers.terminal import Devices
from kiosk.app import Kiosk
from kiosk.catalog import Catalog
from kiosk.paging import PAGER_MIN_PX
from server.api.views import hall_listing
from tests.support.rendering import LAYOUT_ROUNDS

SIZES = [(1366, 768), (1920, 1080), (1080, 1920)]


@pytest.fixture(scope="module")
def county() -> Catalog:
    cfg = config.load(config.default_config_path()).hall("county")
    return Catalog.from_hall(HallInfo.of(hall_listing(cfg)))


@pytest.fixture
def kiosk(qtbot, county, request):
    size, mode = request.param
    k = Kiosk.create("http://127.0.0.1:9", "unused", Devices(), hall="county")  # never started
    w = k.window
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    w.on_catalog(county)
    w.on_server_state(True)
    w.set_lang("en" if mode == "en" else "zh")
    if mode == "elder":
        tap(qtbot, w.home.elder_button)
        assert w.elder
    yield k
    k.close()


def on_screen(tile, window) -> bool:
    """The whole tile is inside the window and inside the part of its list that is shown."""
    area = tile.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    view = area.viewport()
    in_view = QRect(view.mapTo(window, view.rect().topLeft()), view.size())
    rect = QRect(tile.mapTo(window, tile.rect().topLeft()), tile.size())
    return tile.isVisible() and window.rect().contains(rect) and in_view.contains(rect)


def walk_pages(qtbot, grid, window, checks) -> tuple[set[str], list[str]]:
    """Press 下一页 through every page of ``grid``; the ids of the tiles seen whole, and the problems."""
    seen: set[str] = set()
    problems: list[str] = []
    for _ in range(LAYOUT_ROUNDS):
        QApplication.processEvents()
    while grid.page > 0:
        tap(qtbot, grid.pager.previous)
    for page in range(grid.page_count):
        assert grid.page == page
        for _ in range(LAYOUT_ROUNDS):  # the layout settles as it would before the next frame
            QApplication.processEvents()
        shown = [t for t in grid.tiles if on_screen(t, window)]
        assert shown, f"page {page + 1} shows no tile"
        seen |= {t.property("item_id") for t in shown}
        for check in checks:
            problems += [f"page {page + 1}: {p}" for p in check(window)]
        if grid.page_count > 1:
            pager = grid.pager
            assert pager.isVisible() and pager.where.text() in (f"第 {page + 1}/{grid.page_count} 页",
                                                                f"Page {page + 1} of {grid.page_count}")
            for b in (pager.previous, pager.next):
                assert b.height() >= PAGER_MIN_PX and b.width() >= PAGER_MIN_PX, b.text()
            assert pager.next.isEnabled() == (page < grid.page_count - 1)
        if page < grid.page_count - 1:
            tap(qtbot, grid.pager.next)
    return seen, problems


def settle() -> None:
    for _ in range(LAYOUT_ROUNDS):  # the layout settles as it would before the next frame
        QApplication.processEvents()


CASES = [(size, mode) for size in SIZES for mode in ("zh", "en", "elder")]


@pytest.mark.parametrize("kiosk", CASES, ids=[f"{w}x{h}-{m}" for (w, h), m in CASES], indirect=True)
def test_every_category_and_service_is_reachable_and_readable(qtbot, kiosk, county):
    w = kiosk.window
    size = (w.width(), w.height())
    checks = [rendering_problems] + ([elder_problems] if w.elder else [])
    for area in w.findChildren(QAbstractScrollArea):  # paging, not a thin scrollbar
        assert not area.horizontalScrollBar().isVisible() and not area.verticalScrollBar().isVisible()

    seen, problems = walk_pages(qtbot, w.home.grid, w, checks)
    assert problems == []
    assert seen == {c.id for c in county.categories}
    for category in county.categories:
        if category.single is not None:
            continue  # a one-service category issues on its first tap: nothing more to reach
        w.home.grid.go_to(w.home.grid.page_of(w.home.grid.tile_for(category.id)))
        tile = w.home.grid.tile_for(category.id)
        assert on_screen(tile, w)
        tap(qtbot, tile)
        assert w.current is w.services, category.id
        seen, problems = walk_pages(qtbot, w.services.grid, w, checks)
        assert problems == [], category.id
        assert seen == {s.code for s in category.services}, category.id
        assert (w.width(), w.height()) == size, category.id  # nothing pushed the window off the panel
        tap(qtbot, w.services.back_button)
    assert (w.width(), w.height()) == size


@pytest.mark.parametrize("kiosk", [((1366, 768), "elder")], ids=["1366x768-elder"], indirect=True)
def test_a_swipe_turns_the_page_like_the_buttons(qtbot, kiosk):
    """A finger dragged sideways across the tiles moves the strip (QScroller) and it settles on a whole
    page; the tile it started on is not chosen. A short drag springs back; a tap still chooses."""
    w = kiosk.window
    grid = w.home.grid
    chosen: list[str] = []
    w.home.category_chosen.connect(chosen.append)
    settle()
    assert grid.page_count >= 2 and grid.page == 0
    width = grid.area.viewport().width()

    def drag(dx: float) -> None:
        settle()
        tile = next(t for t in grid.tiles if on_screen(t, w))
        start = tile.rect().center()
        QTest.mousePress(tile, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for i in range(1, 9):
            QTest.mouseMove(tile, start + QPoint(round(dx * i / 8), 0), 16)
        QTest.mouseRelease(tile, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           start + QPoint(round(dx), 0), 16)
        qtbot.waitUntil(lambda: grid.scroller.state() == QScroller.State.Inactive)

    drag(-0.7 * width)  # right to left: the next page
    qtbot.waitUntil(lambda: grid.page == 1)
    assert grid.area.horizontalScrollBar().value() == width  # on a page boundary, not between two
    assert grid.pager.where.text() == f"第 2/{grid.page_count} 页"
    assert any(on_screen(t, w) for t in grid.tiles if grid.page_of(t) == 1)
    drag(0.7 * width)  # and back
    qtbot.waitUntil(lambda: grid.page == 0)
    drag(-0.1 * width)  # a short drag springs back
    assert grid.page == 0 and grid.area.horizontalScrollBar().value() == 0
    assert chosen == []  # dragging is not choosing
    grid.swipe(-0.7 * width)  # the same through QScroller's input with explicit timestamps
    qtbot.waitUntil(lambda: grid.scroller.state() == QScroller.State.Inactive and grid.page == 1)
    settle()
    tile = next(t for t in grid.tiles if on_screen(t, w))
    tap(qtbot, tile)
    assert chosen == [tile.property("item_id")]

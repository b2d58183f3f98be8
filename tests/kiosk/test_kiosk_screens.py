"""Every screen renders as written: Chinese glyphs present (no boxes), no clipped text, in Chinese,
English and elder mode, landscape and portrait. The same walk writes the screenshots of docs/kiosk.md:

    HALLQ_KIOSK_SCREENSHOTS=docs/img QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/kiosk/test_kiosk_screens.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kiosk_helpers import elder_problems, rendering_problems, tap, tour

from client.appkit import save_screenshot

SHOTS = os.environ.get("HALLQ_KIOSK_SCREENSHOTS")


def shoot(widget, path: Path) -> None:
    """Paint the window; with HALLQ_KIOSK_SCREENSHOTS, save it reduced to 64 colours (flat UI: a third
    of the bytes, same look)."""
    if not SHOTS:
        assert not widget.grab().isNull()
        return
    save_screenshot(widget, path)
    if SHOTS:
        from PIL import Image

        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)


SIZES = {"": (1920, 1080), "-1366x768": (1366, 768), "-portrait": (1080, 1920)}


@pytest.mark.parametrize("suffix", list(SIZES), ids=["1920x1080", "1366x768", "1080x1920"])
@pytest.mark.parametrize("variant", ["zh", "en", "elder"])
def test_every_screen_renders_without_boxes_or_clipping(qtbot, server, make_kiosk, devices, tmp_path, variant,
                                                        suffix):
    """Every screen, at the three panel sizes (issue 16), in Chinese, English and elder mode: the text
    reads as written, the window stays the size of the panel, elder mode meets its numbers."""
    size = SIZES[suffix]
    kiosk = make_kiosk(server, size=size)
    w = kiosk.window
    if variant == "en":
        tap(qtbot, w.home.language)
    if variant == "elder":
        tap(qtbot, w.home.elder_button)
    out = Path(SHOTS) if SHOTS else tmp_path
    shown = []
    for screen in tour(qtbot, kiosk, devices, server):
        qtbot.waitExposed(w)
        assert rendering_problems(w) == [], (variant, screen)
        assert (w.width(), w.height()) == size, (variant, screen)  # it fits: nothing pushed off screen
        if variant == "elder" and screen.startswith("maintenance"):
            assert not w.elder  # maintenance staff get the normal type
            continue  # the Chinese and English walks have these screens
        if variant == "elder":
            assert elder_problems(w) == [], screen
        shoot(w, out / f"kiosk-{screen}-{variant}{suffix}.png")
        shown.append(screen)
    assert len(shown) == len(set(shown)) >= (14 if variant == "elder" else 17)  # the test clock: ticket-booking too


@pytest.mark.parametrize("variant", ["zh", "elder"])
def test_portrait_home_and_services(qtbot, server, make_kiosk, devices, tmp_path, variant):
    kiosk = make_kiosk(server, size=(1080, 1920))
    w = kiosk.window
    assert w.portrait
    if variant == "elder":
        tap(qtbot, w.home.elder_button)
    out = Path(SHOTS) if SHOTS else tmp_path
    assert w.home.grid._columns == 2
    assert rendering_problems(w) == [] and (w.width(), w.height()) == (1080, 1920)
    shoot(w, out / f"kiosk-portrait-home-{variant}.png")
    tap(qtbot, w.home.grid.tile_for("general"))
    assert rendering_problems(w) == [] and (w.width(), w.height()) == (1080, 1920)
    shoot(w, out / f"kiosk-portrait-search-{variant}.png")


def test_the_elder_check_catches_normal_mode(qtbot, server, make_kiosk):
    """The checker is not vacuous: the normal scale is below the elder numbers, and it says so."""
    kiosk = make_kiosk(server)
    problems = elder_problems(kiosk.window)
    assert any("14.0 pt < 18" in p for p in problems) and any("22.0 pt < 30" in p for p in problems)

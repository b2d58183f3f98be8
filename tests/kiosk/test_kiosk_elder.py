"""Elder mode (长者模式, DOMAIN rule 13): every screen is walked widget by widget and held to the issue's
numbers (main functions ≥ 30 pt, body ≥ 18 pt, line spacing ≥ 1.3, touch targets ≥ 60 × 60 px,
contrast ≥ 4.5:1), and the announcer says what each screen asks."""

from __future__ import annotations

import pytest
from kiosk_helpers import elder_problems, tap, tour, voice_texts


@pytest.mark.parametrize("lang", ["en"])
@pytest.mark.parametrize("size", [(1080, 1920)], ids=["portrait"])
def test_every_screen_meets_the_elder_numbers(qtbot, server, make_kiosk, devices, lang, size):
    """Portrait and English here (longer words, narrower screen); landscape Chinese elder mode is
    walked by test_kiosk_screens.py while it takes the screenshots."""
    kiosk = make_kiosk(server, size=size)
    w = kiosk.window
    w.set_lang(lang)
    tap(qtbot, w.home.elder_button)
    assert w.elder
    seen = []
    for screen in tour(qtbot, kiosk, devices, server):
        qtbot.waitExposed(w)
        if screen.startswith("maintenance"):  # staff, not visitors: normal type, more on the screen
            assert not w.elder
            continue
        assert elder_problems(w) == [], screen
        assert (w.width(), w.height()) == size, screen  # elder type still fits the screen
        seen.append(screen)
    assert len(seen) >= 11


def test_elder_mode_speaks_what_the_screen_asks(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    assert voice_texts(devices) == []  # nothing is said outside elder mode
    tap(qtbot, w.home.grid.tile_for("market"))
    tap(qtbot, w.services.back_button)
    assert voice_texts(devices) == []

    tap(qtbot, w.home.elder_button)
    said = voice_texts(devices)
    assert said[0].startswith("已进入长者模式") and "优先通道按钮" in said[1]
    tap(qtbot, w.home.grid.tile_for("market"))
    assert voice_texts(devices)[-1] == "请选择具体业务。"
    with qtbot.waitSignal(kiosk.controller.printed, timeout=20_000):
        tap(qtbot, w.services.grid.tile_for("MA01"))
    number = w.ticket.ticket.number
    last = voice_texts(devices)[-1]
    assert last.startswith("您的号码是 A 零") and "请取走票据" in last, (number, last)
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.booking_tile)
    assert voice_texts(devices)[-1] == "请输入预约码或手机号。"

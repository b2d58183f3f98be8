"""The terminal's screens as a clerk sees them, at a 1366×768 desk monitor: every text reads as written
(no clipping, no missing glyphs), in Chinese and in English. Each state is saved as a PNG; with
``HALLQ_SCREENSHOTS=docs/img`` the same pictures go to the docs (see docs/counter.md)."""

from __future__ import annotations

import pytest
from counter_helpers import (
    CLERK_A,
    CLERK_B,
    HALL,
    call_visitor,
    finish,
    login,
    press,
    rendering_problems,
    serve,
    settle,
    shoot,
    signed_in,
    wait_until,
)

from counter import Act
from drivers.led import open_led
from drivers.pad import open_pad
from drivers.printer import open_printer
from drivers.terminal import Devices
from server.core import Outcome

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("clean_hall")]


def test_a_shift_in_pictures(qtbot, tmp_path, server, make_counter, kiosk, manager) -> None:
    devices = Devices(pad=open_pad("sim://"), led=open_led("sim://"), printer=open_printer("sim://", paper=80))
    counter = make_counter(server, 1, devices)
    main = counter.window.main
    shoot(counter, tmp_path, "login")

    signed_in(qtbot, counter, CLERK_A)
    wait_until(qtbot, counter.window.main.photo.isVisible)  # 张三's photo in the header (004 第十四条)
    first = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, first.number)
    finish(qtbot, counter)
    wait_until(qtbot, lambda: devices.pad.health().facts["rating_open"] == first.id)
    devices.pad.press(5)  # the visitor rates the first visit
    wait_until(qtbot, lambda: main.rating.text().endswith("评价结果已记录"))

    # a visitor sent on from the tax window, with a note for this one
    manager.sign_in(HALL, 3)
    tax = kiosk.issue(HALL, "TAX")
    manager.call(HALL, 3)
    manager.start(HALL, 3)
    manager.transfer(HALL, 3, "GEN", "已办完税务登记，需补办营业执照信息变更")
    manager.sign_out(HALL, 3)
    call_visitor(qtbot, counter, tax.number)
    press(qtbot, counter, Act.START)
    for lane in ("normal", "priority", "normal"):
        kiosk.issue(HALL, "GEN", lane)
    kiosk.issue(HALL, "TAX")
    wait_until(qtbot, lambda: "综合受理（A）：3 人" in main.waiting.text())
    assert main.values["from"].text() == f"税务登记（{tax.number}）"
    shoot(counter, tmp_path, "main")

    press(qtbot, counter, Act.FINISH)
    main.finish_panel.buttons[Outcome.SUPPLEMENT].click()
    main.supplement_panel.tick("申请人身份证原件及复印件")
    main.supplement_panel.tick("户口簿原件")
    shoot(counter, tmp_path, "supplement")
    main.supplement_panel.confirm.click()
    settle(qtbot, counter)
    wait_until(qtbot, lambda: main.notice.text().startswith("一次性告知单已打印"))

    main.lang_button.click()
    call_visitor(qtbot, counter)
    shoot(counter, tmp_path, "main-en")
    main.lang_button.click()
    press(qtbot, counter, Act.START)
    finish(qtbot, counter, "consulted")

    press(qtbot, counter, Act.PAUSE)
    main.pause_panel.choose(2)  # 午休
    shoot(counter, tmp_path, "pause-panel")
    main.pause_panel.confirm.click()
    settle(qtbot, counter)
    shoot(counter, tmp_path, "paused")
    press(qtbot, counter, Act.RESUME)

    tide = make_counter(server, 3)  # the dispatcher makes window 3 a tide window: seen from its terminal
    signed_in(qtbot, tide, CLERK_B)
    manager.open_tide(HALL, 3, "GEN")
    wait_until(qtbot, lambda: any("潮汐窗口" in t for t in tide.window.main.banners.texts()))
    shoot(tide, tmp_path, "tide")

    press(qtbot, tide, Act.SWITCH)  # B leaves the tide window open; A arrives for the A/B takeover
    login(qtbot, tide, CLERK_A)
    wait_until(qtbot, lambda: Act.TAKEOVER in tide.controller.allowed())
    shoot(tide, tmp_path, "takeover")
    assert rendering_problems(tide.window) == []

"""Maintenance mode: the hidden corner gesture, the PIN checked by the server's login (maintenance role
only), and the diagnostics run through the drivers' checks and actions."""

from __future__ import annotations

from kiosk_helpers import CLERK_STAFF, MAINT_STAFF, PIN, WAIT_MS, tap

from drivers.printer import decode
from kiosk.gesture import CornerTaps


class FrozenClock:
    """The gesture's clock, moved by the test: "within 3 s" without waiting for anything."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def open_maintenance(qtbot, kiosk, clock: FrozenClock) -> None:
    w = kiosk.window
    w.taps = CornerTaps(5, 3.0, clock=clock)
    for _ in range(4):
        tap(qtbot, w.corner)
        clock.now += 0.5
    assert w.current is w.home  # four taps are nothing
    tap(qtbot, w.corner)
    assert w.current is w.maintenance


def log_in(qtbot, screen, staff: str, pin: str) -> None:
    tap(qtbot, screen.staff_field)
    screen.keys.type_text(staff)
    tap(qtbot, screen.pin_field)
    screen.keys.type_text(pin)
    assert screen.pin_field.text() == "●" * len(pin)  # the PIN is never shown


def test_hidden_gesture_pin_and_diagnostics(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    clock = FrozenClock()
    w.taps = CornerTaps(5, 3.0, clock=clock)
    for _ in range(5):  # five taps spread over more than 3 s: no maintenance
        tap(qtbot, w.corner)
        clock.now += 1.0
    assert w.current is w.home
    open_maintenance(qtbot, kiosk, clock)
    m = w.maintenance
    assert m.pages.currentWidget() is m.login_page

    log_in(qtbot, m, MAINT_STAFF, PIN)
    with qtbot.waitSignal(kiosk.controller.login_ok, timeout=WAIT_MS):
        tap(qtbot, m.login_button)
    assert m.pages.currentWidget() is m.diag_page and "维护员甲" in m.who.text()

    for name in ("test_print", "paper", "speaker", "server"):
        with qtbot.waitSignal(kiosk.controller.check_done, timeout=WAIT_MS) as sig:
            tap(qtbot, m.check_buttons[name])
        assert sig.args[0] == name and sig.args[1].level.value == "OK", sig.args
        assert m.result_labels[name].text().startswith("OK")
    slip = decode(devices.printer.sent)
    assert any("打印测试" in line for line in slip.texts)  # the test ticket cannot pass for a real one

    devices.printer.set_paper("out")
    with qtbot.waitSignal(kiosk.controller.check_done, timeout=WAIT_MS) as sig:
        tap(qtbot, m.check_buttons["paper"])
    assert sig.args[1].level.value == "FAIL" and "缺纸" in m.result_labels["paper"].text()
    devices.printer.set_paper("ok")

    tap(qtbot, m.check_buttons["touch"])  # the touch grid: every square must answer a touch
    assert m.pages.currentWidget() is m.touch_page
    for cell in m.cells[:-1]:
        tap(qtbot, cell)
    assert "还剩 1 个方格" in m.touch_prompt.text()
    tap(qtbot, m.cells[-1])
    assert m.pages.currentWidget() is m.diag_page
    assert m.result_labels["touch"].text().startswith("OK") and "12" in m.result_labels["touch"].text()

    tap(qtbot, m.leave_button)
    assert w.current is w.home


def test_only_a_maintenance_clerk_gets_in(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    open_maintenance(qtbot, kiosk, FrozenClock())
    m = w.maintenance
    log_in(qtbot, m, CLERK_STAFF, PIN)  # a real clerk, right PIN, wrong role
    with qtbot.waitSignal(kiosk.controller.login_failed, timeout=WAIT_MS):
        tap(qtbot, m.login_button)
    assert m.error.text() == "该账号不是维护人员账号" and m.pages.currentWidget() is m.login_page
    assert m.pin == ""  # the PIN is cleared after a failure

    tap(qtbot, m.pin_field)
    m.keys.type_text("0000")
    with qtbot.waitSignal(kiosk.controller.login_failed, timeout=WAIT_MS) as sig:
        tap(qtbot, m.login_button)
    assert sig.args[0] and m.error.text() == sig.args[0]  # the server's own message (zh)
    assert m.pages.currentWidget() is m.login_page
    tap(qtbot, m.cancel_button)
    assert w.current is w.home

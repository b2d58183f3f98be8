"""过号重排 at the kiosk (issue 16), the one estimate on screen and paper, and elder mode's longer
screens — against a real server process, with the sim printer.

A USB QR scanner is a keyboard ("keyboard wedge"): scanning the ticket types its tracking URL and
Enter into the focused screen, which is what ``qtbot.keyClicks`` + Enter do here."""

from __future__ import annotations

from kiosk_helpers import WAIT_MS, miss, take, tap, type_number
from PySide6.QtCore import Qt

from drivers.printer import decode


def test_a_scanned_ticket_rejoins_the_queue(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.grid.tile_for("market"))
    take(qtbot, kiosk, w.services.grid.tile_for("MA02"))
    ticket = w.ticket.ticket
    tap(qtbot, w.ticket.done_button)
    miss(server, ticket.number)

    tap(qtbot, w.home.requeue_tile)
    assert w.current is w.requeue and w.requeue.hasFocus()  # the scanner types into this screen
    assert w.requeue.rule.text() == "过号后 60 分钟内可重新排队，排在 3 位等候的人之后；超过时间请重新取号"
    before = len(devices.printer.sent)  # what is printed from here on
    qtbot.keyClicks(w.requeue, ticket.track_url)
    assert w.requeue.display.text() != ticket.track_url  # a URL is not shown as typed
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        qtbot.keyClick(w.requeue, Qt.Key.Key_Return)
    assert w.current is w.ticket and w.ticket.ticket.number == ticket.number
    assert w.ticket.note.text().startswith("已重新排队：过号后 60 分钟内")
    slip = decode(devices.printer.sent[before:])
    assert ticket.number in slip.texts and slip.qr_payloads == [ticket.track_url]
    assert w.ticket.wait.text() in slip.texts  # the new wait, the same words on screen and paper


def test_a_refusal_says_why_and_the_rule_and_offers_a_new_ticket(qtbot, server, make_kiosk):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.requeue_tile)
    tap(qtbot, w.requeue.go)  # nothing typed: said on the screen, nothing sent
    assert w.current is w.requeue and w.requeue.error.text() == "请输入票上的号码：字母加数字，如 A012"
    nobody = w.catalog.prefixes[0] + "999"  # a letter of this hall, a number nobody has today
    type_number(qtbot, w.requeue, nobody)
    with qtbot.waitSignal(kiosk.controller.requeue_refused, timeout=WAIT_MS):
        tap(qtbot, w.requeue.go)
    n = w.notice
    assert w.current is n and n.title.text() == "不能重新排队"
    assert n.message.text().startswith(f"今天本大厅没有 {nobody} 号")
    assert n.hint.text().startswith("过号后 60 分钟内可重新排队")
    assert n.ok_button.text() == "重新取号"
    tap(qtbot, n.ok_button)
    assert w.current is w.home


def test_screen_and_paper_say_the_same_wait(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    before = len(devices.printer.sent)  # what is printed from here on
    tap(qtbot, w.home.grid.tile_for("market"))
    take(qtbot, kiosk, w.services.grid.tile_for("MA01"))
    on_screen = w.ticket.wait.text()
    assert on_screen.startswith("预计等候") and "分钟" in on_screen  # shown even with nobody ahead
    assert on_screen in decode(devices.printer.sent[before:]).texts


def test_elder_mode_keeps_the_ticket_up_longer(qtbot, server, make_kiosk):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.grid.tile_for("market"))
    take(qtbot, kiosk, w.services.grid.tile_for("MA01"))
    assert w.screen_timer.interval() == w.timings.ticket_ms == 10_000
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.elder_button)
    tap(qtbot, w.home.grid.tile_for("market"))
    take(qtbot, kiosk, w.services.grid.tile_for("MA01"))
    assert w.screen_timer.interval() == w.timings.ticket_elder_ms == 30_000
    assert w.ticket.countdown.text() == "30 秒后返回首页"

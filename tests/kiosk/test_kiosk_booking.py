"""预约签到 at the kiosk against the booking API of issue 8 (a real server process): by phone number on
the keypad, by booking code from a scanner, and the refusals said plainly with a regular ticket one tap
away. Also the path for a server without the booking API."""

from __future__ import annotations

from kiosk_helpers import WAIT_MS, book, tap
from PySide6.QtCore import Qt

from client.errors import ApiError
from drivers.printer import decode


def test_check_in_by_phone_and_by_code_gives_an_appointment_ticket(qtbot, server, make_kiosk, devices):
    _code, phone = book(server)
    kiosk = make_kiosk(server)
    w, b = kiosk.window, kiosk.window.booking
    tap(qtbot, w.home.booking_tile)
    b.keys.type_text("123")
    tap(qtbot, b.check_in)
    assert b.error.isVisible() and "11 位手机号" in b.error.text() and w.current is b  # said, kept
    tap(qtbot, b.keys.clear_key)
    b.keys.type_text(phone)
    assert b.display.text() == phone[:3] + "****" + phone[7:]  # never shown whole in public (rule 11)
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, b.check_in)
    t = w.ticket.ticket
    assert w.current is w.ticket and t.lane == "appointment" and t.service == "CS01"
    assert w.ticket.lane.text() == "预约" and w.ticket.note.text() == "签到成功，已进入预约通道"
    slip = decode(devices.printer.sent)
    assert any(t.number in line for line in slip.texts) and slip.qr_payloads == [t.track_url]
    assert kiosk.client.track(t.track_url).number == t.number

    tap(qtbot, w.ticket.done_button)
    code2, _ = book(server)
    tap(qtbot, w.home.booking_tile)
    qtbot.keyClicks(b, code2.lower())  # a scanner types the code and sends Enter
    with qtbot.waitSignal(kiosk.controller.checked_in, timeout=WAIT_MS):
        qtbot.keyClick(b, Qt.Key.Key_Return)
    assert w.current is w.ticket and w.ticket.ticket.lane == "appointment"

    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.booking_tile)
    qtbot.keyClicks(b, code2)
    with qtbot.waitSignal(kiosk.controller.check_in_refused, timeout=WAIT_MS) as sig:
        qtbot.keyClick(b, Qt.Key.Key_Return)
    assert sig.args[0] == "already_checked_in"
    assert w.current is w.notice and w.notice.title.text() == "预约签到未成功"
    assert w.notice.message.text() == sig.args[1]  # the server's own words
    assert w.notice.ok_button.text() == "取普通号"
    tap(qtbot, w.notice.ok_button)
    assert w.current is w.home  # a regular ticket is one tap away (DOMAIN rule 1)


def test_unknown_booking_is_said_plainly(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    w.set_lang("en")
    tap(qtbot, w.home.booking_tile)
    qtbot.keyClicks(w.booking, "ZZZZ9999")
    with qtbot.waitSignal(kiosk.controller.check_in_refused, timeout=WAIT_MS) as sig:
        qtbot.keyClick(w.booking, Qt.Key.Key_Return)
    assert sig.args[0] == "unknown_booking"
    assert w.notice.title.text() == "Check-in did not go through" and w.notice.message.text() == sig.args[2]
    assert w.notice.ok_button.text() == "Take a regular ticket" and devices.printer.sent == b""


class _ServerWithoutBookings:
    """A hall server from before issue 8: the check-in path does not exist there (404 not_found)."""

    base_url = "http://old-server"

    def check_in(self, hall: str, **_: str):
        raise ApiError(404, "not_found", "找不到该地址", "no such path")


def test_a_server_without_the_booking_api_says_not_available_yet(qtbot, server, make_kiosk):
    kiosk = make_kiosk(server)
    w = kiosk.window
    kiosk.controller.client = _ServerWithoutBookings()  # only the check-in goes there
    tap(qtbot, w.home.booking_tile)
    w.booking.keys.type_text("13812345678")
    with qtbot.waitSignal(kiosk.controller.booking_unavailable, timeout=WAIT_MS):
        tap(qtbot, w.booking.check_in)
    assert w.notice.title.text() == "预约签到暂未开通" and w.notice.message.text() == "暂未开通，请取普通号"
    assert w.notice.ok_button.text() == "取普通号"
    kiosk.controller.client = kiosk.client

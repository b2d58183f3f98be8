"""Faults and plain refusals, against real server processes: the server goes away and comes back,
the printer runs out of paper and is refilled, the hall is closed, the daily cap is reached."""

from __future__ import annotations

from kiosk_helpers import MAINT_STAFF, PIN, WAIT_MS, start_kiosk_server, support, take, tap

from client.http import HallClient
from drivers.printer import decode


def test_server_down_stops_issuing_with_a_banner_and_recovers(qtbot, tmp_path, make_kiosk, devices):
    srv = start_kiosk_server(tmp_path)
    port = int(srv.base_url.rsplit(":", 1)[1])
    try:
        srv.tokens["kiosk"] = srv.add_device("kiosk", hall="kiosk")
        support.stop_server(srv)
        # 1. the kiosk starts while the server is away: the pause banner, no buttons to press
        kiosk = make_kiosk(srv, load=False)
        w = kiosk.window
        with qtbot.waitSignal(kiosk.controller.server_state, timeout=WAIT_MS, check_params_cb=lambda ok: not ok):
            kiosk.start()
        assert w.server_banner.isVisible() and w.server_banner.text.text() == "暂停取号，请联系工作人员"
        assert w.home.grid.tiles == [] and not w.home.priority_tile.isEnabled()

        srv = start_kiosk_server(tmp_path, port=port)  # same database and port: the server is there
        with qtbot.waitSignal(kiosk.controller.catalog_ready, timeout=WAIT_MS):
            kiosk.controller.beat_timer.start(1)  # the probe's next round now, not in probe_ms
        assert not w.server_banner.isVisible() and w.home.grid.tile_for("police").isEnabled()
        take(qtbot, kiosk, w.home.grid.tile_for("police"))
        tap(qtbot, w.ticket.done_button)
        support.stop_server(srv)

        # 2. it goes away while the kiosk runs: the next tap gets the banner, and no ticket
        issued = []
        kiosk.controller.issued.connect(issued.append)
        devices.printer.clear()
        with qtbot.waitSignal(kiosk.controller.server_state, timeout=WAIT_MS, check_params_cb=lambda ok: not ok):
            tap(qtbot, w.home.grid.tile_for("police"))
        assert w.server_banner.isVisible() and w.current is w.home
        assert issued == [] and devices.printer.sent == b""
        assert not w.home.grid.tile_for("police").isEnabled()  # no ticket can be asked for now
        w.issue("PS01")  # even a stray intent does nothing while the server is away
        assert issued == []

        srv = start_kiosk_server(tmp_path, port=port)
        with qtbot.waitSignal(kiosk.controller.server_state, timeout=WAIT_MS, check_params_cb=bool):
            kiosk.controller.beat_timer.start(1)
        assert not w.server_banner.isVisible() and w.home.grid.tile_for("police").isEnabled()
        take(qtbot, kiosk, w.home.grid.tile_for("police"))
        assert issued and w.current is w.ticket
    finally:
        support.stop_server(srv)


def test_printer_out_of_paper_still_issues_shows_the_ticket_and_reports(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    devices.printer.set_paper("out")
    with qtbot.waitSignal(kiosk.controller.print_failed, timeout=WAIT_MS):
        tap(qtbot, w.home.grid.tile_for("hr"))
    t = w.ticket.ticket
    assert w.current is w.ticket and devices.printer.sent == b""
    assert w.ticket.photo.isVisible() and "请拍照留存本页" in w.ticket.photo_text.text()
    assert w.ticket.number.text() == t.number and w.ticket.qr.payload == t.track_url
    assert w.screen_timer.remainingTime() > w.timings.ticket_ms  # longer: time to take the photo
    assert w.printer_banner.isVisible() and "打印机缺纸" in w.printer_banner.text.text()
    assert kiosk.client.track(t.track_url).number == t.number  # the ticket is valid on the server

    # the fault reached the server at once (the heartbeat after the failed print)
    maint = HallClient(server.base_url, timeout=30)  # a PIN check on a loaded box: generous, never 5 s
    maint.login(MAINT_STAFF, PIN)

    def printer_level() -> str | None:  # hall "kiosk" has one kiosk device: this one's token
        for device in maint.devices(hall="kiosk"):
            for health in device.health:
                if health["device"] == "printer":
                    return health["level"]
        return None

    qtbot.waitUntil(lambda: printer_level() == "FAIL", timeout=WAIT_MS)

    devices.printer.set_paper("ok")  # refilled: the next heartbeat round clears the state by itself
    with qtbot.waitSignal(kiosk.controller.printer_state, timeout=WAIT_MS,
                          check_params_cb=lambda h: h.level.value == "OK"):
        kiosk.controller.beat_timer.start(1)
    assert not w.printer_banner.isVisible()
    qtbot.waitUntil(lambda: printer_level() == "OK", timeout=WAIT_MS)
    maint.logout()
    maint.close()
    tap(qtbot, w.ticket.done_button)
    take(qtbot, kiosk, w.home.grid.tile_for("hr"))
    assert not w.ticket.photo.isVisible() and decode(devices.printer.sent).qr_payloads == [w.ticket.ticket.track_url]


def test_closed_hours_are_said_plainly(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server, hall="shut")
    w = kiosk.window
    with qtbot.waitSignal(kiosk.controller.refused, timeout=WAIT_MS):
        tap(qtbot, w.home.grid.tile_for("general"))
    assert w.current is w.notice
    assert w.notice.title.text() == "现在不能取这个号"
    assert "综合受理 不办理" in w.notice.message.text()  # the server's own words, with today's hours
    assert w.notice.panel.property("kind") == "panel"  # a calm panel, not an error colour
    assert not w.server_banner.isVisible() and devices.printer.sent == b""
    tap(qtbot, w.notice.ok_button)
    assert w.current is w.home


def test_daily_cap_is_said_plainly(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    refused: list = []
    kiosk.controller.refused.connect(lambda *a: refused.append(a))
    for _ in range(2):  # the cap is 1: the first tap gets the day's only ticket, the second is refused
        with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS):
            tap(qtbot, w.home.grid.tile_for("tax"))
        if w.current is w.notice:
            break
        tap(qtbot, w.ticket.done_button)
    assert refused and refused[-1][0] == "daily_cap"
    assert w.notice.title.text() == "今日号源已满" and "号源已满" in w.notice.message.text()
    w.set_lang("en")
    assert w.notice.title.text() == "Today's tickets are all taken" and "all taken" in w.notice.message.text()


def test_idle_timeout_brings_any_screen_home_with_the_defaults(qtbot, server, make_kiosk, devices):
    from kiosk.timings import Timings

    kiosk = make_kiosk(server, timings=Timings(idle_ms=600_000))
    w = kiosk.window
    tap(qtbot, w.home.language)
    tap(qtbot, w.home.elder_button)
    w.idle_timer.stop()
    tap(qtbot, w.home.grid.tile_for("general"))
    assert w.current is w.services and w.lang == "en" and w.elder
    assert w.idle_timer.isActive()  # every touch restarts the idle countdown …
    with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS, check_params_cb=lambda name: name == "home"):
        w.idle_timer.start(1)  # … and when it runs out (shortened here, not slept on), home
    assert w.current is w.home and w.lang == "zh" and not w.elder and not w.priority
    tap(qtbot, w.home.booking_tile)
    with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS, check_params_cb=lambda name: name == "home"):
        w.idle_timer.start(1)
    w.idle_timer.start(1)  # on a plain home screen the timeout changes nothing
    qtbot.waitSignal(w.idle_timer.timeout, timeout=WAIT_MS).wait()
    assert w.current is w.home

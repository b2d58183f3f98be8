"""A visitor takes a ticket at the kiosk against a real server process: walk-in in two taps, the
second level, keyword search, the priority lane, English, and the ticket going home by itself."""

from __future__ import annotations

from kiosk_helpers import WAIT_MS, take, tap

from drivers.printer import decode
from tests.support.qr import zbar_decode


def test_walk_in_takes_at_most_two_taps_and_prints_what_the_screen_shows(qtbot, server, make_kiosk, devices,
                                                                         tmp_path):
    kiosk = make_kiosk(server)
    w = kiosk.window
    assert w.current is w.home and w.home.grid.tile_for("police").isEnabled()
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, w.home.grid.tile_for("police"))  # a category with one service: one tap is enough
    assert w.current is w.ticket
    t = w.ticket.ticket
    assert t.number.startswith("M") and t.service == "PS01" and t.lane == "normal"
    assert w.ticket.number.text() == t.number
    assert w.ticket.service.text() == "户籍业务"
    assert w.ticket.ahead.text() in ("前面没有人在等候", f"前面还有 {t.ahead} 人")
    assert w.ticket.qr.payload == t.track_url and t.track_url.startswith("http://hall.test/t/")
    shot = tmp_path / "qr-on-screen.png"
    assert w.ticket.qr.grab().save(str(shot))
    assert zbar_decode(shot, tmp_path) == [t.track_url]  # the QR on the screen scans, as a phone reads it
    assert w.ticket.status.text() == "请取走票据，留意叫号" and not w.ticket.photo.isVisible()

    slip = decode(devices.printer.sent)
    assert any(t.number in line for line in slip.texts)
    assert slip.qr_payloads == [t.track_url] and slip.cut
    # the server has the very ticket the visitor holds
    track = kiosk.client.track(t.track_url)
    assert (track.number, track.service, track.state.value) == (t.number, "PS01", "waiting")

    # a few seconds later the kiosk is back home by itself (the timer is shortened, not slept on)
    with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS, check_params_cb=lambda name: name == "home"):
        w.screen_timer.start(1)
    assert w.current is w.home


def test_second_level_and_keyword_search(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.grid.tile_for("market"))  # tap 1: the category …
    assert w.current is w.services and not w.services.search_panel.isVisible()  # two services: no search
    assert [t.property("item_id") for t in w.services.grid.tiles] == ["MA01", "MA02"]
    take(qtbot, kiosk, w.services.grid.tile_for("MA02"))  # … tap 2: the service, and the ticket prints
    assert w.current is w.ticket and w.ticket.ticket.service == "MA02"
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.grid.tile_for("market"))
    tap(qtbot, w.services.back_button)
    assert w.current is w.home

    tap(qtbot, w.home.grid.tile_for("general"))  # 无差别综合: ten services → search box and letters
    screen = w.services
    assert screen.search_panel.isVisible() and len(screen.grid.tiles) == 10
    for key in "BDC":  # pinyin initials of 不动产 on the on-screen keyboard
        tap(qtbot, screen.keys.keys[key])
    assert screen.search.text() == "bdc"
    assert sorted(t.property("item_id") for t in screen.grid.tiles) == ["RE01", "RE02"]
    tap(qtbot, screen.keys.clear_key)
    screen.search.setText("婚姻")  # Chinese from an IME or keyboard
    assert [t.property("item_id") for t in screen.grid.tiles] == ["SA01"]
    screen.search.setText("zzz(")  # nothing, and a bracket does not break the filter
    assert screen.grid.tiles == [] and screen.none.isVisible() and "zzz(" in screen.none.text()
    screen.search.setText("mortgage")
    take(qtbot, kiosk, screen.grid.tile_for("RE02"))
    assert w.ticket.ticket.service == "RE02" and w.ticket.ticket.number.startswith("E")


def test_priority_lane_is_the_green_button_then_the_service(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.priority_tile)
    assert w.priority and w.home.prompt.text() == "优先通道：请选择您要办理的业务"
    assert w.home.header.property("kind") == "header-priority"
    take(qtbot, kiosk, w.home.grid.tile_for("hr"))
    t = w.ticket.ticket
    assert t.lane == "priority" and w.ticket.lane.isVisible() and w.ticket.lane.text() == "优先"
    assert kiosk.client.track(t.track_url).number == t.number
    tap(qtbot, w.ticket.done_button)
    assert w.current is w.home and not w.priority  # the lane was for that one ticket
    # "leave" goes back to normal without a ticket
    tap(qtbot, w.home.priority_tile)
    tap(qtbot, w.home.leave)
    assert not w.priority and w.home.header.property("kind") == "header"


def test_english_on_the_toggle(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tap(qtbot, w.home.language)
    assert w.lang == "en" and w.home.language.text() == "中文"
    assert w.home.grid.tile_for("police").title.text() == "Police services"
    assert w.home.title.text() == "Test County Service Center"
    tap(qtbot, w.home.grid.tile_for("market"))
    take(qtbot, kiosk, w.services.grid.tile_for("MA01"))
    assert w.ticket.service.text() == "Business registration"
    assert w.ticket.caption.text() == "Your number"
    slip = decode(devices.printer.sent)
    assert any("Business registration" in line for line in slip.texts)
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.language)
    assert w.home.grid.tile_for("police").title.text() == "公安"


def test_double_tap_issues_one_ticket(qtbot, server, make_kiosk, devices):
    kiosk = make_kiosk(server)
    w = kiosk.window
    tile = w.home.grid.tile_for("police")
    issued = []
    kiosk.controller.issued.connect(issued.append)
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, tile)
        tap(qtbot, tile)
    assert len(issued) == 1 and len(decode(devices.printer.sent).qr_payloads) == 1

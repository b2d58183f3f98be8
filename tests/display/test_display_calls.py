"""Calls on the board and in the speaker, against a real server: shown and spoken in order (real
espeak-ng WAVs), a burst of 20 calls, recalls, zone screens, the offline indicator and missed calls
after a network cut (spoken only while still current), and — last, because it kills this module's
server — a server restart mid-stream."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from drivers.announcer import measure
from drivers.announcer.wavcheck import SILENCE_RMS
from tests.display.display_support import (
    FIRST_SERVICE,
    HALL,
    WAIT_MS,
    WAIT_S,
    ZONE_A,
    ZONE_B,
    Proxy,
    clear_windows,
    spoken,
    start_display_server,
    voice_dir,
    voice_texts,
)
from tests.server.conftest import ServerProcess, stop_server

pytestmark = pytest.mark.timeout(240)  # a hang fails the test instead of blocking the run


@pytest.fixture(scope="module")
def incarnations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """This module's server, which its last test kills and restarts; every incarnation is stopped."""
    servers = [start_display_server(tmp_path_factory.mktemp("display-server"))]
    try:
        yield servers
    finally:
        for srv in servers:
            stop_server(srv)


@pytest.fixture(scope="module")
def server(incarnations: list[ServerProcess]) -> ServerProcess:
    return incarnations[0]


def shown(display) -> list[tuple[str, int]]:
    """(number, window) of the calls on the board, newest first."""
    return [(c.number, c.window) for c in display.board.calls.calls()]


def collect(display) -> list:
    """Announcements as the board hands them to the speaker, in order."""
    items: list = []
    display.voice.queued.connect(lambda _call, item: items.append(item))
    return items


def test_calls_appear_flash_and_are_spoken_in_order_with_real_audio(
        qtbot, make_display, announcer_url, staff, kiosk) -> None:
    clear_windows(staff, [1, 4])
    display = make_display(announcer_url(synth=True))
    items = collect(display)
    issued = [kiosk.issue(HALL, "MA01"), kiosk.issue(HALL, "RE01")]
    first, second = staff.call(HALL, 1).ticket, staff.call(HALL, 4).ticket
    assert [first.number, second.number] == [t.number for t in issued]

    qtbot.waitUntil(lambda: len(shown(display)) >= 2 and shown(display)[0] == (second.number, 4), timeout=WAIT_MS)
    assert shown(display)[:2] == [(second.number, 4), (first.number, 1)]
    assert display.window.calls.flashing  # the newest call flashes
    board = display.window.drawn_text()
    assert second.number in board and "4号窗口" in board and first.number in board
    cards = {r.number: r for r in display.board.windows.rows()}
    assert cards[1].current.number == first.number and cards[4].current.number == second.number
    assert "请到窗口办理" in board  # the called windows' state

    assert voice_texts(display.devices.announcer) == [spoken(first.number, 1), spoken(second.number, 4)]
    wavs = sorted(voice_dir(display.devices.announcer).glob("*.wav"))
    assert len(wavs) == 2
    for wav in wavs:  # chime + the sentence twice (repeat=2): real, audible audio
        stats = measure(wav.read_bytes())
        assert stats.rms > SILENCE_RMS and stats.duration_s > 3
    assert [i.text for i in items] == [spoken(first.number, 1), spoken(second.number, 4)]
    assert all(i.ok for i in items) and items[1].started_at >= items[0].finished_at  # never overlapping
    assert all(display.board.calls.spoken(c) for c in display.board.calls.calls()[:2])


def test_a_recall_moves_the_ticket_back_on_top_and_is_spoken_again(
        qtbot, make_display, announcer_url, staff, kiosk) -> None:
    clear_windows(staff, [1, 2])
    display = make_display(announcer_url())
    kiosk.issue(HALL, "MA01")
    kiosk.issue(HALL, "MA01")
    a = staff.call(HALL, 1).ticket
    b = staff.call(HALL, 2).ticket
    staff.recall(HALL, 1)
    qtbot.waitUntil(lambda: shown(display)[:1] == [(a.number, 1)] and display.board.calls.latest().recall,
                    timeout=WAIT_MS)
    assert shown(display)[:2] == [(a.number, 1), (b.number, 2)]  # once each: the recall moved it up
    assert "重呼" in display.window.drawn_text()
    assert voice_texts(display.devices.announcer) == [
        spoken(a.number, 1), spoken(b.number, 2), spoken(a.number, 1, recall=True)]


def test_twenty_calls_within_a_second_are_all_shown_and_spoken_in_order(
        qtbot, make_display, announcer_url, staff, kiosk) -> None:
    windows = list(range(1, 21))
    clear_windows(staff, windows)
    display = make_display(announcer_url(synth=True, repeat="1"))
    items = collect(display)
    for n in windows:  # one visitor for each window's first service
        kiosk.issue(HALL, FIRST_SERVICE[n])
    calls = [staff.call(HALL, n) for n in windows]  # back to back: a burst from 20 windows
    expected = [(c.ticket.number, n) for c, n in zip(calls, windows, strict=True)]

    qtbot.waitUntil(lambda: shown(display)[:20] == expected[::-1], timeout=WAIT_MS)
    cards = {r.number: r for r in display.board.windows.rows()}
    assert [(cards[n].current.number, n) for n in windows] == expected
    board = display.window.drawn_text()
    assert all(number in board for number, _ in expected)  # every window card shows its number
    assert voice_texts(display.devices.announcer) == [spoken(number, n) for number, n in expected]
    assert len(sorted(voice_dir(display.devices.announcer).glob("*.wav"))) == 20
    assert [i.text for i in items] == [spoken(number, n) for number, n in expected]
    for before, after in itertools.pairwise(items):  # one after the other, none dropped
        assert after.ok and after.started_at >= before.finished_at


def test_zone_screens_show_and_speak_only_their_windows(qtbot, make_display, announcer_url, staff, kiosk) -> None:
    from display import WindowFilter

    clear_windows(staff, range(1, 21))  # nobody called anywhere: a fresh screen shows no calls yet
    zone_a = make_display(announcer_url("a"), window_filter=WindowFilter.parse(zone="A"))
    zone_b = make_display(announcer_url("b"), window_filter=WindowFilter.parse(windows="9-14"))
    assert [r.number for r in zone_a.board.windows.rows()] == list(ZONE_A)
    assert [r.number for r in zone_b.board.windows.rows()] == list(ZONE_B)
    qtbot.waitUntil(lambda: zone_a.board.halls is not None and zone_b.board.halls is not None, timeout=WAIT_MS)
    assert {c.service for c in zone_a.board.waiting.counts()} == {"MA01", "RE01", "CE01", "SA01"}
    assert {c.service for c in zone_b.board.waiting.counts()} == {"PS01", "TX01", "HR01", "MI01", "HF01"}

    for service in ("MA01", "TX01", "MA01"):
        kiosk.issue(HALL, service)
    in_a = staff.call(HALL, 1).ticket
    in_b = staff.call(HALL, 10).ticket
    last = staff.call(HALL, 15)  # zone C: on neither screen
    in_c = last.ticket
    qtbot.waitUntil(lambda: min(zone_a.board.last_seq, zone_b.board.last_seq) >= last.seq, timeout=WAIT_MS)
    assert shown(zone_a) == [(in_a.number, 1)]
    assert shown(zone_b) == [(in_b.number, 10)]
    assert in_c.number not in zone_a.window.drawn_text() + zone_b.window.drawn_text()
    assert voice_texts(zone_a.devices.announcer) == [spoken(in_a.number, 1)]
    assert voice_texts(zone_b.devices.announcer) == [spoken(in_b.number, 10)]


def test_offline_indicator_and_missed_calls_spoken_only_while_still_current(
        qtbot, make_display, announcer_url, people, staff, kiosk) -> None:
    from display import Timings

    clear_windows(staff, [1, 4, 10])
    proxy = Proxy(int(people.server.base_url.rsplit(":", 1)[1])).start()
    try:
        display = make_display(announcer_url(), base_url=proxy.base_url, timings=Timings(offline_after_ms=300))
        board = display.board
        qtbot.waitUntil(lambda: board.online, timeout=WAIT_MS)
        kiosk.issue(HALL, "MA01")
        before = staff.call(HALL, 1).ticket
        qtbot.waitUntil(lambda: shown(display)[:1] == [(before.number, 1)], timeout=WAIT_MS)

        with qtbot.waitSignal(board.offline_changed, timeout=WAIT_MS, check_params_cb=lambda off: off):
            proxy.cut()
        assert "连接中断" in display.window.drawn_text()

        # while this screen is cut off: window 1 moves on twice, window 4 calls and keeps calling,
        # window 10 calls and its visitor arrives
        for service in ("MA01", "MA01", "RE01", "TX01"):
            kiosk.issue(HALL, service)
        staff.no_show(HALL, 1)
        gone = staff.call(HALL, 1).ticket
        staff.no_show(HALL, 1)
        now_1 = staff.call(HALL, 1).ticket
        at_4 = staff.call(HALL, 4).ticket
        staff.recall(HALL, 4)
        arrived = staff.call(HALL, 10).ticket
        staff.start(HALL, 10)

        with qtbot.waitSignal(board.offline_changed, timeout=WAIT_MS, check_params_cb=lambda off: not off):
            proxy.restore()
        qtbot.waitUntil(lambda: not board.catchup.holding and len(shown(display)) >= 5, timeout=WAIT_MS)
        assert "连接中断" not in display.window.drawn_text()
        # every missed call is in the history …
        assert shown(display)[:4] == [(arrived.number, 10), (at_4.number, 4), (now_1.number, 1), (gone.number, 1)]
        # … but only those still current were spoken: once each, in order
        assert voice_texts(display.devices.announcer) == [
            spoken(before.number, 1), spoken(now_1.number, 1), spoken(at_4.number, 4, recall=True)]
        flags = {c.number: display.board.calls.spoken(c) for c in display.board.calls.calls()}
        assert flags[gone.number] is False and flags[arrived.number] is False and flags[now_1.number] is True

        staff.no_show(HALL, 1)
        kiosk.issue(HALL, "MA01")
        live = staff.call(HALL, 1).ticket
        qtbot.waitUntil(lambda: shown(display)[:1] == [(live.number, 1)], timeout=WAIT_MS)
        assert voice_texts(display.devices.announcer)[-1] == spoken(live.number, 1)  # live calls spoken again
    finally:
        proxy.close()


def test_a_server_restart_mid_stream_loses_no_call(qtbot, make_display, announcer_url, incarnations,
                                                   staff, kiosk) -> None:
    first = incarnations[0]
    clear_windows(staff, [1, 2, 3])
    display = make_display(announcer_url())
    for _ in range(5):
        kiosk.issue(HALL, "MA01")
    calls = [staff.call(HALL, 1).ticket, staff.call(HALL, 2).ticket]
    qtbot.waitUntil(lambda: len([c for c in display.board.calls.calls() if c.seq]) == 2, timeout=WAIT_MS)

    staff.start(HALL, 1)
    staff.finish(HALL, 1, "completed")
    calls.append(staff.call(HALL, 1).ticket)  # the board may or may not have this one when …
    first.proc.kill()  # … the server dies without a goodbye
    first.proc.wait(timeout=WAIT_S)
    incarnations.append(start_display_server(first.workdir, port=int(first.base_url.rsplit(":", 1)[1])))

    # the clients reconnect by themselves; the board replays whatever it missed
    staff.start(HALL, 2)
    staff.finish(HALL, 2, "completed")
    calls.append(staff.call(HALL, 2).ticket)
    calls.append(staff.call(HALL, 3).ticket)
    expected = [(calls[0].number, 1), (calls[1].number, 2), (calls[2].number, 1), (calls[3].number, 2),
                (calls[4].number, 3)]

    def board_calls() -> list[tuple[str, int]]:
        return [(c.number, c.window) for c in display.board.calls.calls() if c.seq][::-1]

    qtbot.waitUntil(lambda: board_calls() == expected and not display.board.catchup.holding, timeout=WAIT_MS)
    assert voice_texts(display.devices.announcer) == [spoken(number, window) for number, window in expected]
    assert display.board.online and not display.board.offline

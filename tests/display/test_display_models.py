"""The board without a server: its Qt models (qtmodeltester), the missed-call rule, waiting counts from
the ticket lifecycle, window filters, garbage in the stream, colours, and the painted board at three
screen sizes. The board is fed the server's JSON through the link's own signals."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFontMetrics

from client import HallClient
from client.qt import QtHallLink
from client.theme import MIN_CONTRAST, contrast
from display import FilterError, Timings, WindowFilter, style
from display.board import Board
from display.catchup import CatchUp
from display.models import CallsModel, Look, LookRole, ServiceNames, WaitingModel, WindowsModel
from display.state import BadMessage, Call, waiting_counts_in, waiting_of, windows_of
from display.voice import CallVoice
from display.widgets import paginate
from display.window import BoardWindow

AT = 1_790_000_000.0


def window(number: int, status: str = "open", current: dict | None = None, clerk: str | None = "1001",
           **extra) -> dict:
    return {"number": number, "name_zh": f"{number}号 综合窗口", "name_en": f"Window {number} General",
            "kind": "comprehensive", "zone": "A" if number <= 2 else "B", "green_channel": False, "status": status,
            "current": current, "clerk": {"name": "王小明", "staff_no": clerk, "photo_url": None} if clerk else None,
            "pause_reason": "", "pause_until": None, "tide_service": None, **extra}


def snapshot(seq: int = 10) -> dict:
    return {
        "hall": "county", "name_zh": "示例县政务服务中心", "name_en": "Example County Service Center", "seq": seq,
        "windows": [
            window(1, current={"id": "t-A001", "number": "A001", "service": "MA01", "state": "called"}),
            window(2),
            window(3, status="paused", pause_reason="到后台取件", pause_until=AT),
            window(4, status="closed", clerk=None),
        ],
        "waiting": [
            {"service": "MA01", "name_zh": "企业开办", "name_en": "Business start-up", "prefix": "A",
             "normal": 3, "priority": 1, "appointment": 0, "total": 4},
            {"service": "TX01", "name_zh": "税务", "name_en": "Tax", "prefix": "F",
             "normal": 2, "priority": 0, "appointment": 0, "total": 2},
        ],
        "tides": [],
    }


def ticket(number: str, state: str, service: str = "MA01", lane: str = "normal", **extra) -> dict:
    return {"id": f"t-{number}", "number": number, "service": service, "lane": lane, "state": state, **extra}


def ws(number: int, current: str | None, status: str = "open", **extra) -> dict:
    return {"number": number, "status": status, "clerk": "1001", "current": current, "pause_reason": "",
            "pause_until": None, "tide_service": None, "tide_manual": False, "tide_since": None, **extra}


def event(seq: int, kind: str, **data) -> dict:
    return {"seq": seq, "kind": kind, "at": AT + seq, "data": {"kind": kind, "hall": "county", **data}}


def called(seq: int, number: str, win: int, kind: str = "ticket.called", service: str = "MA01",
           waiting: dict | None = None) -> dict:
    state = "recalled" if kind == "ticket.recalled" else "called"
    extra = {"waiting": waiting} if waiting is not None else {}
    return event(seq, kind, ticket=ticket(number, state, service, window=win), window=ws(win, f"t-{number}"),
                 **extra)


def counts(normal: int, priority: int = 0, appointment: int = 0) -> dict:
    return {"normal": normal, "priority": priority, "appointment": appointment}


@pytest.fixture
def fed(qtbot) -> Iterator:
    """A board whose link is never started: the test emits the link's signals itself."""
    client = HallClient("http://127.0.0.1:9", None, timeout=1, retries=0)
    link = QtHallLink(client, "county")
    made: list[Board] = []

    def make(**kwargs) -> Board:
        board = Board(link, CallVoice(None), **kwargs)
        made.append(board)
        return board

    yield make, link
    for board in made:
        board.close()
    link.stop()
    client.close()


# -- models ----------------------------------------------------------------------------------------
def test_models_pass_qtmodeltester(qtmodeltester) -> None:
    snap = snapshot()
    services = ServiceNames(waiting_of(snap))
    windows = WindowsModel()
    windows.reset(windows_of(snap), {}, services)
    qtmodeltester.check(windows, force_py=True)
    calls = CallsModel(limit=3)
    for i, n in enumerate(["A001", "A002", "A003", "A004"], start=1):
        calls.add(Call(i, f"t-{n}", n, "MA01", i))
    calls.add(Call(9, "t-A003", "A003", "MA01", 3, recall=True))
    qtmodeltester.check(calls, force_py=True)
    assert [c.number for c in calls.calls()] == ["A003", "A004", "A002"]  # recall on top, capped at 3
    waiting = WaitingModel()
    waiting.reset(waiting_of(snap), 10)
    qtmodeltester.check(waiting, force_py=True)
    assert windows.data(windows.index(0, WindowsModel.Col.CURRENT)) == "A001"
    assert windows.data(windows.index(2, WindowsModel.Col.STATE)).startswith("暂停：到后台取件 · 预计 ")
    assert [windows.index(i, 0).data(LookRole) for i in range(4)] == [Look.CALLING, Look.IDLE, Look.PAUSED,
                                                                       Look.CLOSED]


def test_the_board_follows_snapshot_and_events_and_skips_garbage(qtbot, fed) -> None:
    make, link = fed
    board = make()
    link.snapshot.emit(snapshot(seq=10))
    assert [c.number for c in board.calls.calls()] == ["A001"]  # seeded: on the board, not spoken
    assert board.calls.spoken(board.calls.latest()) is None
    for garbage in ({"kind": "ticket.called"}, {"seq": 11, "kind": "ticket.called", "data": "x"},
                    {"seq": 11, "kind": "ticket.called", "data": {"ticket": {}, "window": {"number": 2}}}):
        link.event.emit(garbage)  # logged and ignored
    link.event.emit(event(11, "ticket.issued", ticket=ticket("F003", "waiting", "TX01"), ahead=2,
                          estimated_wait_s=600, waiting={"TX01": counts(3)}))
    link.event.emit(called(12, "A005", 2, waiting={"MA01": counts(2, 1)}))
    link.event.emit(called(12, "A005", 2, waiting={"MA01": counts(0)}))  # a duplicate seq changes nothing
    link.event.emit(event(13, "window.paused", window=ws(1, "t-A001", status="paused", pause_reason="午休")))
    assert [c.number for c in board.calls.calls()] == ["A005", "A001"]
    assert board.waiting.total("TX01") == 3 and board.waiting.total("MA01") == 3
    assert board.windows.row_of(1).current.number == "A001"  # a pause keeps the ticket
    assert board.windows.state_lines(board.windows.row_of(1)) == ["暂停：午休"]
    link.event.emit(event(14, "tide.opened", window=ws(4, None, tide_service="TX01"), service="TX01",
                          manual=True, by="1001", reason_zh="", reason_en=""))
    assert board.notices() == ["4号窗口临时增开为税务业务"]
    link.event.emit(event(15, "tide.closed", window=ws(4, None), service="TX01", manual=True, by="1001",
                          reason_zh="", reason_en=""))
    assert board.notices() == [] and board.last_seq == 15


def test_waiting_counts_are_the_servers_numbers_and_garbage_counts_are_refused() -> None:
    message = event(5, "ticket.called", ticket=ticket("A1", "called"),
                    waiting={"MA01": {"normal": 2, "priority": 1}})
    assert waiting_counts_in(message) == {"MA01": counts(2, 1)}  # a lane left out is 0
    assert waiting_counts_in(event(6, "window.opened")) == {}
    for bad in ({"MA01": {"normal": -1}}, {"MA01": {"normal": "3"}}, {"MA01": {"normal": True}}, {"MA01": 3}, [1]):
        with pytest.raises(BadMessage):
            waiting_counts_in(event(7, "ticket.called", waiting=bad))


# -- missed calls ----------------------------------------------------------------------------------
def c(seq: int, number: str, window: int, recall: bool = False) -> Call:
    return Call(seq, f"t-{number}", number, "MA01", window, recall)


def test_live_calls_are_all_spoken_and_missed_ones_only_while_current() -> None:
    rule = CatchUp()
    assert rule.offer(c(1, "A001", 1)) == [(c(1, "A001", 1), True)]
    rule.reconnected()
    held = [c(2, "A002", 1), c(3, "A003", 1), c(4, "B001", 2), c(5, "B001", 2, True), c(6, "C001", 3),
            c(8, "D001", 4)]
    assert all(rule.offer(call) == [] for call in held) and rule.holding
    decided = rule.present(7, {1: "t-A003", 2: "t-B001"})  # the server's present, as of seq 7
    assert [(call.number, call.recall, speak) for call, speak in decided] == [
        ("A002", False, False),  # window 1 called someone else since
        ("A003", False, True),
        ("B001", False, False), ("B001", True, True),  # a missed call + recall: said once, the recall
        ("C001", False, False),  # window 3 is not calling it any more (served, or moved on)
        ("D001", False, True),  # after the present: live
    ]
    assert rule.offer(c(7, "A003", 1, True)) == [(c(7, "A003", 1, True), False)]  # late replay, said already
    assert rule.offer(c(9, "E001", 5)) == [(c(9, "E001", 5), True)]


def test_a_snapshot_back_before_the_replay_waits_for_it() -> None:
    """The present (seq 6) comes back before the stream has replayed the missed call and recall of B005:
    judged one by one, the call would be said as a plain call and the recall dropped as said already."""
    rule = CatchUp()
    rule.seen(1)  # the board's start-up snapshot
    rule.reconnected()
    assert rule.present(6, {4: "t-B005"}) == [] and rule.holding  # the replay has not reached seq 6
    assert rule.offer(c(2, "A002", 1)) == []
    assert rule.offer(c(4, "B005", 4)) == []
    assert rule.offer(c(5, "B005", 4, True)) == []
    decided = rule.seen(6)  # the last missed event (not a call) reaches the present
    assert [(call.number, call.recall, speak) for call, speak in decided] == [
        ("A002", False, False), ("B005", False, False), ("B005", True, True)]
    assert not rule.holding
    assert rule.offer(c(7, "C001", 3)) == [(c(7, "C001", 3), True)]  # live


def test_without_a_snapshot_missed_calls_are_judged_by_the_board_itself() -> None:
    rule = CatchUp()
    rule.reconnected()
    rule.offer(c(2, "A002", 1))
    rule.offer(c(3, "A003", 1))
    assert [(call.number, speak) for call, speak in rule.unknown_present({1: "t-A003"})] == [
        ("A002", False), ("A003", True)]
    assert not rule.holding


# -- filters, colours, layout --------------------------------------------------------------------------
def test_window_filters() -> None:
    f = WindowFilter.parse(zone="a", windows="1-3,7")
    assert [n for n, z in [(1, "A"), (2, "B"), (7, "A"), (8, "A")] if f.matches(n, z)] == [1, 7]
    assert not WindowFilter.parse().active and WindowFilter.parse().matches(99, "Z")
    for bad, zh in (("x", "应为数字"), ("0-3", "1–999"), ("5-2", "起点大于终点"), ("1,,2", "应为数字")):
        with pytest.raises(FilterError) as err:
            WindowFilter.parse(windows=bad)
        assert zh in err.value.zh and err.value.en
    with pytest.raises(FilterError):
        WindowFilter.parse(zone="A,,B")


def test_every_colour_pair_is_readable() -> None:
    """DOMAIN rule 13: high contrast (≥ 4.5:1) for every text colour on the background it is painted on."""
    assert [(fg, bg) for fg, bg in style.PAIRS if contrast(fg, bg) < MIN_CONTRAST] == []


def test_pages_are_balanced_and_keep_the_order() -> None:
    assert paginate([1.0] * 20, 8.7, 0.1) == [list(range(0, 7)), list(range(7, 14)), list(range(14, 20))]
    assert paginate([1.0] * 5, 8.7, 0.1) == [[0, 1, 2, 3, 4]]
    assert [len(p) for p in paginate([1.0, 2.0, 1.0, 1.0], 3.0, 0.0)] == [2, 2]


def test_the_board_is_the_same_at_any_size_and_every_glyph_exists(qtbot, fed) -> None:
    make, link = fed
    board = make(notices=["请提前备好身份证原件"])
    view = BoardWindow(board)
    qtbot.addWidget(view)
    link.snapshot.emit(snapshot())
    link.event.emit(called(11, "A005", 2, waiting={"MA01": counts(2, 1)}))
    needed = {"A001", "A005", "1号", "2号", "3号", "4号", "→ 2号窗口", "暂停：到后台取件", "王小明 工号1001",
              "企业开办", "3人", "请提前备好身份证原件", "示例县政务服务中心", "最新叫号"}
    for size in ((1280, 720), (1920, 1080), (3840, 2160)):
        view.resize(*size)
        view.show()
        drawn = view.drawn_text().split("\n")
        assert needed <= set(drawn), (size, needed - set(drawn))
    metrics = QFontMetrics(style.font(20))
    missing = {ch for text in drawn for ch in text if not ch.isspace() and not metrics.inFontUcs4(ord(ch))}
    assert missing == set()  # no Chinese drawn as boxes
    view.stop()


def test_english_board(qtbot, fed) -> None:
    make, link = fed
    board = make(lang="en")
    view = BoardWindow(board, lang="en")
    qtbot.addWidget(view)
    link.snapshot.emit(snapshot())
    drawn = view.drawn_text()
    assert {"Latest calls", "Windows", "3", "Away: 到后台取件", "Business start-up"} <= set(drawn.split("\n"))
    view.stop()


def test_the_newest_call_flashes_then_stays_and_the_notice_line_scrolls(qtbot, fed) -> None:
    make, link = fed
    board = make(timings=Timings(flash_ms=5, flash_count=4, ticker_ms=5),
                 notices=["本中心实行午间不打烊服务，" * 12])
    view = BoardWindow(board)
    qtbot.addWidget(view)
    view.show()
    link.snapshot.emit(snapshot())
    link.event.emit(called(11, "A005", 2))
    assert view.calls.flashing and view.calls.flash_on
    qtbot.waitUntil(lambda: not view.calls.flashing, timeout=10_000)
    assert not view.calls.flash_on and board.calls.latest().number == "A005"
    start = view.ticker.offset
    qtbot.waitUntil(lambda: view.ticker.offset > start, timeout=10_000)
    view.stop()


def test_snapshot_copy_is_not_changed_by_the_board(fed) -> None:
    make, link = fed
    make()
    snap = snapshot()
    kept = copy.deepcopy(snap)
    link.snapshot.emit(snap)
    assert snap == kept

"""Each warning kind fires (yellow, then red), is pushed once, and clears when its condition ends —
the pure rules and tracker with an injected clock; tickets and windows made by the real core."""

from __future__ import annotations

import pytest

from server.core import Hall, Outcome, WorkCalendar
from server.supervision import DeviceInfo, FollowupInfo, Kind, Level, Situation, evaluate, hall_open
from server.supervision.rules import SILENT_RED_FACTOR
from tests.supervision.supervision_helpers import MIN, MONDAY_9, TZ, Board, at, deployment


@pytest.fixture
def dep():
    return deployment()


@pytest.fixture
def hall(dep) -> Hall:
    return Hall.for_deployment(dep, "s")


def situation(dep, hall: Hall | None = None, **extra) -> Situation:
    """The hall as the rules see it; by default every signed-in clerk is logged in (on duty)."""
    cfg = dep.hall("s")
    windows = hall.windows() if hall else []
    extra.setdefault("on_duty", frozenset(w.clerk for w in windows if w.clerk))
    return Situation(cfg, hall.tickets() if hall else [], windows, tz=TZ, **extra)


def run(board: Board, dep, hall: Hall | None, now: float, **extra) -> list[tuple[str, str, str, str]]:
    """One sweep at ``now``: what it pushed."""
    before = len(board.pushed)
    board.apply(evaluate(situation(dep, hall, **extra), now, board.known()))
    return board.pushed[before:]


def test_wait_over_target_yellow_then_red_then_clears_when_called(dep, hall) -> None:
    board = Board()
    hall.issue("S1", now=MONDAY_9)  # S1 target 10 min
    hall.issue("S1", now=MONDAY_9 + 4 * MIN)
    hall.sign_in(1, "c1", now=MONDAY_9)
    assert run(board, dep, hall, MONDAY_9 + 10 * MIN) == []  # exactly at the target: not over it
    assert run(board, dep, hall, MONDAY_9 + 11 * MIN) == [("raised", "wait_over_target", "S1", "yellow")]
    assert run(board, dep, hall, MONDAY_9 + 15 * MIN) == []  # fired once
    (w,) = board.open.values()
    assert w.level is Level.YELLOW
    finding = evaluate(situation(dep, hall), MONDAY_9 + 15 * MIN)[0]
    assert "最长已等 15 分钟（目标 10 分钟），2 人等候" in finding.zh and "longest wait 15 min" in finding.en
    assert run(board, dep, hall, MONDAY_9 + 21 * MIN) == [("escalated", "wait_over_target", "S1", "red")]
    hall.call_next(1, now=MONDAY_9 + 21 * MIN)  # the oldest is called; the other waited 17 min: still over
    assert run(board, dep, hall, MONDAY_9 + 21 * MIN) == []
    hall.no_show(1, now=MONDAY_9 + 22 * MIN)
    hall.call_next(1, now=MONDAY_9 + 22 * MIN)  # nobody waits for S1 any more
    assert run(board, dep, hall, MONDAY_9 + 22 * MIN) == [("cleared", "wait_over_target", "S1", "red")]


def test_a_transfer_continuation_waits_from_the_transfer_not_from_its_first_ticket(dep, hall) -> None:
    hall.issue("S2", now=MONDAY_9)
    hall.sign_in(2, "c2", now=MONDAY_9)
    hall.call_next(2, now=MONDAY_9 + 1 * MIN)
    hall.start(2, now=MONDAY_9 + 2 * MIN)
    hall.transfer(2, "S1", now=MONDAY_9 + 14 * MIN)  # S1 target 10 min: counted from the transfer
    assert evaluate(situation(dep, hall), MONDAY_9 + 20 * MIN) == []
    (f,) = evaluate(situation(dep, hall), MONDAY_9 + 25 * MIN)
    assert (f.kind, f.level, f.facts["waited_s"]) == (Kind.WAIT, Level.YELLOW, 11 * 60)


def test_service_over_limit_fires_per_visit_and_clears_at_finish(dep, hall) -> None:
    board = Board()
    issued = hall.issue("S1", now=MONDAY_9).ticket
    hall.sign_in(1, "c1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9 + MIN)
    hall.start(1, now=MONDAY_9 + 2 * MIN)  # S1 max_service_min 15
    assert run(board, dep, hall, MONDAY_9 + 17 * MIN) == []
    assert run(board, dep, hall, MONDAY_9 + 18 * MIN) == [("raised", "service_over_limit", issued.id, "yellow")]
    assert run(board, dep, hall, MONDAY_9 + 33 * MIN) == [("escalated", "service_over_limit", issued.id, "red")]
    hall.finish(1, Outcome.COMPLETED, now=MONDAY_9 + 40 * MIN)
    assert run(board, dep, hall, MONDAY_9 + 40 * MIN) == [("cleared", "service_over_limit", issued.id, "red")]


def test_pause_past_its_announced_return_and_resume(dep, hall) -> None:
    board = Board()
    hall.sign_in(1, "c1", now=MONDAY_9)
    hall.pause(1, "到后台取件", MONDAY_9 + 10 * MIN, now=MONDAY_9)
    assert run(board, dep, hall, MONDAY_9 + 10 * MIN, on_duty=frozenset({"c1"})) == []
    assert run(board, dep, hall, MONDAY_9 + 12 * MIN, on_duty=frozenset({"c1"})) == [
        ("raised", "pause_overdue", "1", "yellow")
    ]
    (f,) = evaluate(situation(dep, hall, on_duty=frozenset({"c1"})), MONDAY_9 + 12 * MIN)
    assert "到后台取件" in f.zh and "2026-09-21 09:10" in f.zh and "2 min past" in f.en
    assert run(board, dep, hall, MONDAY_9 + 26 * MIN, on_duty=frozenset({"c1"})) == [
        ("escalated", "pause_overdue", "1", "red")
    ]
    hall.resume(1, now=MONDAY_9 + 27 * MIN)
    assert run(board, dep, hall, MONDAY_9 + 27 * MIN, on_duty=frozenset({"c1"})) == [
        ("cleared", "pause_overdue", "1", "red")
    ]


def test_a_pause_without_a_return_time_is_not_overdue(dep, hall) -> None:
    hall.sign_in(1, "c1", now=MONDAY_9)
    hall.pause(1, "会议", None, now=MONDAY_9)
    assert evaluate(situation(dep, hall, on_duty=frozenset({"c1"})), MONDAY_9 + 300 * MIN) == []


def test_open_window_whose_clerk_logged_out_turns_red_and_clears_on_login_or_sign_out(dep, hall) -> None:
    board = Board()
    hall.sign_in(1, "c1", now=MONDAY_9)
    assert run(board, dep, hall, MONDAY_9, on_duty=frozenset({"c1"})) == []
    # c1's login ended (logged out or expired) without signing the window out
    assert run(board, dep, hall, MONDAY_9 + MIN, on_duty=frozenset()) == [("raised", "window_unstaffed", "1", "yellow")]
    assert run(board, dep, hall, MONDAY_9 + 15 * MIN, on_duty=frozenset()) == []
    assert run(board, dep, hall, MONDAY_9 + 17 * MIN, on_duty=frozenset()) == [
        ("escalated", "window_unstaffed", "1", "red")
    ]  # 16 min after it was first seen
    assert run(board, dep, hall, MONDAY_9 + 18 * MIN, on_duty=frozenset({"c1"})) == [
        ("cleared", "window_unstaffed", "1", "red")
    ]
    run(board, dep, hall, MONDAY_9 + 19 * MIN, on_duty=frozenset())
    hall.sign_out(1, now=MONDAY_9 + 20 * MIN)
    assert run(board, dep, hall, MONDAY_9 + 20 * MIN, on_duty=frozenset()) == [
        ("cleared", "window_unstaffed", "1", "yellow")
    ]


def test_open_window_with_no_clerk_recorded_is_red_at_once(dep) -> None:
    from server.core import WindowState, WindowStatus

    cfg = dep.hall("s")
    broken = Situation(cfg, [], [WindowState(2, WindowStatus.OPEN, clerk=None)], tz=TZ)
    (f,) = evaluate(broken, MONDAY_9)
    assert (f.kind, f.subject, f.level) == (Kind.UNSTAFFED, "2", Level.RED)


def _device(health=(), last_seen=None, created_at=MONDAY_9 - 3600) -> DeviceInfo:
    return DeviceInfo(7, "kiosk", "大厅1号机", None, created_at, last_seen, list(health))


def test_device_fault_yellow_for_warn_red_for_fail_clears_when_ok(dep) -> None:
    board = Board()
    paper_low = {"device": "printer", "level": "WARN", "detail_zh": "纸将尽", "detail_en": "paper low"}
    paper_out = {"device": "printer", "level": "FAIL", "detail_zh": "打印机缺纸", "detail_en": "paper out"}
    ok = {"device": "printer", "level": "OK", "detail_zh": "正常", "detail_en": "ok"}
    now = MONDAY_9
    assert run(board, dep, None, now, devices=[_device([ok], now)]) == []
    assert run(board, dep, None, now, devices=[_device([paper_low], now)]) == [
        ("raised", "device_fault", "7", "yellow")
    ]
    assert run(board, dep, None, now, devices=[_device([paper_out], now)]) == [
        ("escalated", "device_fault", "7", "red")
    ]
    (f,) = evaluate(situation(dep, devices=[_device([paper_out], now)]), now)
    assert "打印机缺纸" in f.zh and "paper out" in f.en
    assert run(board, dep, None, now, devices=[_device([ok], now)]) == [("cleared", "device_fault", "7", "red")]
    assert run(board, dep, None, now, devices=[_device([paper_out], now)]) == [("raised", "device_fault", "7", "red")]


def test_device_silence_while_open_yellow_then_red_and_clears_on_heartbeat(dep) -> None:
    board = Board()
    seen = MONDAY_9
    silent = 180.0
    kw = {"silent_after_s": silent}
    assert run(board, dep, None, seen + silent, devices=[_device(last_seen=seen)], **kw) == []
    assert run(board, dep, None, seen + silent + 1, devices=[_device(last_seen=seen)], **kw) == [
        ("raised", "device_silent", "7", "yellow")
    ]
    assert run(board, dep, None, seen + SILENT_RED_FACTOR * silent + 1, devices=[_device(last_seen=seen)], **kw) == [
        ("escalated", "device_silent", "7", "red")
    ]
    later = seen + 3600
    assert run(board, dep, None, later, devices=[_device(last_seen=later - 5)], **kw) == [
        ("cleared", "device_silent", "7", "red")
    ]
    # a device that was added and never reported counts from when it was added
    (f,) = evaluate(situation(dep, devices=[_device(created_at=MONDAY_9 - 600)], silent_after_s=silent), MONDAY_9)
    assert f.kind is Kind.DEVICE_SILENT and "从未上报心跳" in f.zh


def test_device_silence_is_not_watched_outside_opening_hours(dep) -> None:
    cal, cfg = WorkCalendar(dep.calendar), dep.hall("s")
    night, lunch, holiday = at("2026-09-21", "22:00"), at("2026-09-21", "12:30"), at("2026-10-01", "10:00")
    assert hall_open(cfg, cal, TZ, MONDAY_9)
    assert not any(hall_open(cfg, cal, TZ, when) for when in (night, lunch, holiday))
    board = Board()
    dev = [_device(last_seen=MONDAY_9)]
    run(board, dep, None, MONDAY_9 + 600, devices=dev)
    assert [k for _, k, _, _ in board.pushed] == ["device_silent"]
    assert run(board, dep, None, night, devices=dev, hall_open=False) == [("cleared", "device_silent", "7", "yellow")]


def test_followup_overdue_yellow_at_contact_deadline_red_at_close_deadline_clears_when_closed(dep) -> None:
    board = Board()
    contact_due, close_due = at("2026-09-23", "00:00"), at("2026-09-25", "00:00")
    fu = FollowupInfo(3, "A007", "S1", 1, "open", contact_due, close_due)
    assert run(board, dep, None, contact_due - 1, followups=[fu]) == []
    assert run(board, dep, None, contact_due + 1, followups=[fu]) == [("raised", "followup_overdue", "3", "yellow")]
    contacted = FollowupInfo(3, "A007", "S1", 1, "contacted", contact_due, close_due)
    assert run(board, dep, None, contact_due + 2, followups=[contacted]) == [
        ("cleared", "followup_overdue", "3", "yellow")
    ]
    assert run(board, dep, None, close_due + 1, followups=[contacted]) == [("raised", "followup_overdue", "3", "red")]
    (f,) = evaluate(situation(dep, followups=[contacted]), close_due + 1)
    assert "未在 2026-09-25 00:00 前办结" in f.zh
    closed = FollowupInfo(3, "A007", "S1", 1, "closed", contact_due, close_due)
    assert run(board, dep, None, close_due + 2, followups=[closed]) == [("cleared", "followup_overdue", "3", "red")]

"""Issue 17 in the core: the bounded priority rule (DOMAIN rule 4), the estimate's printed range and
"beyond closing", and the tide controller weighing the window it would take (DOMAIN rule 5).

Test hall (core_helpers): S1–S4, target_wait_min 20 each, so an ordinary ticket's bound is
max(60, 6 × 20) = 120 min; window 1 [S1 S2], 2 [S2] then [S1 after 20], 3 green [S3] then [S1 S2],
4 [S4] and 5 [S4] then [S3] tide-eligible.
"""

from __future__ import annotations

import datetime as dt

from core_helpers import HALL_CONFIG, MIN, MONDAY_9, TZ, make_hall

from server.core import Lane, Outcome
from server.core.wait import estimate_range

BOUND_MIN = max(HALL_CONFIG.lanes.ordinary_bound_min, HALL_CONFIG.lanes.ordinary_bound_factor * 20)


def open_windows(hall, *numbers, now=MONDAY_9):
    for n in numbers:
        hall.sign_in(n, f"clerk{n}", now=now)


def at(hhmm: str) -> float:
    return dt.datetime.fromisoformat(f"2026-09-21T{hhmm}:00").replace(tzinfo=TZ).timestamp()


def test_priority_goes_first_however_late_it_came():
    hall = make_hall()
    hall.issue("S1", now=MONDAY_9)
    p = hall.issue("S1", Lane.PRIORITY, now=MONDAY_9 + 50 * MIN).ticket  # far beyond any bonus
    open_windows(hall, 1, now=MONDAY_9 + 50 * MIN)
    call = hall.call_next(1, now=MONDAY_9 + 51 * MIN)
    assert call.ticket.id == p.id and call.reason_zh == "优先通道，已等 1 分钟"


def test_a_priority_visitor_is_called_by_any_window_able_to_serve_them():
    hall = make_hall()
    hall.issue("S2", now=MONDAY_9)  # window 2's first service, waiting longer
    p = hall.issue("S1", Lane.PRIORITY, now=MONDAY_9 + 2 * MIN).ticket  # S1 is window 2's second tier
    open_windows(hall, 2)
    call = hall.call_next(2, now=MONDAY_9 + 3 * MIN)
    assert call.ticket.id == p.id and call.reason_en == "priority lane, waited 1 min"


def test_an_ordinary_ticket_at_its_bound_goes_ahead_of_everyone_after_it():
    hall = make_hall()
    old = hall.issue("S1", now=MONDAY_9).ticket
    late = MONDAY_9 + BOUND_MIN * MIN
    ps = [hall.issue("S1", Lane.PRIORITY, now=MONDAY_9 + m * MIN).ticket for m in (10, BOUND_MIN - 1)]
    open_windows(hall, 1, now=late)
    # one minute before the bound, priority still goes first
    assert hall.call_next(1, now=late - MIN).ticket.id == ps[0].id
    hall.no_show(1, now=late - MIN)
    call = hall.call_next(1, now=late)
    assert call.ticket.id == old.id
    assert call.reason_zh.startswith(f"普通号 业务一 已等 {BOUND_MIN:.0f} 分钟，达到等候上限 {BOUND_MIN:.0f} 分钟")
    assert "reached its" in call.reason_en
    assert hall.waiting("S1")[0].id == ps[1].id


def test_a_green_channel_window_says_so():
    hall = make_hall()
    open_windows(hall, 3)
    hall.issue("S3", now=MONDAY_9)
    p = hall.issue("S2", Lane.PRIORITY, now=MONDAY_9 + 30 * MIN).ticket
    call = hall.call_next(3, now=MONDAY_9 + 31 * MIN)
    assert call.ticket.id == p.id and call.reason_zh.startswith("绿色通道窗口优先叫号")


def test_a_requeued_priority_ticket_stays_in_its_class_and_in_time():
    hall = make_hall()
    open_windows(hall, 1)
    p = hall.issue("S1", Lane.PRIORITY, now=MONDAY_9).ticket
    hall.issue("S1", now=MONDAY_9 + MIN)
    hall.call_next(1, now=MONDAY_9 + 2 * MIN)
    hall.no_show(1, now=MONDAY_9 + 3 * MIN)
    back = hall.requeue(p.id, now=MONDAY_9 + 5 * MIN)
    assert back.queued_at <= MONDAY_9 + 5 * MIN  # never moved into the future
    assert hall.waiting("S1")[0].id == p.id  # still ahead of the ordinary ticket


def test_the_estimate_prints_a_range_around_the_point():
    hall = make_hall()
    for i in range(6):
        hall.issue("S2", now=MONDAY_9 + i)
    open_windows(hall, 1, 2)
    for w in (1, 2):
        hall.call_next(w, now=MONDAY_9 + MIN)
    issued = hall.issue("S2", now=MONDAY_9 + MIN)
    e = issued.estimate
    assert e is not None and e.ahead == issued.ahead == 4
    # 5 visits at two 10-minute windows: a wait of mean 5 × 10 / 2 minutes; the point is its median
    assert e.wait_s == issued.estimated_wait_s == estimate_range(4, 10 * MIN, 2, 0)[0] < 5 * 10 * MIN / 2
    assert 0 < e.low_s < e.wait_s < e.high_s
    low, high = e.range_min()
    assert low * 60 <= e.low_s and high * 60 >= e.high_s and high > low
    assert not e.beyond_closing and e.closes_at == at("12:00")
    assert hall.estimate(issued.ticket.id, now=MONDAY_9 + MIN) == e


def test_beyond_closing_is_said_when_the_range_passes_closing_time():
    hall = make_hall()
    open_windows(hall, 2, now=at("11:00"))
    hall.call_next(2, now=at("11:00"))
    for _ in range(3):
        hall.issue("S2", now=at("11:20"))
    # 4 ten-minute visits at one window from 11:20: the range's high end passes 12:00
    late = hall.issue("S2", now=at("11:20")).estimate
    assert late.beyond_closing and late.closes_at == at("12:00")
    early = hall.issue("S4", now=at("11:20")).estimate  # nobody ahead, no window: one 8-min visit
    assert not early.beyond_closing
    after_hours = hall.issue("S2", now=at("12:30"), check_hours=False).estimate
    assert after_hours.beyond_closing  # issued while the service is closed


def test_tide_does_not_move_a_window_whose_own_service_would_lose_more():
    # the old controller ranked windows by their first tier's queue only and would move window 4 or 5
    # here; S4 has 20 waiting at those two windows, so taking one away costs more than S1 gains
    hall = make_hall()
    open_windows(hall, 1, 4, 5)
    for _ in range(20):
        hall.issue("S4", now=MONDAY_9, check_hours=False)
    for _ in range(6):
        hall.issue("S1", now=MONDAY_9, check_hours=False)
    hall.drain_events()
    for minutes in range(0, 6):
        hall.tick(now=MONDAY_9 + minutes * MIN)
    events = [e for e in hall.drain_events() if e.kind.startswith("tide.") and e.service == "S1"]
    assert [e.kind for e in events] == ["tide.requested"]
    assert "得不偿失" in events[0].reason_zh and "cost its own services more" in events[0].reason_en
    hall2 = make_hall()  # the same S1 queue with S4 empty: window 4 opens, with its weighing
    open_windows(hall2, 1, 4, 5)
    for _ in range(6):
        hall2.issue("S1", now=MONDAY_9, check_hours=False)
    for minutes in range(0, 6):
        hall2.tick(now=MONDAY_9 + minutes * MIN)
    opened = [e for e in hall2.drain_events() if e.kind == "tide.opened"]
    assert [e.window.number for e in opened] == [4] and "人·分钟" in opened[0].reason_zh


def test_a_tide_window_goes_back_when_its_own_services_suffer():
    hall = make_hall()
    open_windows(hall, 1, 4)
    for _ in range(8):
        hall.issue("S1", now=MONDAY_9, check_hours=False)
    for minutes in range(0, 6):
        hall.tick(now=MONDAY_9 + minutes * MIN)
    assert hall.window(4).tide_service == "S1"
    hall.drain_events()
    now = MONDAY_9 + 6 * MIN
    for _ in range(4):  # S1 is relieved …
        call = hall.call_next(1 if hall.window(1).current is None else 4, now=now)
        hall.start(call.ticket.window, now=now)
        hall.finish(call.ticket.window, Outcome.COMPLETED, now=now)
    for _ in range(15):  # … and S4, which window 4 left, piles up
        hall.issue("S4", now=now, check_hours=False)
    for minutes in range(6, 20):
        hall.tick(now=MONDAY_9 + minutes * MIN)
    closed = [e for e in hall.drain_events() if e.kind == "tide.closed"]
    assert closed and closed[0].window.number == 4 and "归还原业务" in closed[0].reason_zh
    assert hall.window(4).tide_service is None


def test_a_priority_ticket_first_in_line_is_told_when_the_first_able_window_frees_up():
    """Strict priority: a priority ticket first in its lane is called by the first window able to
    serve it that frees up, so its point estimate follows how long the visits under way have lasted
    (the configured 8 minutes until visits are measured)."""
    hall = make_hall()
    open_windows(hall, 4, 5)
    for _ in range(2):
        hall.issue("S4", now=MONDAY_9)
    for w in (4, 5):
        hall.call_next(w, now=MONDAY_9)
        hall.start(w, now=MONDAY_9)
    hall.issue("S4", now=MONDAY_9 + 1)  # an ordinary ticket: the priority one goes ahead of it
    issued = hall.issue("S4", Lane.PRIORITY, now=MONDAY_9 + MIN)
    early, late = issued.estimate, hall.estimate(issued.ticket.id, now=MONDAY_9 + 6 * MIN)
    assert early.ahead == late.ahead == 0
    assert early.wait_s == 7 * MIN and late.wait_s == 2 * MIN  # 8 minutes less what has passed
    assert hall.estimate_new("S4", Lane.NORMAL, now=MONDAY_9 + 6 * MIN).wait_s > late.wait_s
    assert early.low_s <= early.wait_s <= early.high_s

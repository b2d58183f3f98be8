"""The hall's rules, one behaviour per test, as visitors, clerks and managers see them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from core_helpers import HALL_CONFIG, MIN, MONDAY_9, TZ, kinds, make_hall

from server.core import Lane, Outcome, Refused, TicketState, WindowStatus, checkin_lane, events
from server.core.wait import estimate_range


def at(day: str, hhmm: str) -> float:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=TZ).timestamp()


def open_windows(hall, *numbers, now=MONDAY_9):
    for n in numbers:
        hall.sign_in(n, f"clerk{n}", now=now)


# ── numbering ──────────────────────────────────────────────────────────────────────────────────

def test_numbers_count_per_service_and_restart_each_day_keeping_history():
    hall = make_hall()
    a1 = hall.issue("S1", now=MONDAY_9).ticket
    a2 = hall.issue("S1", now=MONDAY_9 + 1).ticket
    b1 = hall.issue("S2", now=MONDAY_9 + 2).ticket
    assert (a1.number, a2.number, b1.number) == ("A001", "A002", "B001")
    assert a1.id == "t-20260921-A001" and a1.day == "2026-09-21"
    tuesday = hall.issue("S1", now=MONDAY_9 + 24 * 3600).ticket
    assert tuesday.number == "A001" and tuesday.id == "t-20260922-A001"
    assert {t.id for t in hall.tickets()} >= {a1.id, a2.id, tuesday.id}  # history untouched


def test_daily_cap_refuses_the_next_number_and_changes_nothing():
    hall = make_hall()
    for i in range(50):  # S1 daily_cap = 50
        hall.issue("S1", now=MONDAY_9 + i)
    hall.drain_events()
    with pytest.raises(Refused) as info:
        hall.issue("S1", now=MONDAY_9 + 60)
    assert info.value.code == "daily_cap" and "号源已满（50 个）" in info.value.zh
    assert "50 tickets" in info.value.en
    assert hall.drain_events() == [] and len(hall.tickets()) == 50


def test_a_rebuilt_hall_never_repeats_a_number_of_the_day():
    hall = make_hall()
    for i in range(3):
        hall.issue("S1", now=MONDAY_9 + i)
    hall.cancel("t-20260921-A003", now=MONDAY_9 + 10)  # cancelled numbers stay used
    again = make_hall(tickets=hall.tickets(), windows=hall.windows())
    assert again.issue("S1", now=MONDAY_9 + 20).ticket.number == "A004"


# ── hours: "5+X", holidays (004 第三十五条) ─────────────────────────────────────────────────────

def test_no_tickets_outside_hours_and_the_refusal_says_todays_hours():
    hall = make_hall()
    with pytest.raises(Refused) as info:
        hall.issue("S1", now=at("2026-09-21", "07:50"))
    assert info.value.code == "closed"
    assert "办理时间 08:30-12:00、13:30-17:30" in info.value.zh
    assert "取号时间 08:30-11:45、13:30-17:15" in info.value.zh
    assert "tickets 08:30-11:45, 13:30-17:15" in info.value.en
    assert hall.drain_events() == []


def test_kiosks_stop_issuing_before_closing():
    hall = make_hall()
    assert hall.is_open("S1", now=at("2026-09-21", "11:44"))
    assert not hall.is_open("S1", now=at("2026-09-21", "11:46"))  # issue_stop_before_close_min = 15
    assert not hall.is_open("S1", now=at("2026-09-21", "12:30"))  # lunch break
    assert hall.is_open("S1", now=at("2026-09-21", "13:30"))


def test_saturday_is_the_x_only_for_extended_services():
    hall = make_hall()
    sat = at("2026-09-26", "10:00")
    assert hall.is_open("S3", now=sat) and not hall.is_open("S1", now=sat)
    with pytest.raises(Refused) as info:
        hall.issue("S1", now=sat)
    assert "周六" in info.value.zh and "不办理" in info.value.zh


def test_holidays_close_and_make_up_days_open():
    hall = make_hall()
    assert not hall.is_open("S1", now=at("2026-10-01", "10:00"))  # 国庆 (Thursday)
    assert hall.is_open("S1", now=at("2026-10-10", "10:00"))  # 调休 Saturday works like a weekday
    assert hall.issue("S1", now=at("2026-10-01", "10:00"), check_hours=False).ticket.number == "A001"


# ── dispatch (DOMAIN rule 4, work profiles, 绿色通道, 潮汐窗口) ──────────────────────────────────

def test_priority_goes_ahead_but_only_within_its_bonus():
    # the older rule, kept as [lanes] rule = "bonus" (the simulator's policy "lanes")
    hall = make_hall(HALL_CONFIG.model_copy(update={"lanes": HALL_CONFIG.lanes.model_copy(update={"rule": "bonus"})}))
    hall.issue("S1", now=MONDAY_9)  # A001
    p_late = hall.issue("S1", Lane.PRIORITY, now=MONDAY_9 + 25 * MIN).ticket  # beyond the 20 min bonus
    open_windows(hall, 1, now=MONDAY_9 + 25 * MIN)
    assert hall.call_next(1, now=MONDAY_9 + 26 * MIN).ticket.number == "A001"
    hall.issue("S1", now=MONDAY_9 + 26 * MIN)  # A003
    p_soon = hall.issue("S1", Lane.PRIORITY, now=MONDAY_9 + 30 * MIN).ticket  # within the bonus
    hall.no_show(1, now=MONDAY_9 + 31 * MIN)
    call = hall.call_next(1, now=MONDAY_9 + 31 * MIN)
    assert call.ticket.id == p_late.id and call.reason_zh == "优先通道，已等 6 分钟"
    hall.no_show(1, now=MONDAY_9 + 32 * MIN)
    assert hall.call_next(1, now=MONDAY_9 + 32 * MIN).ticket.id == p_soon.id
    assert [t.number for t in hall.waiting("S1")] == ["A003"]


def test_secondary_service_jumps_ahead_after_its_wait_limit():
    hall = make_hall()
    open_windows(hall, 2)
    hall.issue("S1", now=MONDAY_9)
    hall.issue("S2", now=MONDAY_9 + 10 * MIN)
    first = hall.call_next(2, now=MONDAY_9 + 15 * MIN)  # S1 waited 15 < 20: first tier wins
    assert first.ticket.service == "S2" and first.reason_zh == "本窗口首选业务，已等 5 分钟"
    hall.no_show(2, now=MONDAY_9 + 16 * MIN)
    hall.issue("S2", now=MONDAY_9 + 17 * MIN)
    second = hall.call_next(2, now=MONDAY_9 + 23 * MIN)
    assert second.ticket.service == "S1"
    assert second.reason_zh == "次要业务 业务一 已等 23 分钟（超过 20 分钟）"
    assert second.reason_en == "secondary service Service one waited 23 min (over 20 min)"


def test_an_overdue_secondary_service_never_starves_a_longer_waiting_first_service():
    # an overloaded secondary service jumps ahead of newer first-tier visitors, not older ones
    hall = make_hall()
    open_windows(hall, 2)
    older_s2 = hall.issue("S2", now=MONDAY_9).ticket
    hall.issue("S1", now=MONDAY_9 + 5 * MIN)
    call = hall.call_next(2, now=MONDAY_9 + 30 * MIN)  # S1 waited 25 > 20, but S2 waited 30
    assert call.ticket.id == older_s2.id and call.reason_zh == "本窗口首选业务，已等 30 分钟"
    hall.no_show(2, now=MONDAY_9 + 31 * MIN)
    assert hall.call_next(2, now=MONDAY_9 + 31 * MIN).ticket.service == "S1"


def test_later_tier_is_served_when_the_first_is_empty():
    hall = make_hall()
    open_windows(hall, 3)
    hall.issue("S1", now=MONDAY_9)
    call = hall.call_next(3, now=MONDAY_9 + 2 * MIN)
    assert call.ticket.service == "S1" and call.reason_zh.startswith("首选业务无人等候")


def test_green_channel_window_takes_priority_tickets_first():
    hall = make_hall()
    open_windows(hall, 3)
    hall.issue("S3", now=MONDAY_9)  # its first-tier service, waiting longer
    p = hall.issue("S2", Lane.PRIORITY, now=MONDAY_9 + 30 * MIN).ticket
    call = hall.call_next(3, now=MONDAY_9 + 31 * MIN)
    assert call.ticket.id == p.id and call.reason_zh.startswith("绿色通道窗口优先叫号")


def test_nobody_waiting_for_the_window_is_none_and_no_event():
    hall = make_hall()
    open_windows(hall, 4)
    hall.drain_events()
    hall.issue("S1", now=MONDAY_9)
    assert kinds(hall) == ["ticket.issued"]
    assert hall.call_next(4, now=MONDAY_9) is None and hall.drain_events() == []


def test_closed_paused_and_busy_windows_cannot_call():
    hall = make_hall()
    hall.issue("S1", now=MONDAY_9)
    hall.issue("S1", now=MONDAY_9)
    with pytest.raises(Refused, match="未签到") as info:
        hall.call_next(1, now=MONDAY_9)
    assert info.value.code == "window_closed"
    open_windows(hall, 1)
    hall.call_next(1, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.call_next(1, now=MONDAY_9)
    assert info.value.code == "window_busy" and "A001" in info.value.zh
    hall.no_show(1, now=MONDAY_9)
    hall.pause(1, "去3楼开会", MONDAY_9 + 30 * MIN, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.call_next(1, now=MONDAY_9)
    assert info.value.code == "window_paused" and "去3楼开会" in info.value.zh


# ── recall, no-show, 过号重排 ────────────────────────────────────────────────────────────────────

def test_recall_up_to_the_limit_then_only_no_show():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9)
    assert hall.recall(1, now=MONDAY_9 + 60).recalls == 1
    assert hall.recall(1, now=MONDAY_9 + 120).state is TicketState.RECALLED
    with pytest.raises(Refused) as info:
        hall.recall(1, now=MONDAY_9 + 180)
    assert info.value.code == "recall_limit" and "请标记过号" in info.value.zh
    assert hall.no_show(1, now=MONDAY_9 + 180).state is TicketState.NO_SHOW
    assert hall.window(1).current is None


def test_a_returning_no_show_goes_behind_k_waiting_tickets():
    hall = make_hall()
    open_windows(hall, 1)
    missed = hall.issue("S1", now=MONDAY_9).ticket
    for i in range(4):
        hall.issue("S1", now=MONDAY_9 + (i + 1) * MIN)
    hall.call_next(1, now=MONDAY_9 + 5 * MIN)
    hall.no_show(1, now=MONDAY_9 + 6 * MIN)
    back = hall.requeue(missed.id, now=MONDAY_9 + 20 * MIN)  # requeue_behind = 2
    assert back.state is TicketState.WAITING and back.requeues == 1
    assert [t.number for t in hall.waiting("S1")] == ["A002", "A003", "A001", "A004", "A005"]
    assert hall.ahead_of(missed.id) == 2
    assert hall.call_next(1, now=MONDAY_9 + 21 * MIN).ticket.number == "A002"


def test_requeue_too_late_is_refused():
    hall = make_hall()
    open_windows(hall, 1)
    t = hall.issue("S1", now=MONDAY_9).ticket
    hall.call_next(1, now=MONDAY_9)
    hall.no_show(1, now=MONDAY_9 + MIN)
    with pytest.raises(Refused) as info:
        hall.requeue(t.id, now=MONDAY_9 + 32 * MIN)  # requeue_within_min = 30
    assert info.value.code == "requeue_expired" and "请重新取号" in info.value.zh
    assert hall.ticket(t.id).state is TicketState.NO_SHOW


def test_illegal_transitions_name_the_state_and_the_action():
    hall = make_hall()
    open_windows(hall, 1)
    t = hall.issue("S1", now=MONDAY_9).ticket
    hall.call_next(1, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.finish(1, Outcome.COMPLETED, now=MONDAY_9)
    assert info.value.code == "illegal_transition"
    assert str(info.value) == "票号 t-20260921-A001 已叫号，不能办结 (ticket t-20260921-A001 is called: cannot finish)"
    with pytest.raises(Refused) as info:
        hall.requeue(t.id, now=MONDAY_9)
    assert "不能过号重排" in info.value.zh


# ── start, finish, transfer ──────────────────────────────────────────────────────────────────────

def test_a_visit_from_call_to_done():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9 + MIN)
    hall.start(1, now=MONDAY_9 + 2 * MIN)
    done = hall.finish(1, Outcome.SUPPLEMENT, now=MONDAY_9 + 9 * MIN)
    assert (done.state, done.outcome, done.clerk, done.window) == (
        TicketState.DONE, Outcome.SUPPLEMENT, "clerk1", 1)
    assert kinds(hall)[-3:] == ["ticket.called", "ticket.started", "ticket.finished"]
    assert hall.mean_service_s("S1") == 7 * MIN


def test_transfer_keeps_the_place_in_time():
    hall = make_hall()
    open_windows(hall, 1)
    first = hall.issue("S1", now=MONDAY_9).ticket
    later = hall.issue("S2", now=MONDAY_9 + 5 * MIN).ticket
    hall.call_next(1, now=MONDAY_9 + 6 * MIN)
    hall.start(1, now=MONDAY_9 + 6 * MIN)
    with pytest.raises(Refused) as info:
        hall.transfer(1, "S1", now=MONDAY_9 + 7 * MIN)
    assert info.value.code == "same_service"
    cont = hall.transfer(1, "S2", now=MONDAY_9 + 8 * MIN, note="需补充办理业务二")
    assert cont.id == first.id + "-T1" and cont.number == "A001" and cont.service == "S2"
    assert (cont.issued_at, cont.queued_at, cont.transferred_from) == (MONDAY_9, MONDAY_9, first.id)
    orig = hall.ticket(first.id)
    assert orig.state is TicketState.TRANSFERRED and orig.transferred_to == cont.id
    # its original issue time puts it ahead of the S2 ticket issued later
    assert [t.id for t in hall.waiting("S2")] == [cont.id, later.id]
    assert hall.call_next(1, now=MONDAY_9 + 9 * MIN).ticket.id == cont.id


def test_open_tickets_are_the_ones_not_done_with_and_where_a_transfer_came_from():
    """What supervision's sweep looks at: a waiting and a served visitor, not the day's finished ones; a
    transferred visitor's original ticket comes along (the wait counts from its issue)."""
    hall = make_hall()
    open_windows(hall, 1)
    done = hall.issue("S1", now=MONDAY_9).ticket
    hall.call_next(1, now=MONDAY_9)
    hall.start(1, now=MONDAY_9)
    hall.finish(1, Outcome.COMPLETED, now=MONDAY_9 + 5 * MIN)
    moved = hall.issue("S1", now=MONDAY_9 + MIN).ticket
    waiting = hall.issue("S2", now=MONDAY_9 + 2 * MIN).ticket
    hall.call_next(1, now=MONDAY_9 + 6 * MIN)
    hall.start(1, now=MONDAY_9 + 6 * MIN)
    cont = hall.transfer(1, "S2", now=MONDAY_9 + 8 * MIN)
    later = hall.issue("S1", now=MONDAY_9 + 9 * MIN).ticket
    called = hall.call_next(1, now=MONDAY_9 + 10 * MIN).ticket  # one of the three is at the window now
    ids = [t.id for t in hall.open_tickets()]
    assert called.id in ids and done.id not in ids
    assert sorted(ids[:-1]) == sorted([cont.id, waiting.id, later.id])
    assert ids[-1] == moved.id  # the source, after the open ones
    assert hall.ticket(moved.id).state is TicketState.TRANSFERRED


# ── pause, takeover, sign-in/out (004 第十二、十三条) ────────────────────────────────────────────

def test_pause_records_why_and_until_and_needs_no_current_ticket():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.pause(1, "午饭", None, now=MONDAY_9)
    assert info.value.code == "window_busy"
    hall.no_show(1, now=MONDAY_9 + MIN)
    with pytest.raises(Refused) as info:
        hall.pause(1, "  ", None, now=MONDAY_9)
    assert info.value.code == "pause_reason_missing"
    w = hall.pause(1, "到后台取材料", MONDAY_9 + 10 * MIN, now=MONDAY_9 + 2 * MIN)
    assert (w.status, w.pause_reason, w.pause_until) == (
        WindowStatus.PAUSED, "到后台取材料", MONDAY_9 + 10 * MIN)
    assert hall.resume(1, now=MONDAY_9 + 9 * MIN).status is WindowStatus.OPEN
    with pytest.raises(Refused) as info:
        hall.resume(1, now=MONDAY_9 + 9 * MIN)
    assert info.value.code == "window_not_paused"


def test_takeover_hands_the_window_and_its_current_ticket_to_the_b_clerk():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9)
    hall.start(1, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.sign_in(1, "clerkB", now=MONDAY_9)
    assert info.value.code == "window_taken"
    w = hall.takeover(1, "clerkB", now=MONDAY_9 + MIN)
    assert w.clerk == "clerkB" and w.current == "t-20260921-A001"
    assert hall.finish(1, Outcome.COMPLETED, now=MONDAY_9 + 5 * MIN).clerk == "clerkB"
    last = hall.drain_events()
    takeover = next(e for e in last if e.kind == "window.takeover")
    assert takeover.previous_clerk == "clerk1"


def test_sign_out_refused_while_a_ticket_is_current():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S1", now=MONDAY_9)
    hall.call_next(1, now=MONDAY_9)
    with pytest.raises(Refused) as info:
        hall.sign_out(1, now=MONDAY_9)
    assert info.value.code == "window_busy"
    hall.no_show(1, now=MONDAY_9)
    w = hall.sign_out(1, now=MONDAY_9)
    assert (w.status, w.clerk) == (WindowStatus.CLOSED, None)


# ── waiting time ─────────────────────────────────────────────────────────────────────────────────

def test_estimated_wait_uses_position_windows_and_recent_service_times():
    hall = make_hall()
    for i in range(4):
        hall.issue("S2", now=MONDAY_9 + i)
    open_windows(hall, 1, 2)
    for w in (1, 2):
        hall.call_next(w, now=MONDAY_9 + MIN)  # both busy, 2 still waiting
    # nobody waits for S1, so window 1 (S1 + S2) gives S2 all its time, as window 2 does:
    # the newcomer is third in line at two busy windows of 10-minute visits: a wait of mean 3 × 10 / 2,
    # whose median is the point estimate
    assert hall.estimate_wait("S2", now=MONDAY_9 + MIN) == (2, estimate_range(2, 10 * MIN, 2, 0)[0])
    assert estimate_range(2, 10 * MIN, 2, 0)[0] < 15 * MIN
    for w in (1, 2):
        hall.start(w, now=MONDAY_9 + MIN)
        hall.finish(w, Outcome.COMPLETED, now=MONDAY_9 + 6 * MIN)
    assert hall.mean_service_s("S2") == 5 * MIN  # measured visits replace the configured 10 min
    issued = hall.issue("S2", Lane.NORMAL, now=MONDAY_9 + 6 * MIN)
    # both windows idle now: they take two of the three at once; one more 5-minute visit / 2 (mean)
    assert issued.ahead == 2 and issued.estimated_wait_s == estimate_range(2, 5 * MIN, 2, 2)[0]
    assert 0 < issued.estimated_wait_s < round(5 * MIN / 2)
    # a ticket already in the queue gets the same estimate at its own place (the tracking page uses it)
    assert hall.estimate_for(issued.ticket.id) == (issued.ahead, issued.estimated_wait_s)
    first = hall.waiting("S2")[0]
    assert hall.estimate_for(first.id)[0] == 0
    called = hall.call_next(1, now=MONDAY_9 + 7 * MIN)
    assert called is not None and hall.estimate_for(called.ticket.id) == (0, 0)


def test_visits_measured_at_zero_seconds_do_not_break_the_estimate():
    hall = make_hall()
    open_windows(hall, 2)
    for _ in range(3):
        hall.issue("S2", now=MONDAY_9)
        hall.call_next(2, now=MONDAY_9)
        hall.start(2, now=MONDAY_9)
        hall.finish(2, Outcome.COMPLETED, now=MONDAY_9)  # start and finish in the same instant
    assert hall.mean_service_s("S2") == 0
    issued = hall.issue("S2", now=MONDAY_9)
    assert issued.ahead == 0 and issued.estimated_wait_s == 0


def test_a_window_shared_with_a_busier_service_counts_for_less():
    hall = make_hall()
    open_windows(hall, 1)
    hall.issue("S2", now=MONDAY_9)
    alone = hall.estimate_wait("S2", now=MONDAY_9)[1]
    for i in range(3):
        hall.issue("S1", now=MONDAY_9 + i)
    # the idle window takes the S2 ticket ahead at once: one 10-minute visit to wait for (its median)
    assert alone == estimate_range(1, 10 * MIN, 1, 1)[0]
    # with 3 S1 tickets as well, S2 (2 visits with the newcomer) gets 2/5 of window 1's time
    assert hall.estimate_wait("S2", now=MONDAY_9 + 5) == (1, estimate_range(1, 10 * MIN, 0.4, 1)[0])
    assert estimate_range(1, 10 * MIN, 0.4, 1)[0] == round(alone / 0.4)
    # a priority newcomer goes ahead of everyone queued less than 20 min before it
    assert hall.estimate_wait("S2", Lane.PRIORITY, now=MONDAY_9 + 5) == (0, 0)


def test_appointment_check_in_lane():
    hall = make_hall()
    rules = hall.config.lanes
    slot = MONDAY_9 + 60 * MIN
    assert checkin_lane(rules, slot, slot - 30 * MIN) is Lane.APPOINTMENT
    assert checkin_lane(rules, slot, slot + 15 * MIN) is Lane.APPOINTMENT
    assert checkin_lane(rules, slot, slot + 16 * MIN) is Lane.NORMAL  # late: walk-in lane
    with pytest.raises(Refused) as info:
        checkin_lane(rules, slot, slot - 45 * MIN)
    assert info.value.code == "appointment_early" and "15 分钟后" in info.value.zh


# ── events ───────────────────────────────────────────────────────────────────────────────────────

def test_events_are_json_and_replay_into_the_same_state():
    hall = make_hall()
    open_windows(hall, 1, 2)
    for i in range(3):
        hall.issue("S1", now=MONDAY_9 + i)
    hall.call_next(1, now=MONDAY_9 + MIN)
    hall.start(1, now=MONDAY_9 + MIN)
    hall.transfer(1, "S2", now=MONDAY_9 + 2 * MIN)
    hall.call_next(2, now=MONDAY_9 + 3 * MIN)
    hall.pause(1, "接电话", None, now=MONDAY_9 + 3 * MIN)
    stream = [json.loads(json.dumps(e.to_dict(), ensure_ascii=False)) for e in hall.drain_events()]
    assert [e["kind"] for e in stream][:4] == ["window.opened", "window.opened", "ticket.issued",
                                               "ticket.issued"]
    tickets, windows = events.latest_state(stream)
    assert sorted(t.to_dict().items() for t in tickets) == \
        sorted(t.to_dict().items() for t in hall.tickets())
    assert [w.to_dict() for w in sorted(windows, key=lambda w: w.number)] == \
        [w.to_dict() for w in hall.windows() if w.status is not WindowStatus.CLOSED]


def test_unknown_things_are_refused_bilingually():
    hall = make_hall()
    for call, code in [(lambda: hall.issue("NOPE", now=MONDAY_9), "unknown_service"),
                       (lambda: hall.issue("S1", "vip", now=MONDAY_9), "unknown_lane"),
                       (lambda: hall.call_next(99, now=MONDAY_9), "unknown_window"),
                       (lambda: hall.cancel("t-1", now=MONDAY_9), "unknown_ticket"),
                       (lambda: hall.recall(1, now=MONDAY_9), "no_current")]:
        with pytest.raises(Refused) as info:
            call()
        assert info.value.code == code and info.value.zh and info.value.en
        assert str(info.value) == f"{info.value.zh} ({info.value.en})"
    assert hall.drain_events() == []


def test_a_hall_rebuilt_from_inconsistent_storage_does_not_trust_dangling_references():
    hall = make_hall()
    hall.sign_in(1, "clerk1", now=MONDAY_9)
    hall.issue("S1", now=MONDAY_9)
    windows = hall.windows()
    windows[0].current = "t-20260921-A999"  # a ticket that was never stored
    windows[3].tide_service = "GONE"  # a service removed from the configuration
    again = make_hall(tickets=hall.tickets(), windows=windows)
    assert again.window(1).current is None and again.window(4).tide_service is None
    called = again.call_next(1, now=MONDAY_9 + MIN).ticket
    assert called.number == "A001"
    windows = again.windows()
    windows[0].current = None  # the window's record lost its current ticket
    third = make_hall(tickets=again.tickets(), windows=windows)
    assert third.window(1).current == called.id
    assert third.no_show(1, now=MONDAY_9 + 2 * MIN).state is TicketState.NO_SHOW

"""The booking rules of seed 003 §1–7 as pure functions: explicit ``now``, no I/O, no randomness.

* book: open 7×24 (003 §4: 预约实行 7×24 小时服务) — no check of the current hour; blacklist (§7); the
  slot exists, lies ahead and within the horizon (after-hours: listed services, 1–5 working days, §5–6);
  one booking per person per service per day; capacity.
* cancel: any time before the slot starts (§7: 应在第一时间内取消预约).
* check-in: on the booking's day, from ``appointment_early_min`` before the slot; on time → appointment
  lane, later → walk-in lane (``server.core.checkin_lane``); after the check-in window closes → no-show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo

from config import HallConfig, ServiceConfig
from server.core import Lane, WorkCalendar, checkin_lane

from .blacklist import check_not_banned
from .errors import BookingRefused
from .model import Booking, BookingState
from .person import Person
from .policy import BookingPolicy
from .slots import Slot, checkin_closes, find_slot

_STATE_TEXT = {
    BookingState.CHECKED_IN: ("已签到", "already checked in"),
    BookingState.LATE: ("已签到", "already checked in"),
    BookingState.CANCELLED: ("已取消", "cancelled"),
    BookingState.NO_SHOW: ("已过签到时间（未到）", "past its check-in time (not kept)"),
}


def service_of(cfg: HallConfig, code: str) -> ServiceConfig:
    if not cfg.has_service(code):
        raise BookingRefused("unknown_service", f"没有业务 {code}", f"no service {code}")
    return cfg.service(code)


def decide_booking(cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, policy: BookingPolicy, *,
                   service: str, day: dt.date, start_min: int, history: Iterable[Booking],
                   taken: Callable[[Slot], int], now: float) -> Slot:
    """The slot to book, or a refusal. ``history``: the person's verified bookings (any hall, at least the
    last year and a half; empty for an unverified booker, about whom nothing is consulted or revealed);
    ``taken(slot)``: bookings of the slot that are not cancelled."""
    svc = service_of(cfg, service)
    history = list(history)
    check_not_banned([t for b in history if (t := b.no_show_time(now)) is not None], now, tz, policy)
    slot = find_slot(cfg, calendar, tz, policy, svc, day, start_min, now)
    same_day = [b for b in history if b.hall == cfg.id and b.service == svc.code and b.day == day.isoformat()
                and b.state_at(now) is not BookingState.CANCELLED]
    if same_day:  # no code, no ticket: the person finds their booking under 我的预约 (issue 13)
        raise BookingRefused(
            "already_booked", f"您已预约 {day.isoformat()} 的 {svc.name_zh}，同一事项每人每天只能预约一次",
            f"you already booked {svc.name_en} on {day.isoformat()}: one booking per person per service per day")
    if taken(slot) >= slot.capacity:
        raise BookingRefused("slot_full", f"{day.isoformat()} {slot.label} 已约满，请选择其他时段",
                             f"{day.isoformat()} {slot.label} is fully booked: choose another slot")
    return slot


def new_booking(cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, slot: Slot, *, code: str,
                person: Person, secret: bytes, channel: str, now: float) -> Booking:
    svc = cfg.service(slot.service)
    return Booking(
        id=f"{cfg.id}-{code}", code=code, hall=cfg.id, service=svc.code, day=slot.day.isoformat(),
        slot_start=slot.start(tz), slot_end=slot.end(tz),
        closes_at=checkin_closes(cfg, calendar, tz, svc, slot, cfg.lanes.appointment_late_grace_min),
        person_hash=person.key(secret), person_mask=person.mask, channel=channel,
        state=BookingState.BOOKED, after_hours=slot.after_hours, created_at=now)


def cancel(booking: Booking, now: float, tz: ZoneInfo) -> Booking:
    """003 §7: a booking may be cancelled at any time before its slot starts."""
    state = booking.state_at(now)
    if state is not BookingState.BOOKED:
        zh, en = _STATE_TEXT[state]
        raise BookingRefused("not_cancellable", f"该预约{zh}，不能取消", f"this booking is {en}: it cannot be "
                             "cancelled")
    if now >= booking.slot_start:
        start = dt.datetime.fromtimestamp(booking.slot_start, tz).strftime("%H:%M")
        raise BookingRefused("not_cancellable", f"预约时段已于 {start} 开始，不能再取消；请按时到大厅签到",
                             f"the slot started at {start} and can no longer be cancelled: please check in")
    return replace(booking, state=BookingState.CANCELLED, cancelled_at=now)


def checkin_lane_for(cfg: HallConfig, booking: Booking, now: float, tz: ZoneInfo) -> Lane:
    """The lane of the ticket a check-in gets now, or a refusal (early, other day, closed, not open)."""
    state = booking.state_at(now)
    if state in (BookingState.CHECKED_IN, BookingState.LATE):
        raise BookingRefused("already_checked_in", "该预约已签到，请留意叫号",
                             "this booking is already checked in: watch for your number")
    if state is BookingState.CANCELLED:
        raise BookingRefused("booking_cancelled", "该预约已取消，请现场取号",
                             "this booking was cancelled: take a walk-in ticket")
    if state is BookingState.NO_SHOW:
        raise BookingRefused("checkin_closed", "预约签到时间已过，预约记为未到；请现场取号",
                             "the check-in time of this booking is over (recorded as not kept): take a "
                             "walk-in ticket")
    today = dt.datetime.fromtimestamp(now, tz).date().isoformat()
    opens = booking.slot_start - cfg.lanes.appointment_early_min * 60
    if booking.day != today and now < opens:  # (a 00:00 slot may be checked in for from 23:30 the day before)
        raise BookingRefused("not_today", f"您的预约在 {booking.day}，不是今天；今天可现场取号",
                             f"your booking is on {booking.day}, not today: take a walk-in ticket today")
    return checkin_lane(cfg.lanes, booking.slot_start, now)


def checked_in(booking: Booking, lane: Lane, ticket_id: str, now: float) -> Booking:
    state = BookingState.CHECKED_IN if lane is Lane.APPOINTMENT else BookingState.LATE
    return replace(booking, state=state, checked_in_at=now, ticket_id=ticket_id)


def pick_for_checkin(bookings: Iterable[Booking], now: float, tz: ZoneInfo, early_min: float) -> Booking | None:
    """Of a person's bookings in one hall (check-in by phone number), the one to check in now: open
    bookings of today or whose check-in has opened, the earliest slot first."""
    today = dt.datetime.fromtimestamp(now, tz).date().isoformat()
    candidates = sorted((b for b in bookings if b.state_at(now) is BookingState.BOOKED
                         and (b.day == today or b.slot_start - early_min * 60 <= now)),
                        key=lambda b: b.slot_start)
    return candidates[0] if candidates else None

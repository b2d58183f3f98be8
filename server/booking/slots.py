"""Booking slots per service per day, each with a capacity; which days and times may be booked.

* In-hours slots cut the service's opening hours that day (``WorkCalendar.intervals``: "5+X", 调休,
  holidays) into ``slot_min`` pieces. Capacity: ``appointment_share`` of what the windows serving the
  service can do in a slot, at least 1 (003 §2: walk-ins keep the rest).
* After-hours slots (003 §4–5: 工作时间之外, only services with ``after_hours_booking = true``) lie
  between the hall's earliest weekday opening and ``after_hours_evening_min`` after its latest weekday
  closing, outside the service's own hours that day; one booking each.
* How far ahead: in-hours from now to the ``horizon_working_days``-th working day; after-hours only on
  days from the 1st to the 5th working day after today (003 §6), counted with the deployment's working-day
  calendar (``WorkCalendar``: holidays and 调休 working weekends).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from config import HallConfig, Hours, Interval, ServiceConfig, merge_intervals
from config.intervals import DAY_MINUTES
from server.core import WorkCalendar

from .errors import BookingRefused
from .policy import BookingPolicy


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def local_instant(day: dt.date, minutes: int, tz: ZoneInfo) -> float:
    """POSIX seconds of ``minutes`` after local midnight of ``day`` (24:00 is the next midnight)."""
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    return (midnight + dt.timedelta(minutes=minutes)).timestamp()


@dataclass(frozen=True, slots=True)
class Slot:
    service: str
    day: dt.date
    start_min: int  # minutes after local midnight
    end_min: int
    after_hours: bool
    capacity: int

    @property
    def label(self) -> str:
        """ "09:00-09:30" """
        return f"{clock(self.start_min)}-{clock(self.end_min)}"

    def start(self, tz: ZoneInfo) -> float:
        return local_instant(self.day, self.start_min, tz)

    def end(self, tz: ZoneInfo) -> float:
        return local_instant(self.day, self.end_min, tz)


def _subtract(span: Interval, taken: list[Interval]) -> list[Interval]:
    out, start = [], span.start
    for iv in merge_intervals(taken):
        if iv.end <= start or iv.start >= span.end:
            continue
        if iv.start > start:
            out.append(Interval(start, iv.start))
        start = max(start, iv.end)
    if start < span.end:
        out.append(Interval(start, span.end))
    return out


def in_hours(calendar: WorkCalendar, hours: Hours, service: ServiceConfig, day: dt.date) -> list[Interval]:
    """When the service is offered on ``day`` (touching intervals joined)."""
    return merge_intervals(calendar.intervals(hours, service, day))


def after_hours(calendar: WorkCalendar, hours: Hours, service: ServiceConfig, day: dt.date,
                policy: BookingPolicy) -> list[Interval]:
    """When the service may be booked for after-hours service on ``day`` (003 §4–5); [] if not listed."""
    if not service.after_hours_booking or not hours.weekdays:
        return []
    span = Interval(min(iv.start for iv in hours.weekdays),
                    min(DAY_MINUTES, max(iv.end for iv in hours.weekdays) + policy.after_hours_evening_min))
    return _subtract(span, in_hours(calendar, hours, service, day))


def capacity(cfg: HallConfig, service: ServiceConfig, policy: BookingPolicy) -> int:
    """Bookings per in-hours slot: a share of what the windows serving the service can do in a slot."""
    windows = sum(1 for w in cfg.windows if service.code in w.services())
    per_slot = windows * policy.slot_min / service.minutes
    return max(1, int(per_slot * policy.appointment_share))


def _cut(intervals: list[Interval], length: int) -> list[Interval]:
    return [Interval(s, s + length) for iv in intervals for s in range(iv.start, iv.end - length + 1, length)]


def day_slots(cfg: HallConfig, calendar: WorkCalendar, policy: BookingPolicy, service: ServiceConfig,
              day: dt.date) -> list[Slot]:
    """Every slot of ``service`` on ``day`` (in-hours and after-hours), in time order, whether or not it
    can still be booked."""
    cap = capacity(cfg, service, policy)
    slots = [Slot(service.code, day, iv.start, iv.end, False, cap)
             for iv in _cut(in_hours(calendar, cfg.hours, service, day), policy.slot_min)]
    slots += [Slot(service.code, day, iv.start, iv.end, True, policy.after_hours_capacity)
              for iv in _cut(after_hours(calendar, cfg.hours, service, day, policy), policy.slot_min)]
    return sorted(slots, key=lambda s: s.start_min)


@dataclass(frozen=True, slots=True)
class Horizon:
    """Which local dates may be booked today."""

    today: dt.date
    last: dt.date  # in-hours slots: today … last
    after_hours_first: dt.date  # after-hours slots: after_hours_first … after_hours_last (003 §6)
    after_hours_last: dt.date

    @classmethod
    def of(cls, calendar: WorkCalendar, policy: BookingPolicy, today: dt.date) -> Horizon:
        return cls(today, calendar.add_working_days(today, policy.horizon_working_days),
                   calendar.add_working_days(today, policy.after_hours_min_working_days),
                   calendar.add_working_days(today, policy.after_hours_max_working_days))

    def days(self) -> list[dt.date]:
        last = max(self.last, self.after_hours_last)
        return [self.today + dt.timedelta(days=i) for i in range((last - self.today).days + 1)]

    def allows(self, slot: Slot) -> bool:
        if slot.after_hours:
            return self.after_hours_first <= slot.day <= self.after_hours_last
        return self.today <= slot.day <= self.last


def find_slot(cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, policy: BookingPolicy,
              service: ServiceConfig, day: dt.date, start_min: int, now: float) -> Slot:
    """The slot a visitor asks for, or a refusal that says why not (and what is allowed)."""
    today = dt.datetime.fromtimestamp(now, tz).date()
    horizon = Horizon.of(calendar, policy, today)
    slot = next((s for s in day_slots(cfg, calendar, policy, service, day) if s.start_min == start_min), None)
    when = f"{day.isoformat()} {clock(start_min)}"
    if slot is None or slot.start(tz) <= now:
        if day < today or (slot is not None and slot.start(tz) <= now):
            raise BookingRefused("slot_past", f"{when} 已过，请选择之后的时段",
                                 f"{when} has passed: choose a later slot")
        minute_open = any(iv.start <= start_min < iv.end for iv in in_hours(calendar, cfg.hours, service, day))
        if not minute_open and not service.after_hours_booking:
            raise BookingRefused(
                "after_hours_not_listed",
                f"{when} 不在 {service.name_zh} 的办理时间内，且该事项不在工作时间外可预约清单中",
                f"{when} is outside the hours of {service.name_en}, and it is not on the list of services "
                "bookable after hours")
        raise BookingRefused("unknown_slot", f"{service.name_zh} 在 {when} 没有可预约的时段",
                             f"{service.name_en} has no booking slot at {when}")
    if slot.after_hours:
        if day < horizon.after_hours_first:
            raise BookingRefused(
                "after_hours_too_soon",
                f"工作时间外办理须至少提前 {policy.after_hours_min_working_days} 个工作日预约，"
                f"最早可约 {horizon.after_hours_first.isoformat()}",
                f"after-hours service must be booked at least {policy.after_hours_min_working_days} working "
                f"day ahead: the earliest day is {horizon.after_hours_first.isoformat()}")
        if day > horizon.after_hours_last:
            raise BookingRefused(
                "after_hours_too_far",
                f"工作时间外办理至多提前 {policy.after_hours_max_working_days} 个工作日预约，"
                f"最晚可约 {horizon.after_hours_last.isoformat()}",
                f"after-hours service can be booked at most {policy.after_hours_max_working_days} working "
                f"days ahead: the last day is {horizon.after_hours_last.isoformat()}")
    elif day > horizon.last:
        raise BookingRefused(
            "too_far", f"最多可预约 {policy.horizon_working_days} 个工作日内的时段（至 {horizon.last.isoformat()}）",
            f"slots can be booked up to {policy.horizon_working_days} working days ahead "
            f"(until {horizon.last.isoformat()})")
    return slot


def checkin_closes(cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, service: ServiceConfig,
                   slot: Slot, grace_min: float) -> float:
    """When a booking's check-in window closes. On time (to ``grace_min`` after the start) it gives an
    appointment-lane ticket; later the same day a walk-in ticket while kiosks still issue for the service;
    after this instant the booking is a no-show (003 §7: 没有办理业务也没有取消预约)."""
    on_time = slot.start(tz) + grace_min * 60
    if slot.after_hours:
        return on_time
    ends = [iv.end for iv in calendar.issue_intervals(cfg.hours, service, slot.day)]
    return max([on_time, *(local_instant(slot.day, end, tz) for end in ends)])

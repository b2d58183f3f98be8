"""Working days and opening hours: "5+X", extended hours and holidays (004 第三十五条; DOMAIN rule 12).

A day is a working day (Mon–Fri, or a 调休 weekend day in ``[calendar].workdays``), a Saturday or a
Sunday (the "X": only services with ``extended = true``), or a holiday (only ``holiday = true``
services). Kiosks stop issuing ``issue_stop_before_close_min`` before each interval ends.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from config import CalendarConfig, Hours, Interval, ServiceConfig, format_intervals, merge_intervals

_WEEKDAYS_ZH = "一二三四五六日"


class DayKind(enum.StrEnum):
    WORKDAY = "workday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"
    HOLIDAY = "holiday"


_KIND_NAMES = {DayKind.WORKDAY: ("工作日", "working day"), DayKind.SATURDAY: ("周六", "Saturday"),
               DayKind.SUNDAY: ("周日", "Sunday"), DayKind.HOLIDAY: ("法定节假日", "public holiday")}


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


class WorkCalendar:
    """The deployment's working-day calendar (``[calendar]``).

    >>> cal = WorkCalendar(holidays=["2026-10-01"], workdays=["2026-10-10"])
    >>> cal.kind(dt.date(2026, 10, 1)), cal.kind(dt.date(2026, 10, 10)), cal.kind(dt.date(2026, 10, 11))
    (<DayKind.HOLIDAY: 'holiday'>, <DayKind.WORKDAY: 'workday'>, <DayKind.SUNDAY: 'sunday'>)
    >>> cal.add_working_days(dt.date(2026, 9, 30), 1)    # skips the holiday
    datetime.date(2026, 10, 2)
    """

    def __init__(self, calendar: CalendarConfig | None = None, *,
                 holidays: Iterable[dt.date | str] = (), workdays: Iterable[dt.date | str] = ()) -> None:
        self.holidays = frozenset(_date(d) for d in holidays)
        self.workdays = frozenset(_date(d) for d in workdays)
        if calendar is not None:
            self.holidays |= frozenset(calendar.holidays)
            self.workdays |= frozenset(calendar.workdays)

    def kind(self, day: dt.date) -> DayKind:
        if day in self.workdays:
            return DayKind.WORKDAY
        if day in self.holidays:
            return DayKind.HOLIDAY
        return (DayKind.WORKDAY, DayKind.WORKDAY, DayKind.WORKDAY, DayKind.WORKDAY, DayKind.WORKDAY,
                DayKind.SATURDAY, DayKind.SUNDAY)[day.weekday()]

    def is_working_day(self, day: dt.date) -> bool:
        return self.kind(day) is DayKind.WORKDAY

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (003 §6: book 1–5 working days ahead)."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def intervals(self, hours: Hours, service: ServiceConfig, day: dt.date) -> list[Interval]:
        """When ``service`` is offered on ``day`` (opening hours, before the issue stop)."""
        kind = self.kind(day)
        if kind is DayKind.WORKDAY:
            if service.hours:
                return list(service.hours)
            if service.extended and hours.weekday_extended:
                return sorted([*hours.weekdays, *hours.weekday_extended])
            return list(hours.weekdays)
        if kind is DayKind.HOLIDAY:
            if not service.holiday:
                return []
            return list(hours.holiday if hours.holiday is not None else hours.saturday)
        if not service.extended:
            return []
        return list(hours.saturday if kind is DayKind.SATURDAY else hours.sunday)

    def issue_intervals(self, hours: Hours, service: ServiceConfig, day: dt.date) -> list[Interval]:
        """When kiosks issue tickets for ``service`` on ``day``: each interval shortened by the
        issue stop, except one that runs to 24:00 (a 24-hour area has no closing)."""
        stop = hours.issue_stop_before_close_min
        out = []
        for iv in merge_intervals(self.intervals(hours, service, day)):  # touching: no stop between
            end = iv.end if iv.end >= 24 * 60 else iv.end - stop
            if end > iv.start:
                out.append(Interval(iv.start, end))
        return out

    def is_open(self, hours: Hours, service: ServiceConfig, when: dt.datetime) -> bool:
        """Whether a kiosk may issue a ticket for ``service`` at local time ``when``."""
        minute = when.hour * 60 + when.minute + when.second / 60
        return any(iv.start <= minute < iv.end
                   for iv in self.issue_intervals(hours, service, when.date()))

    def hours_text(self, hours: Hours, service: ServiceConfig, day: dt.date) -> tuple[str, str]:
        """Today's hours of a service, for refusals and the kiosk: (Chinese, English)."""
        kind = self.kind(day)
        zh_kind, en_kind = _KIND_NAMES[kind]
        if kind is DayKind.WORKDAY and day.weekday() >= 5:
            zh_kind, en_kind = "调休工作日", "make-up working day"
        weekday_zh, weekday_en = f"周{_WEEKDAYS_ZH[day.weekday()]}", day.strftime("%A")
        if kind in (DayKind.SATURDAY, DayKind.SUNDAY):
            head_zh, head_en = f"{day.isoformat()}（{weekday_zh}）", f"{day.isoformat()} ({weekday_en})"
        else:
            head_zh = f"{day.isoformat()}（{weekday_zh}，{zh_kind}）"
            head_en = f"{day.isoformat()} ({weekday_en}, {en_kind})"
        opening = self.intervals(hours, service, day)
        if not opening:
            return (f"{head_zh}{service.name_zh} 不办理", f"{head_en}: {service.name_en} is not offered")
        issuing = self.issue_intervals(hours, service, day)
        return (f"{head_zh}{service.name_zh} 办理时间 {format_intervals(opening)}，"
                f"取号时间 {format_intervals(issuing)}",
                f"{head_en}: {service.name_en} is served {format_intervals(opening, ', ')}; "
                f"tickets {format_intervals(issuing, ', ')}")


def local_time(now: float, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(now, tz)

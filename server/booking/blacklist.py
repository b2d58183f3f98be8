"""003 §7 预约黑名单: three no-shows within half a year → no booking for one year.

A no-show's time is when its check-in window closed (``Booking.no_show_time``). Three no-shows count
when the first is *less than* six calendar months before the third; the person may book again exactly
twelve calendar months after the third (local time, month ends clamped: 08-31 + 6 months = 02-28).

>>> from zoneinfo import ZoneInfo
>>> tz, p = ZoneInfo("Asia/Shanghai"), BookingPolicy()
>>> t = lambda s: dt.datetime.fromisoformat(s).replace(tzinfo=tz).timestamp()
>>> until = banned_until([t("2026-01-05 17:15"), t("2026-03-02 17:15"), t("2026-07-03 17:15")], tz, p)
>>> dt.datetime.fromtimestamp(until, tz).isoformat(" ")
'2027-07-03 17:15:00+08:00'
>>> banned_until([t("2026-01-05 17:15"), t("2026-03-02 17:15"), t("2026-07-05 17:15")], tz, p) is None
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .errors import BookingRefused
from .policy import BookingPolicy


def shift_months(t: float, months: int, tz: ZoneInfo) -> float:
    """``t`` moved by calendar months in local time."""
    return (dt.datetime.fromtimestamp(t, tz) + relativedelta(months=months)).timestamp()


def banned_until(no_shows: Iterable[float], tz: ZoneInfo, policy: BookingPolicy) -> float | None:
    """Until when a person with these no-show times may not book (None: not blacklisted, ever)."""
    times = sorted(no_shows)
    k = policy.no_show_limit
    until: float | None = None
    for i in range(k - 1, len(times)):
        third, first = times[i], times[i - k + 1]
        if first > shift_months(third, -policy.no_show_window_months, tz):
            end = shift_months(third, policy.blacklist_months, tz)
            until = end if until is None else max(until, end)
    return until


def check_not_banned(no_shows: Iterable[float], now: float, tz: ZoneInfo, policy: BookingPolicy) -> None:
    """Refuse a booking by a blacklisted person, saying until when (003 §7)."""
    until = banned_until(no_shows, tz, policy)
    if until is None or now >= until:
        return
    when = dt.datetime.fromtimestamp(until, tz).strftime("%Y-%m-%d %H:%M")
    raise BookingRefused(
        "blacklisted",
        f"您半年内已有 {policy.no_show_limit} 次预约未到也未取消，按规定 {when} 前不能预约"
        "（可随时现场取号办理）",
        f"{policy.no_show_limit} bookings within half a year were neither kept nor cancelled: no booking "
        f"until {when} (walk-in tickets are always available)")

"""Rate limits of the public phone endpoints, per person and per client address (pure).

>>> retry_after([100.0, 200.0, 300.0], now=400.0, limit=3, window_s=3600)
3300
>>> retry_after([100.0, 200.0], now=400.0, limit=3, window_s=3600) is None
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from .errors import BookingRefused


def retry_after(times: Iterable[float], *, now: float, limit: int, window_s: float) -> int | None:
    """Seconds until one more request fits in a sliding window of ``limit`` per ``window_s``; None: now."""
    recent = sorted(t for t in times if now - window_s < t <= now)
    if len(recent) < limit:
        return None
    return max(1, math.ceil(recent[len(recent) - limit] + window_s - now))


def check_address(times: Iterable[float], *, now: float, limit: int, window_s: float = 3600) -> None:
    wait = retry_after(times, now=now, limit=limit, window_s=window_s)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        raise BookingRefused("rate_limited", f"此网络的请求过于频繁，请 {minutes} 分钟后再试",
                             f"too many requests from this network: try again in {minutes} min",
                             retry_after_s=wait)


def check_person_today(times: Iterable[float], *, now: float, limit: int, tz: ZoneInfo) -> None:
    """At most ``limit`` per person per local day; the refusal says when the next day starts."""
    local = dt.datetime.fromtimestamp(now, tz)
    midnight = dt.datetime(local.year, local.month, local.day, tzinfo=tz)
    today = [t for t in times if midnight.timestamp() <= t <= now]
    if len(today) >= limit:
        tomorrow = (midnight + dt.timedelta(days=1)).timestamp()
        raise BookingRefused("rate_limited", f"您今天已远程取号 {len(today)} 次，已达上限；请明天再试或到大厅现场取号",
                             f"you took {len(today)} remote tickets today, the daily limit: try again "
                             "tomorrow or take a ticket in the hall",
                             retry_after_s=max(1, math.ceil(tomorrow - now)))

"""Follow-up deadlines in working days (``[halls.followup]``; 003 (七)1).

A deadline of N working days is the end (local midnight) of the N-th working day after the local date
of the rating; 0 is the end of that same day. Working days follow the deployment's calendar (weekends,
法定节假日, 调休), through :class:`server.core.WorkCalendar`.

>>> from zoneinfo import ZoneInfo
>>> from server.core import WorkCalendar
>>> tz = ZoneInfo("Asia/Shanghai")
>>> friday = dt.datetime(2026, 9, 25, 10, 0, tzinfo=tz).timestamp()
>>> dt.datetime.fromtimestamp(deadline(friday, 1, WorkCalendar(), tz), tz).isoformat()   # end of Monday
'2026-09-29T00:00:00+08:00'
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from config import FollowupRules
from server.core import WorkCalendar


def deadline(rated_at: float, working_days: int, calendar: WorkCalendar, tz: ZoneInfo) -> float:
    day = dt.datetime.fromtimestamp(rated_at, tz).date()
    due = calendar.add_working_days(day, working_days) if working_days > 0 else day
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0), tz).timestamp()


def deadlines(rated_at: float, rules: FollowupRules, calendar: WorkCalendar, tz: ZoneInfo) -> tuple[float, float]:
    """(contact by, close by) for a bad rating given at ``rated_at``."""
    return (deadline(rated_at, rules.contact_working_days, calendar, tz),
            deadline(rated_at, rules.close_working_days, calendar, tz))

"""The dispatcher core: pure state and decisions, no I/O, no wall clock, no randomness (contract §2).

>>> from config import load, default_config_path
>>> hall = Hall.for_deployment(load(default_config_path()), "county")
>>> monday_9am = 1789952400.0                     # 2026-09-21 09:00 Asia/Shanghai
>>> hall.issue("MA01", now=monday_9am).ticket.number
'A001'
>>> _ = hall.sign_in(1, "clerk-01", now=monday_9am + 60)
>>> hall.call_next(1, now=monday_9am + 120).reason_zh
'本窗口首选业务，已等 2 分钟'
"""

from . import events
from .errors import Refused
from .hall import Hall
from .hours import DayKind, WorkCalendar
from .lanes import bonus_s, checkin_lane
from .model import (
    AT_WINDOW,
    FINAL,
    Call,
    Estimate,
    Issued,
    Lane,
    Outcome,
    Ticket,
    TicketState,
    WindowState,
    WindowStatus,
)

__all__ = [
    "AT_WINDOW",
    "FINAL",
    "Call",
    "DayKind",
    "Estimate",
    "Hall",
    "Issued",
    "Lane",
    "Outcome",
    "Refused",
    "Ticket",
    "TicketState",
    "WindowState",
    "WindowStatus",
    "WorkCalendar",
    "bonus_s",
    "checkin_lane",
    "events",
]

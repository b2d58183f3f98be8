"""The demo clock: the embedded server's ``clock`` and the simulated people's, one and the same.

``now() = anchor + (monotonic() − t0) × speed``. It starts at the real time when the hall is open, or at
the next opening otherwise (a hall demo at 22:00 would only show kiosks refusing tickets), never before
the newest event already in the database (the hall's records stay in time order across demo runs), and
only ever moves forward: :meth:`DemoClock.jump_to` skips a closed night to the next opening.

>>> clock = DemoClock(1_000.0, speed=60, monotonic=iter([0.0, 2.0]).__next__)
>>> clock.now()            # two real seconds at ×60 are two demo minutes
1120.0
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from config import HallConfig, ServiceConfig
from server.core import WorkCalendar

DAYS_AHEAD = 21  # the longest closure looked past (春节 is nine days)


class DemoClock:
    """``paused=True``: the clock stands at ``start`` until :meth:`go` — ``hallq run`` starts it when the
    hall begins, so the seconds spent starting the server (many on a busy machine, hours of demo time at
    ×600) do not eat the opening hours.

    >>> ticks = iter([5.0, 6.0])
    >>> clock = DemoClock(100.0, speed=10, paused=True, monotonic=ticks.__next__)
    >>> clock.now(), clock.go(), clock.now()
    (100.0, None, 110.0)
    """

    def __init__(self, start: float, speed: float = 1.0, *, paused: bool = False,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed!r}")
        self.speed = speed
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor = start
        self._paused = paused
        self._t0 = 0.0 if paused else monotonic()

    def now(self) -> float:
        with self._lock:
            if self._paused:
                return self._anchor
            return self._anchor + (self._monotonic() - self._t0) * self.speed

    def go(self) -> None:
        """Start a paused clock from where it stands."""
        with self._lock:
            if self._paused:
                self._paused = False
                self._t0 = self._monotonic()

    def real_seconds(self, demo_seconds: float) -> float:
        """How long ``demo_seconds`` of demo time take on the wall clock."""
        return max(0.0, demo_seconds) / self.speed

    def jump_to(self, when: float) -> None:
        """Move forward to ``when`` (never back)."""
        with self._lock:
            if self._paused:
                self._anchor = max(self._anchor, when)
                return
            now = self._anchor + (self._monotonic() - self._t0) * self.speed
            if when > now:
                self._anchor += when - now


def reference_service(hall: HallConfig) -> ServiceConfig:
    """The service whose hours are the hall's ordinary hours (not only on "X" days or holidays)."""
    return next((s for s in hall.services if not s.extended and not s.hours), hall.services[0])


def opening_at_or_after(hall: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, when: float, *,
                        min_left_s: float = 0.0) -> float | None:
    """``when`` if kiosks issue tickets for the hall's ordinary services then (for at least ``min_left_s``
    more), else the next moment they do (within :data:`DAYS_AHEAD` days; None if never)."""
    service = reference_service(hall)
    local = dt.datetime.fromtimestamp(when, tz)
    for offset in range(DAYS_AHEAD + 1):
        day = local.date() + dt.timedelta(days=offset)
        midnight = dt.datetime.combine(day, dt.time(), tz)
        for iv in calendar.issue_intervals(hall.hours, service, day):
            start = (midnight + dt.timedelta(minutes=iv.start)).timestamp()
            end = (midnight + dt.timedelta(minutes=iv.end)).timestamp()
            if end - max(start, when) > min_left_s:
                return max(start, when)
    return None


def demo_start(hall: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, *, real_now: float,
               not_before: float | None, min_left_s: float = 0.0) -> tuple[float, bool]:
    """Where the demo clock starts — with at least ``min_left_s`` of issuing time before the kiosks stop —
    and whether that is not the real time (the banner says so)."""
    start = max(real_now, not_before or real_now)
    opening = opening_at_or_after(hall, calendar, tz, start, min_left_s=min_left_s)
    if opening is None:  # a hall that never opens: show it closed, in real time
        return real_now, False
    return opening, abs(opening - real_now) > 1.0

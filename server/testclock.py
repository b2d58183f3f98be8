"""A clock for tests: the server believes it started at a chosen instant, and time then runs as usual.

Booking and kiosk tests run a real ``hallq server`` process. On the wall clock they would depend on
when they run: after 23:30 the soonest booking slot is tomorrow's, on a Saturday only "5+X" services
are open. With ``HALLQ_TEST_CLOCK`` the server's clock starts at a fixed local instant and advances
with real elapsed time (monotonic), so a test always sees, say, Monday 10:00 and the minutes after it::

    HALLQ_TEST_MODE=1 HALLQ_TEST_CLOCK=2026-09-21T10:00:00+08:00 hallq server ...

It is refused unless ``HALLQ_TEST_MODE=1`` is set too: a hall server whose clock is wrong issues
tickets, bookings and supervision warnings with wrong times, so a stray variable on a production box
must stop the start, never shift the clock quietly. Every part of the server reads this one clock
(``HallService.clock``: tickets, bookings, tokens, heartbeats, tide and supervision sweeps); log
lines and metrics keep the wall clock.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping

__all__ = ["CLOCK_ENV", "MODE_ENV", "TestClockRefused", "clock_from_env"]

CLOCK_ENV = "HALLQ_TEST_CLOCK"
MODE_ENV = "HALLQ_TEST_MODE"


class TestClockRefused(ValueError):
    """``HALLQ_TEST_CLOCK`` without test mode, or not an ISO instant with its UTC offset."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def clock_from_env(env: Mapping[str, str]) -> Callable[[], float]:
    """``time.time``, or the test clock ``HALLQ_TEST_CLOCK`` describes (see the module docstring).

    >>> clock = clock_from_env({"HALLQ_TEST_MODE": "1", "HALLQ_TEST_CLOCK": "2026-09-21T10:00:00+08:00"})
    >>> dt.datetime.fromtimestamp(clock(), dt.timezone(dt.timedelta(hours=8))).strftime("%a %H:%M")
    'Mon 10:00'
    >>> try:
    ...     clock_from_env({"HALLQ_TEST_CLOCK": "2026-09-21T10:00:00+08:00"})
    ... except TestClockRefused as exc:
    ...     print(exc.en.split(":")[0])
    HALLQ_TEST_CLOCK is set but test mode is not (HALLQ_TEST_MODE=1)
    """
    raw = env.get(CLOCK_ENV, "").strip()
    if not raw:
        return time.time
    if env.get(MODE_ENV) != "1":
        raise TestClockRefused(
            f"设置了 {CLOCK_ENV} 但未开启测试模式（{MODE_ENV}=1）：生产环境不得改变服务器时钟，请删除该变量",
            f"{CLOCK_ENV} is set but test mode is not ({MODE_ENV}=1): a production server never shifts "
            "its clock; unset the variable")
    try:
        start = dt.datetime.fromisoformat(raw)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise TestClockRefused(f"{CLOCK_ENV}={raw!r} 应为带时区的时刻，如 2026-09-21T10:00:00+08:00",
                               f"{CLOCK_ENV}={raw!r} must be an instant with its offset, "
                               "e.g. 2026-09-21T10:00:00+08:00")
    return _Shifted(start.timestamp())


class _Shifted:
    """``start`` at construction, then real elapsed seconds (monotonic: immune to NTP steps)."""

    def __init__(self, start: float) -> None:
        self._start = start
        self._origin = time.monotonic()

    def __call__(self) -> float:
        return self._start + (time.monotonic() - self._origin)

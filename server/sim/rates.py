"""Arrival rates that change over the day, and arrivals drawn from them by thinning.

A rate profile is piecewise constant: ``{"08:30": 10, "10:00": 22, "12:00": 0}`` means 10 per hour
from 08:30, 22 per hour from 10:00, none from 12:00; before the first key the rate is 0 and the last
value holds to the end of the day.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from config import BilingualValueError


def clock_seconds(hhmm: str) -> int:
    """Seconds after local midnight of an "HH:MM" time ("24:00" allowed).

    >>> clock_seconds("08:30")
    30600
    """
    hours, _, minutes = hhmm.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) in (1, 2)):
        raise BilingualValueError(f'时刻应为 "HH:MM"，实为 "{hhmm}"', f'a time must be "HH:MM", got "{hhmm}"')
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise BilingualValueError(f'时刻 "{hhmm}" 无效（时 00–24，分 00–59）',
                                  f'invalid time "{hhmm}" (hours 00–24, minutes 00–59)')
    return h * 3600 + m * 60


@dataclass(frozen=True, slots=True)
class RateProfile:
    """Arrivals per hour as a step function of seconds after local midnight."""

    starts: tuple[int, ...]  # seconds after midnight, ascending
    per_hour: tuple[float, ...]

    @classmethod
    def from_table(cls, table: Mapping[str, float]) -> RateProfile:
        """Build from ``{"HH:MM": per_hour}`` (keys in any order)."""
        steps = sorted((clock_seconds(k), float(v)) for k, v in table.items())
        return cls(tuple(s for s, _ in steps), tuple(v for _, v in steps))

    @classmethod
    def constant(cls, per_hour: float) -> RateProfile:
        return cls((0,), (float(per_hour),))

    def scaled(self, factor: float) -> RateProfile:
        return RateProfile(self.starts, tuple(v * factor for v in self.per_hour))

    def rate(self, second_of_day: float) -> float:
        """Arrivals per hour at this moment."""
        i = bisect.bisect_right(self.starts, second_of_day) - 1
        return self.per_hour[i] if i >= 0 else 0.0

    @property
    def peak(self) -> float:
        return max(self.per_hour, default=0.0)

    def expected(self, start: float = 0.0, end: float = 86400.0) -> float:
        """Expected number of arrivals between two moments of the day (the integral of the rate)."""
        edges = [*self.starts, 86400]
        total = 0.0
        for i, per_hour in enumerate(self.per_hour):
            lo, hi = max(edges[i], start), min(edges[i + 1], end)
            if hi > lo:
                total += per_hour * (hi - lo) / 3600
        return total


def thinning(profile: RateProfile, rng: random.Random, start: float, end: float,
             day_start: float) -> Iterator[float]:
    """Arrival moments of a non-homogeneous Poisson process on [start, end) (Lewis–Shedler thinning).

    Candidates come from a homogeneous process at the peak rate; each is kept with probability
    rate(t)/peak. ``day_start`` is the POSIX time of local midnight: the profile repeats every 24 h.
    """
    peak = profile.peak / 3600  # per second
    if peak <= 0:
        return
    t = start
    while True:
        t += rng.expovariate(peak)
        if t >= end:
            return
        if rng.random() * peak * 3600 < profile.rate((t - day_start) % 86400):
            yield t

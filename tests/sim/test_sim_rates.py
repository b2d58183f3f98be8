"""Arrival rates by time of day, thinning, service-time distributions; the sim modules' doctests."""

from __future__ import annotations

import doctest
import math
import random
import statistics

import pytest

from config import BilingualValueError
from server.sim import quick, rates
from server.sim.distributions import sampler
from server.sim.rates import RateProfile, clock_seconds, thinning

DAY = 1_773_158_400.0  # 2026-03-11 00:00 Asia/Shanghai


def test_doctests_pass() -> None:
    assert doctest.testmod(rates).failed == 0
    assert doctest.testmod(quick).failed == 0


def test_clock_times() -> None:
    assert clock_seconds("08:30") == 30600
    assert clock_seconds("24:00") == 86400
    for bad in ("8:3", "25:00", "24:30", "noon", "08:60"):
        with pytest.raises(BilingualValueError):
            clock_seconds(bad)


def test_a_profile_is_a_step_function() -> None:
    p = RateProfile.from_table({"10:00": 20, "08:30": 10, "12:00": 0})
    assert [p.rate(clock_seconds(t)) for t in ("08:00", "08:30", "09:59", "10:00", "11:59", "12:00", "23:00")] \
        == [0, 10, 10, 20, 20, 0, 0]
    assert p.expected() == pytest.approx(10 * 1.5 + 20 * 2)
    assert p.scaled(0.5).expected() == pytest.approx(27.5)


def test_thinning_follows_the_rate_through_the_day() -> None:
    # 200 days of a 10/h morning and 30/h afternoon: each half-day count is Poisson, so its s.e.
    # is √(expected); the tolerance is 4 of those.
    p = RateProfile.from_table({"08:00": 10, "12:00": 0, "13:00": 30, "17:00": 0})
    rng = random.Random(5)
    morning = afternoon = outside = 0
    for day in range(200):
        start = DAY + day * 86400
        for t in thinning(p, rng, start, start + 86400, DAY):
            hour = (t - DAY) % 86400 / 3600
            if 8 <= hour < 12:
                morning += 1
            elif 13 <= hour < 17:
                afternoon += 1
            else:
                outside += 1
    assert outside == 0
    for count, expected in ((morning, 200 * 40), (afternoon, 200 * 120)):
        assert abs(count - expected) <= 4 * math.sqrt(expected)


def test_thinning_of_a_zero_rate_yields_nothing() -> None:
    assert list(thinning(RateProfile.constant(0), random.Random(1), DAY, DAY + 86400, DAY)) == []


@pytest.mark.parametrize(("kind", "cv"), [("exponential", 1.0), ("lognormal", 0.6), ("fixed", 0.0)])
def test_service_times_have_the_asked_mean_and_spread(kind: str, cv: float) -> None:
    draw = sampler(kind, 600.0, cv)
    rng = random.Random(3)
    xs = [draw(rng) for _ in range(20_000)]
    # independent draws: s.e. of the mean = cv·600/√20000 ≈ 4.2 s at cv 1; allow 4 s.e. (and 5 % on cv)
    assert statistics.fmean(xs) == pytest.approx(600.0, abs=4 * max(cv, 1e-9) * 600 / math.sqrt(len(xs)) + 1e-9)
    assert statistics.pstdev(xs) / statistics.fmean(xs) == pytest.approx(cv, abs=0.05)
    assert min(xs) > 0

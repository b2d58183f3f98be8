"""Erlang C against the figures the issue quotes and against the M/M/1 closed form."""

import doctest
import math

import pytest

from server.core import erlang


def test_doctests_pass():
    assert doctest.testmod(erlang).failed == 0


def test_issue_figures_four_and_five_windows():
    # issue 2 "Done when": 4 windows, 21/h, 10 min → 14.76 min; 5 windows → 2.52 min
    lam = 21 / 60
    assert erlang.mean_wait(4, arrival_rate=lam, mean_service=10) == pytest.approx(14.76, abs=0.005)
    assert erlang.mean_wait(5, arrival_rate=lam, mean_service=10) == pytest.approx(2.52, abs=0.005)


def test_single_server_matches_mm1():
    lam, s = 0.05, 12.0  # ρ = 0.6 → Wq = ρ·s/(1−ρ) = 18
    assert erlang.mean_wait(1, arrival_rate=lam, mean_service=s) == pytest.approx(18.0)


def test_large_hall_does_not_overflow():
    # 400 windows, 95 % load: the a^c/c! form would overflow a float long before this
    wq = erlang.mean_wait(400, arrival_rate=380 / 10, mean_service=10)
    assert math.isfinite(wq) and wq > 0


def test_unstable_queue_waits_forever_and_needs_more_windows():
    assert erlang.mean_wait(3, arrival_rate=1.0, mean_service=3) == math.inf
    assert erlang.servers_needed(arrival_rate=1.0, mean_service=3, target_wait=1) >= 4


def test_servers_needed_is_the_smallest_enough():
    lam, s, target = 21 / 60, 10.0, 5.0
    c = erlang.servers_needed(arrival_rate=lam, mean_service=s, target_wait=target)
    assert erlang.mean_wait(c, arrival_rate=lam, mean_service=s) <= target
    assert erlang.mean_wait(c - 1, arrival_rate=lam, mean_service=s) > target

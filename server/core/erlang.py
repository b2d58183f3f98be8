"""Erlang C: how long visitors wait at ``c`` identical windows (M/M/c queue).

Used by the tide controller when ``tide.target_wait_min`` > 0 (000 第十八条: open a tide window
"根据……企业和群众等待时间") and by the simulator's checks against queueing theory.

Units are the caller's: give the arrival rate and the mean service time in the same time unit
and the wait comes back in that unit.

>>> round(mean_wait(4, arrival_rate=21 / 60, mean_service=10), 2)    # minutes
14.76
>>> round(mean_wait(5, arrival_rate=21 / 60, mean_service=10), 2)
2.52
>>> servers_needed(arrival_rate=21 / 60, mean_service=10, target_wait=5)
5
"""

from __future__ import annotations

import math

__all__ = ["erlang_b", "erlang_c", "mean_wait", "servers_needed"]


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of Erlang B for ``load`` = λ/μ Erlangs offered to ``servers``.

    Computed by the recurrence B(k) = a·B(k−1) / (k + a·B(k−1)), which stays within [0, 1] at
    every step: the textbook formula with a^c/c! overflows beyond ~170 servers.

    >>> round(erlang_b(2, 1.0), 4)
    0.2
    """
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival has to wait (all ``servers`` busy); 1.0 if the queue is unstable.

    >>> round(erlang_c(4, 3.5), 4)
    0.7379
    """
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def mean_wait(servers: int, *, arrival_rate: float, mean_service: float) -> float:
    """Mean time in queue Wq = C(c, a) / (c·μ − λ); ``math.inf`` when λ ≥ c·μ.

    >>> mean_wait(1, arrival_rate=0.0, mean_service=10)
    0.0
    >>> mean_wait(2, arrival_rate=1.0, mean_service=2)
    inf
    """
    if mean_service <= 0:
        raise ValueError("mean_service must be positive")
    if arrival_rate <= 0:
        return 0.0
    load = arrival_rate * mean_service
    if servers <= 0 or load >= servers:
        return math.inf
    mu = 1.0 / mean_service
    return erlang_c(servers, load) / (servers * mu - arrival_rate)


def servers_needed(*, arrival_rate: float, mean_service: float, target_wait: float,
                   limit: int = 10_000) -> int:
    """Smallest number of windows whose mean wait is at most ``target_wait`` (0 for no arrivals).

    >>> servers_needed(arrival_rate=21 / 60, mean_service=10, target_wait=15)
    4
    """
    if arrival_rate <= 0:
        return 0
    servers = max(1, math.floor(arrival_rate * mean_service))
    while mean_wait(servers, arrival_rate=arrival_rate, mean_service=mean_service) > target_wait:
        servers += 1
        if servers > limit:
            raise ValueError(f"more than {limit} servers needed")
    return servers

"""Estimated waiting time (EWT) for a new ticket, without scanning tickets.

    EWT = max(0, ahead + 1 − idle) × mean service time / capacity

* ahead: waiting tickets before the new one in its service's call order (a rank query, O(log n));
* mean service time: mean of the last 20 finished visits of the service, the configured
  ``minutes`` before there are any (:class:`ServiceTimes`);
* capacity: open windows serving the service, each counting for the share of its time the
  service's queue will take (:class:`Capacity`): a window that takes its first tier by effective
  wait spends on service s the fraction (waiting of s × mean of s) / Σ over its tier (waiting ×
  mean), the newcomer counted in; a later tier counts only while every earlier tier of the window
  is empty; a tide window gives its tide service all its time while its own first tier is empty;
* idle: open windows serving the service that have no current ticket: they take it at once.

Before anyone signs in, the estimate assumes the configured windows will be staffed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from statistics import NormalDist

from .dispatch import Profile
from .model import WindowState, WindowStatus

RECENT = 20  # finished visits averaged per service


class ServiceTimes:
    """Rolling mean service time per service, in seconds.

    >>> st = ServiceTimes({"A": 600.0})
    >>> st.mean("A")
    600.0
    >>> st.record("A", 300); st.record("A", 500); st.mean("A")
    400.0
    """

    def __init__(self, defaults: Mapping[str, float], keep: int = RECENT) -> None:
        self._defaults = dict(defaults)
        self._keep = keep
        self._recent: dict[str, deque[float]] = {}
        self._means: dict[str, float] = {}

    def record(self, service: str, seconds: float) -> None:
        recent = self._recent.get(service)
        if recent is None:
            recent = self._recent[service] = deque(maxlen=self._keep)
        recent.append(seconds)
        self._means[service] = sum(recent) / len(recent)

    def mean(self, service: str) -> float:
        mean = self._means.get(service)
        return mean if mean is not None else self._defaults.get(service, 600.0)

    def remaining(self, service: str, elapsed_s: float) -> list[float]:
        """What is left of a visit already ``elapsed_s`` long: the recent visits of the service that
        lasted longer, less ``elapsed_s`` (the configured mean before there are any). A visit longer
        than every recent one is taken to end soon (a tenth of the mean, at least 30 s).

        >>> st = ServiceTimes({"A": 600.0}); [st.record("A", x) for x in (300.0, 500.0, 900.0)] and None
        >>> st.remaining("A", 400)
        [100.0, 500.0]
        """
        recent = self._recent.get(service) or (self.mean(service),)
        left = [x - elapsed_s for x in recent if x > elapsed_s]
        return left or [max(30.0, self.mean(service) / 10)]


class Capacity:
    """How much of each open window's time will go to a service's queue."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        # service → (window, services of the window's earlier tiers, the other services of its tier)
        self.serving: dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]] = {}
        self.first_tier: dict[int, tuple[str, ...]] = {}
        self._zero: dict[str, float] = {}  # every service a window serves → 0.0 (see _sum)
        for p in profiles:
            self.first_tier[p.number] = p.first_tier
            before: tuple[str, ...] = ()
            for tier in p.tiers:
                for code in tier.services:
                    others = tuple(c for c in tier.services if c != code)
                    self.serving.setdefault(code, []).append((p.number, before, others))
                    self._zero[code] = 0.0
                before += tier.services

    def of(self, service: str, windows: Mapping[int, WindowState], tide_windows: Iterable[int],
           waiting: Mapping[str, int], mean_s: Callable[[str], float]) -> tuple[float, int]:
        """(capacity in windows, idle windows) now serving ``service``; ``waiting`` maps a
        service to its waiting count (missing: none)."""
        capacity, idle = self._sum(service, windows, waiting, mean_s, staffed_only=True)
        for number in tide_windows:
            w = windows[number]
            if w.status is WindowStatus.OPEN and not self._first_busy(number, waiting):
                capacity += 1.0
                idle += w.current is None
        if capacity == 0.0:  # nobody signed in yet: assume the configured windows will be
            capacity = self._sum(service, windows, waiting, mean_s, staffed_only=False)[0] or 1.0
            idle = 0
        return capacity, idle

    def staffed(self, service: str, windows: Mapping[int, WindowState], tide_windows: Iterable[int],
                waiting: Mapping[str, int], mean_s: Callable[[str], float], *, without: int | None = None,
                back: int | None = None) -> float:
        """Open windows' capacity for ``service`` (no fallback to the configured windows), as if
        window ``without`` were gone or tide window ``back`` were back at its own profile: what
        the tide controller weighs."""
        capacity = self._sum(service, windows, waiting, mean_s, staffed_only=True, without=without, back=back)[0]
        for number in tide_windows:
            if number != without and number != back and windows[number].status is WindowStatus.OPEN:
                capacity += 0.0 if self._first_busy(number, waiting) else 1.0
        return capacity

    def _first_busy(self, number: int, waiting: Mapping[str, int]) -> bool:
        """Whether tide window ``number``'s own first tier has anyone waiting: it comes first."""
        return any(waiting.get(code) for code in self.first_tier.get(number, ()))

    def _sum(self, service: str, windows: Mapping[int, WindowState], waiting: Mapping[str, int],
             mean_s: Callable[[str], float], *, staffed_only: bool, without: int | None = None,
             back: int | None = None) -> tuple[float, int]:
        # plain loops: this runs for every issued ticket and every tide tick
        capacity = 0.0
        idle = 0
        own = (waiting.get(service, 0) + 1) * mean_s(service)  # the newcomer counts in
        # each service's waiting work (count × mean) once per call, 0.0 for none; the sums below then run
        # in C (a 100-window hall whose windows serve 20 services: 2,000 additions a call). The same
        # terms in the same order as a loop skipping the zeros (x + 0.0 == x): the same float.
        load = dict(self._zero)
        for code, n in waiting.items():
            if n:
                load[code] = n * mean_s(code)
        work = load.__getitem__
        waits = waiting.get
        for number, before, others in self.serving.get(service, ()):
            if number == without:
                continue
            w = windows[number]
            if w.tide_service is not None and number != back:
                continue  # a tide window serves its tide service only (counted by the caller)
            if staffed_only and w.status is not WindowStatus.OPEN:
                continue
            if before and any(map(waits, before)):
                continue  # its earlier tiers keep it busy
            total = own + sum(map(work, others))
            # visits measured at 0 s (start and finish in the same instant) must not divide by zero
            capacity += own / total if total > 0 else 1.0
            idle += w.current is None
        return capacity, idle


def estimate_seconds(ahead: int, mean_service_s: float, capacity: float, idle: int) -> int:
    """Seconds to wait for a ticket with ``ahead`` people before it.

    >>> estimate_seconds(ahead=6, mean_service_s=600, capacity=2, idle=0)
    2100
    >>> estimate_seconds(ahead=0, mean_service_s=600, capacity=2, idle=1)
    0
    """
    return round(max(0, ahead + 1 - idle) * mean_service_s / capacity)


# The range printed on tickets: these quantiles of the modelled wait. The model's own 10–90 % would
# cover 80 % only if it were exact; it is not (shared windows, breaks, later priority arrivals), so
# the printed range is the 5–95 % one, with the spread widened by DISPERSION, calibrated in the
# simulator (bench/bench_dispatch.py measures coverage per lane and service).
LOW_Q, HIGH_Q = 0.05, 0.95
DISPERSION = 1.5


def gamma_quantile(q: float, shape: float, scale: float) -> float:
    """The q-quantile of a gamma distribution, by Wilson–Hilferty (cube root ≈ normal), exact enough
    for a printed range; the exponential (shape 1) is within 3 % of its true quantiles.

    >>> round(gamma_quantile(0.9, 1, 1), 2), round(-math.log(0.1), 2)       # exponential
    (2.28, 2.3)
    """
    z = NormalDist().inv_cdf(q)
    v = 1 / (9 * shape)
    return shape * scale * max(0.0, 1 - v + z * math.sqrt(v)) ** 3


def first_free_s(remaining: list[list[float]]) -> float:
    """The median of the moment the first of some busy windows frees up, each window's remaining
    time drawn from its own list of equally likely values (:meth:`ServiceTimes.remaining`; a paused
    window's one value is its announced return): P(first > x) = Π P(window i still busy at x).

    >>> first_free_s([[60.0, 600.0]]), first_free_s([[60.0, 600.0], [300.0]])
    (60.0, 60.0)
    >>> first_free_s([[100.0, 200.0, 300.0, 400.0], [100.0, 200.0, 300.0, 400.0]])  # (3/4)² > ½ at 100
    200.0
    """
    points = sorted({x for values in remaining for x in values})
    for x in points:
        still = 1.0
        for values in remaining:
            still *= sum(v > x for v in values) / len(values)
        if still <= 0.5:
            return x
    return points[-1] if points else 0.0


def estimate_range(ahead: int, mean_service_s: float, capacity: float, idle: int,
                   overtake: float = 0.0) -> tuple[int, int, int]:
    """(point, low, high) seconds for a ticket with ``ahead`` people before it.

    k = ahead + 1 − idle visits must end before a window is free for it; with the windows busy,
    visits end about every mean/capacity seconds, so the wait is about a gamma (Erlang) with shape
    k and mean k × mean / capacity — divided by (1 − ``overtake``) for visitors who will come later
    and still go ahead (priority tickets, for an ordinary one). The point estimate is that gamma's
    *median*, the figure with the least mean absolute error (issue 17 measures the point by it; the
    mean, printed before, is pulled up by the long tail of a few long visits); the range is its
    :data:`LOW_Q`–:data:`HIGH_Q` quantiles with the spread widened by :data:`DISPERSION`.

    >>> estimate_range(ahead=0, mean_service_s=600, capacity=2, idle=1)
    (0, 0, 0)
    >>> estimate_range(ahead=5, mean_service_s=600, capacity=2, idle=0)
    (1654, 612, 3485)
    """
    k = ahead + 1 - idle
    if k <= 0 or capacity <= 0:
        return 0, 0, 0
    mean = k * mean_service_s / capacity / (1 - min(0.5, max(0.0, overtake)))
    if mean <= 0:
        return 0, 0, 0
    shape = k / DISPERSION
    scale = mean / shape
    return (round(gamma_quantile(0.5, shape, scale)), round(gamma_quantile(LOW_Q, shape, scale)),
            round(gamma_quantile(HIGH_Q, shape, scale)))

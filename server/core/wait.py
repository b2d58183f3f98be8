"""Estimated waiting time (EWT) for a new ticket, without scanning tickets.

    EWT = max(0, ahead + 1 − idle) × mean service time / capacity

* ahead: waiting tickets before the new one in its service's call order (a rank query, O(log n));
* mean service time: mean of the last 20 finished visits of the service, the configured
  ``minutes`` before there are any (:class:`ServiceTimes`);
* capacity: open windows serving the service, a window counting fractionally (:class:`Capacity`):
  1/len(tier) for a service of its first tier, 1/len(profile) for one of a later tier (it gets
  leftover time only), 1 for a tide window's tide service (and 0 for its other services);
* idle: open windows serving the service that have no current ticket: they take it at once.

Before anyone signs in, the estimate assumes the configured windows will be staffed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

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

    def record(self, service: str, seconds: float) -> None:
        recent = self._recent.get(service)
        if recent is None:
            recent = self._recent[service] = deque(maxlen=self._keep)
        recent.append(seconds)

    def mean(self, service: str) -> float:
        recent = self._recent.get(service)
        if recent:
            return sum(recent) / len(recent)
        return self._defaults.get(service, 600.0)


class Capacity:
    """Which windows serve each service, and with what share of their time."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        self.serving: dict[str, list[tuple[int, float]]] = {}
        for p in profiles:
            first = p.first_tier
            for code in p.services:
                share = 1.0 / len(first) if code in first else 1.0 / len(p.services)
                self.serving.setdefault(code, []).append((p.number, share))

    def of(self, service: str, windows: Mapping[int, WindowState],
           tide_windows: Iterable[int] = ()) -> tuple[float, int]:
        """(capacity in windows, idle windows) now serving ``service``."""
        capacity = 0.0
        idle = 0
        for number, share in self.serving.get(service, ()):
            w = windows[number]
            if w.status is not WindowStatus.OPEN or w.tide_service is not None:
                continue  # a tide window is counted below, for its tide service only
            capacity += share
            idle += w.current is None
        for number in tide_windows:
            w = windows[number]
            if w.status is WindowStatus.OPEN:
                capacity += 1.0
                idle += w.current is None
        if capacity == 0.0:  # nobody signed in yet: assume the configured windows will be
            capacity = sum(share for _, share in self.serving.get(service, ())) or 1.0
            idle = 0
        return capacity, idle


def estimate_seconds(ahead: int, mean_service_s: float, capacity: float, idle: int) -> int:
    """Seconds to wait for a ticket with ``ahead`` people before it.

    >>> estimate_seconds(ahead=6, mean_service_s=600, capacity=2, idle=0)
    2100
    >>> estimate_seconds(ahead=0, mean_service_s=600, capacity=2, idle=1)
    0
    """
    return round(max(0, ahead + 1 - idle) * mean_service_s / capacity)

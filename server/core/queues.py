"""Waiting tickets per service × lane, in call order.

Each service × lane queue is a sorted list of ``(queued_at − bonus, ticket id)``: the key never
changes while a ticket waits, so nothing is ever re-sorted. A sorted list rather than a heap,
because the hall also needs *ranks* — people ahead of a ticket (``ahead_of``), the K-th ticket for
过号重排 and the queue position of a new ticket for its estimated wait — which a heap cannot answer
without scanning. ``bisect`` finds a place in O(log n); inserting or deleting is a memmove, and
tickets join at the tail and leave from the head almost always. The id breaks ties, so the order
is the same after the hall is rebuilt from storage.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from .model import Lane

Entry = tuple[float, str]  # (sort key, ticket id)
LANES = (Lane.PRIORITY, Lane.APPOINTMENT, Lane.NORMAL)


class Queues:
    def __init__(self) -> None:
        self._lists: dict[tuple[str, Lane], list[Entry]] = {}
        self._where: dict[str, tuple[str, Lane, float]] = {}  # id → (service, lane, key)
        self._counts: dict[str, int] = {}  # waiting per service, all lanes
        self._counts_view = MappingProxyType(self._counts)

    def __contains__(self, ticket_id: str) -> bool:
        return ticket_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def add(self, ticket_id: str, service: str, lane: Lane, key: float) -> None:
        if ticket_id in self._where:
            raise ValueError(f"{ticket_id} is already queued")
        insort(self._lists.setdefault((service, lane), []), (key, ticket_id))
        self._where[ticket_id] = (service, lane, key)
        self._counts[service] = self._counts.get(service, 0) + 1

    def remove(self, ticket_id: str) -> None:
        service, lane, key = self._where.pop(ticket_id)
        lst = self._lists[(service, lane)]
        del lst[bisect_left(lst, (key, ticket_id))]
        self._counts[service] -= 1

    def entry(self, ticket_id: str) -> tuple[str, Lane, float]:
        """(service, lane, key) of a waiting ticket."""
        return self._where[ticket_id]

    def head(self, service: str, lane: Lane) -> Entry | None:
        lst = self._lists.get((service, lane))
        return lst[0] if lst else None

    def best(self, services: Iterable[str], lanes: Iterable[Lane] = LANES) -> Entry | None:
        """The smallest key over the given services and lanes: O(services × lanes)."""
        found: Entry | None = None
        lanes = tuple(lanes)
        for service in services:
            for lane in lanes:
                lst = self._lists.get((service, lane))
                if lst and (found is None or lst[0] < found):
                    found = lst[0]
        return found

    @property
    def counts(self) -> Mapping[str, int]:
        """Waiting tickets per service (a live read-only view)."""
        return self._counts_view

    def count(self, service: str, lane: Lane | None = None) -> int:
        if lane is not None:
            return len(self._lists.get((service, lane), ()))
        return self._counts.get(service, 0)

    def rank(self, service: str, entry: Entry) -> int:
        """How many waiting tickets of ``service`` come before ``entry``: O(lanes × log n)."""
        return sum(bisect_left(self._lists.get((service, ln), ()), entry) for ln in LANES)

    def ordered(self, service: str, lanes: Iterable[Lane] = LANES) -> Iterator[Entry]:
        """A service's waiting tickets in call order (lanes merged by key)."""
        return heapq.merge(*(self._lists.get((service, ln), ()) for ln in lanes))

    def nth(self, service: str, n: int, lanes: Iterable[Lane] | None = None) -> Entry | None:
        """The ``n``-th (1-based) waiting ticket of ``service`` in call order (of some lanes): O(n)."""
        ordered = self.ordered(service, LANES if lanes is None else lanes)
        return next(itertools.islice(ordered, n - 1, None), None) if n > 0 else None

    def last(self, service: str, lanes: Iterable[Lane] | None = None) -> Entry | None:
        tails = [lst[-1] for ln in (LANES if lanes is None else lanes) if (lst := self._lists.get((service, ln)))]
        return max(tails) if tails else None

"""``HallState``: a hall's public state as the events left it — no database, no core ``Hall``.

Every ticket event carries snapshots of the tickets (``ticket``, ``continuation``) and the window
(``window``) it changed, after the change (server/core/events.py), so applying the events in ``seq`` order
to the state loaded at some ``seq`` gives the state at the newest ``seq``; the hypothesis test
(tests/server/test_readmodels.py) checks it against the tables after random mutations from two processes.

Held per ticket: the full row while the ticket is still in play (a counter shows it), a slim one once it
is final (the tracking page needs number, service, state, window and the transfer link only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.halls.repo import EventRow
from vocab import FINAL as FINAL_STATES

FINAL = frozenset(s.value for s in FINAL_STATES)
SLIM = ("id", "hall", "day", "service", "number", "lane", "state", "window", "transferred_to")
LANES = ("normal", "priority", "appointment")


@dataclass(slots=True)
class HallState:
    hall: str
    seq: int
    windows: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    tickets: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    waiting: dict[str, dict[str, int]] = field(default_factory=dict)  # service → lane → count

    @classmethod
    def of(cls, hall: str, seq: int, windows: Iterable[Mapping[str, Any]],
           tickets: Iterable[Mapping[str, Any]]) -> HallState:
        state = cls(hall, seq)
        for w in windows:
            state.windows[w["number"]] = w
        for tk in tickets:
            state._put(tk)
        return state

    def apply(self, row: EventRow) -> None:
        """Advance by one committed event (the caller hands them over in ``seq`` order)."""
        data = row.data
        for key in ("ticket", "continuation"):
            tk = data.get(key)
            if isinstance(tk, dict) and "state" in tk:
                self._put(tk)
        win = data.get("window")
        if isinstance(win, dict) and "status" in win:
            self.windows[win["number"]] = win
        self.seq = row.seq

    def _put(self, tk: Mapping[str, Any]) -> None:
        old = self.tickets.get(tk["id"])
        if old is not None and old["state"] == "waiting":
            self._count(old, -1)
        if tk["state"] == "waiting":
            self._count(tk, +1)
        self.tickets[tk["id"]] = {k: tk[k] for k in SLIM} if tk["state"] in FINAL else tk

    def _count(self, tk: Mapping[str, Any], delta: int) -> None:
        lanes = self.waiting.setdefault(tk["service"], dict.fromkeys(LANES, 0))
        lanes[tk["lane"]] = lanes.get(tk["lane"], 0) + delta

    def current_tickets(self) -> dict[str, Mapping[str, Any]]:
        """The tickets at the windows now (called, recalled or being served)."""
        return {w["current"]: tk for w in self.windows.values()
                if w["current"] and (tk := self.tickets.get(w["current"])) is not None}

    def counts(self) -> dict[str, dict[str, int]]:
        """Waiting counts as ``views.waiting_counts`` gives them (services with none waiting left out)."""
        return {svc: dict(lanes) for svc, lanes in self.waiting.items() if any(lanes.values())}

    def forget_final_before(self, day: str) -> None:
        """Drop finished tickets of earlier days (memory); the tracking page reads those from the database."""
        for tid in [tid for tid, tk in self.tickets.items() if tk["state"] in FINAL and tk["day"] < day]:
            del self.tickets[tid]

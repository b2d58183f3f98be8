"""Tickets, windows and the values the core hands back (contract §2).

Times are POSIX seconds (UTC floats); ``day`` is the hall's local date. Everything here is plain data
with ``to_dict``/``from_dict`` for storage and the HTTP API; behaviour lives in :mod:`.hall`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

# lanes, states and outcomes are the wire vocabulary, shared with the terminals
from vocab import AT_WINDOW, FINAL, Lane, Outcome, TicketState, WindowStatus  # noqa: F401 (re-exported)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


@dataclass(slots=True)
class Ticket:
    id: str  # f"{hall}-{yyyymmdd}-{number}"; transfer continuations add "-T1", "-T2"
    hall: str
    day: str  # local date "YYYY-MM-DD"
    service: str
    number: str  # prefix + 3 digits, per service per local day
    lane: Lane
    channel: str  # kiosk | phone | web | counter | appointment
    state: TicketState
    issued_at: float  # first issue (kept across transfers)
    queued_at: float  # ordering time (= issued_at; kept across transfers; moved by requeue)
    window: int | None = None
    clerk: str | None = None
    called_at: float | None = None
    recalls: int = 0
    started_at: float | None = None
    finished_at: float | None = None  # also the time of no-show, transfer and cancel
    outcome: Outcome | None = None
    transferred_from: str | None = None
    transferred_to: str | None = None
    appointment_id: str | None = None
    note: str = ""
    requeues: int = 0

    def to_dict(self) -> dict[str, Any]:
        # hand-written, in field order, like copy(): dataclasses.fields() on every call was the largest
        # part of a group commit's Python (every event, stored row and answer carries a ticket; issue 14)
        return {"id": self.id, "hall": self.hall, "day": self.day, "service": self.service, "number": self.number,
                "lane": _plain(self.lane), "channel": _plain(self.channel), "state": _plain(self.state),
                "issued_at": self.issued_at, "queued_at": self.queued_at, "window": self.window,
                "clerk": self.clerk, "called_at": self.called_at, "recalls": self.recalls,
                "started_at": self.started_at, "finished_at": self.finished_at, "outcome": _plain(self.outcome),
                "transferred_from": self.transferred_from, "transferred_to": self.transferred_to,
                "appointment_id": self.appointment_id, "note": self.note, "requeues": self.requeues}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ticket:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in known}
        kw["lane"] = Lane(kw["lane"])
        kw["state"] = TicketState(kw["state"])
        if kw.get("outcome") is not None:
            kw["outcome"] = Outcome(kw["outcome"])
        return cls(**kw)

    def copy(self) -> Ticket:
        # hand-written: dataclasses.replace/copy.copy are several times slower, and the hall copies
        # a ticket for every event and every return value
        return Ticket(self.id, self.hall, self.day, self.service, self.number, self.lane,
                      self.channel, self.state, self.issued_at, self.queued_at, self.window,
                      self.clerk, self.called_at, self.recalls, self.started_at, self.finished_at,
                      self.outcome, self.transferred_from, self.transferred_to,
                      self.appointment_id, self.note, self.requeues)


@dataclass(slots=True)
class WindowState:
    number: int
    status: WindowStatus = WindowStatus.CLOSED
    clerk: str | None = None
    current: str | None = None  # ticket id being called/served
    pause_reason: str = ""
    pause_until: float | None = None
    tide_service: str | None = None
    tide_manual: bool = False
    tide_since: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "status": _plain(self.status), "clerk": self.clerk, "current": self.current,
                "pause_reason": self.pause_reason, "pause_until": self.pause_until,
                "tide_service": self.tide_service, "tide_manual": self.tide_manual, "tide_since": self.tide_since}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowState:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in known}
        kw["status"] = WindowStatus(kw.get("status", WindowStatus.CLOSED))
        return cls(**kw)

    def copy(self) -> WindowState:
        return WindowState(self.number, self.status, self.clerk, self.current, self.pause_reason,
                           self.pause_until, self.tide_service, self.tide_manual, self.tide_since)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A waiting ticket's estimated wait (docs/dispatch.md, "Estimated waiting time").

    ``wait_s`` is the point estimate (the median of the modelled wait), ``low_s``–``high_s`` the
    range the ticket and the phone page print ("约 5–10 分钟", :meth:`range_min`), which the
    simulator checks contains the real wait for at least 80 % of visitors. ``beyond_closing``: the
    range's high end passes ``closes_at``, the end of the service's current opening hours — the
    kiosk says so and offers a booking (DOMAIN rule 1; nobody is left unserved without being told).
    """

    ahead: int
    wait_s: int
    low_s: int
    high_s: int
    beyond_closing: bool = False
    closes_at: float | None = None  # POSIX seconds; None for a service open around the clock

    def range_min(self) -> tuple[int, int]:
        """The printed range in whole minutes: low rounded down, high up, at least one minute apart.

        >>> Estimate(3, 400, 130, 610).range_min()
        (2, 11)
        """
        low = int(self.low_s // 60)
        return low, max(low + 1, -(-self.high_s // 60)) if self.high_s > 0 else low

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Issued:
    """A new ticket, with what the kiosk prints: people ahead and estimated wait."""

    ticket: Ticket
    ahead: int
    estimated_wait_s: int  # = estimate.wait_s
    estimate: Estimate | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """A call decision and why it was made (shown to the clerk, kept in the audit trail)."""

    ticket: Ticket
    reason_zh: str
    reason_en: str

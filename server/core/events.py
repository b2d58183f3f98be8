"""What happened in a hall, in order (DOMAIN rule 10, 留痕: every step recorded).

Each event is a frozen dataclass with a ``kind`` ("ticket.called" …), the time ``at``, the ``hall``
and *snapshots* of every ticket and window it changed, so the latest snapshots in a stream of events
are the hall's state (:func:`latest_state`). ``to_dict()`` is JSON-able.

* ticket.issued  ticket.called  ticket.recalled  ticket.no_show  ticket.started  ticket.finished
  ticket.transferred  ticket.requeued  ticket.cancelled
* window.opened (sign-in)  window.closed (sign-out)  window.paused  window.resumed  window.takeover
* tide.opened  tide.closed  tide.requested (no staffed eligible window: a warning for managers)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from .model import Ticket, WindowState

_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, Ticket | WindowState):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    kind: ClassVar[str] = "event"
    at: float
    hall: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        names = _NAMES.get(type(self))
        if names is None:  # dataclasses.fields() once per class, not per event (issue 14)
            names = _NAMES[type(self)] = tuple(f.name for f in fields(self))
        for name in names:
            out[name] = _plain(getattr(self, name))
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketIssued(Event):
    kind: ClassVar[str] = "ticket.issued"
    ticket: Ticket
    ahead: int
    estimated_wait_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketCalled(Event):
    kind: ClassVar[str] = "ticket.called"
    ticket: Ticket
    window: WindowState
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketRecalled(Event):
    kind: ClassVar[str] = "ticket.recalled"
    ticket: Ticket
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketNoShow(Event):
    kind: ClassVar[str] = "ticket.no_show"
    ticket: Ticket
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketStarted(Event):
    kind: ClassVar[str] = "ticket.started"
    ticket: Ticket
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketFinished(Event):
    kind: ClassVar[str] = "ticket.finished"
    ticket: Ticket
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketTransferred(Event):
    kind: ClassVar[str] = "ticket.transferred"
    ticket: Ticket  # the original, now TRANSFERRED
    continuation: Ticket  # the new WAITING ticket for the other service
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketRequeued(Event):
    kind: ClassVar[str] = "ticket.requeued"
    ticket: Ticket
    behind: int  # waiting tickets now ahead of it in its service


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketCancelled(Event):
    kind: ClassVar[str] = "ticket.cancelled"
    ticket: Ticket


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowOpened(Event):
    kind: ClassVar[str] = "window.opened"
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowClosed(Event):
    kind: ClassVar[str] = "window.closed"
    window: WindowState
    clerk: str | None  # who signed out


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowPaused(Event):
    kind: ClassVar[str] = "window.paused"
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowResumed(Event):
    kind: ClassVar[str] = "window.resumed"
    window: WindowState


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowTakeover(Event):
    kind: ClassVar[str] = "window.takeover"
    window: WindowState
    previous_clerk: str | None
    ticket: Ticket | None  # the current ticket, now in the new clerk's name


@dataclass(frozen=True, slots=True, kw_only=True)
class TideOpened(Event):
    kind: ClassVar[str] = "tide.opened"
    window: WindowState
    service: str
    manual: bool
    by: str | None
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TideClosed(Event):
    kind: ClassVar[str] = "tide.closed"
    window: WindowState
    service: str
    manual: bool
    by: str | None
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TideRequested(Event):
    kind: ClassVar[str] = "tide.requested"
    service: str
    waiting: int
    estimated_wait_s: int
    reason_zh: str
    reason_en: str


KINDS: dict[str, type[Event]] = {cls.kind: cls for cls in (
    TicketIssued, TicketCalled, TicketRecalled, TicketNoShow, TicketStarted, TicketFinished,
    TicketTransferred, TicketRequeued, TicketCancelled, WindowOpened, WindowClosed, WindowPaused,
    WindowResumed, WindowTakeover, TideOpened, TideClosed, TideRequested)}


def latest_state(events: Iterable[dict[str, Any]]) -> tuple[list[Ticket], list[WindowState]]:
    """Replay event dicts (``Event.to_dict()``, oldest first) into the latest ticket and window
    snapshots: what ``Hall(config, …, tickets=…, windows=…)`` needs to carry on."""
    tickets: dict[str, dict[str, Any]] = {}
    windows: dict[int, dict[str, Any]] = {}
    for ev in events:
        for key in ("ticket", "continuation"):
            if ev.get(key):
                tickets[ev[key]["id"]] = ev[key]
        if ev.get("window"):
            windows[ev["window"]["number"]] = ev["window"]
    return ([Ticket.from_dict(t) for t in tickets.values()],
            [WindowState.from_dict(w) for w in windows.values()])

"""What the board knows about the hall, read from the snapshot and the event stream. Pure: no Qt, no I/O.

Messages are the server's JSON (docs/api.md): the snapshot ``{"seq", "windows", "waiting", "tides"}`` and
events ``{"seq", "kind", "at", "data": {"ticket", "window", "continuation", …}}``. Each function here
picks out only what a lobby screen may show — ticket number, service, window, public clerk data — and
nothing else, whatever else a message carries (000 第二十八条: no personal data in public places; DOMAIN
rule 11). Window information, the clerk's name and staff number included, is public (004 第十四条).

* :class:`WindowRow`    one window's line on the grid (status, current ticket, pause, tide, clerk)
* :class:`Call`         a call or recall, as the "latest calls" panel and the speaker use it
* :class:`ServiceCount` waiting visitors of one service, per lane
* :func:`waiting_changes` how an event moves the waiting counts, from the ticket lifecycle's own table
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from server.core import Lane, TicketState, WindowStatus
from server.core.lifecycle import TRANSITIONS

Message = dict[str, Any]

#: ticket states in which a ticket's visitor is still being asked to come to the window
CALLING = frozenset({TicketState.CALLED, TicketState.RECALLED})

# event kind → the lifecycle action it records (server/core/lifecycle.py ACTION_NAMES)
_ACTION_OF_KIND = {
    "ticket.called": "call",
    "ticket.recalled": "recall",
    "ticket.no_show": "no_show",
    "ticket.started": "start",
    "ticket.finished": "finish",
    "ticket.transferred": "transfer",
    "ticket.requeued": "requeue",
    "ticket.cancelled": "cancel",
}
CALL_KINDS = frozenset({"ticket.called", "ticket.recalled"})


class BadMessage(ValueError):
    """A snapshot or event without the fields this board needs (logged and skipped, never fatal)."""


@dataclass(frozen=True, slots=True)
class Clerk:
    name: str
    staff_no: str
    photo_url: str | None = None  # the public photo (004 第十四条), fetched by the board


@dataclass(frozen=True, slots=True)
class Current:
    """A window's current ticket: public fields only."""

    id: str
    number: str
    service: str
    state: TicketState


@dataclass(frozen=True, slots=True)
class WindowRow:
    number: int
    name_zh: str
    name_en: str
    zone: str = ""
    green_channel: bool = False
    status: WindowStatus = WindowStatus.CLOSED
    current: Current | None = None
    clerk_no: str | None = None
    pause_reason: str = ""
    pause_until: float | None = None
    tide_service: str | None = None

    @property
    def calling(self) -> bool:
        """Someone is being called to this window and has not arrived yet."""
        return self.current is not None and self.current.state in CALLING

    def updated(self, window: Message, tickets: Iterable[Message] = ()) -> WindowRow:
        """This row after an event's window snapshot (``server.core.WindowState.to_dict()``) and the
        tickets the event carried (the window's current ticket, if it is among them)."""
        current_id = window.get("current")
        current = None
        if current_id is not None:
            current = next((_current(t) for t in tickets if t.get("id") == current_id), None)
            if current is None and self.current is not None and self.current.id == current_id:
                current = self.current  # e.g. window.paused: the ticket did not change
            if current is None:  # a ticket this board never saw: show the window busy, number unknown
                current = Current(current_id, "", "", TicketState.SERVING)
        return replace(
            self,
            status=WindowStatus(window.get("status", self.status)),
            current=current,
            clerk_no=window.get("clerk"),
            pause_reason=str(window.get("pause_reason") or ""),
            pause_until=window.get("pause_until"),
            tide_service=window.get("tide_service"),
        )


@dataclass(frozen=True, slots=True)
class Call:
    """One call (or recall) of a ticket to a window; ``seq`` is the event's (0: seeded from a snapshot)."""

    seq: int
    ticket_id: str
    number: str
    service: str
    window: int
    recall: bool = False
    at: float | None = None


@dataclass(frozen=True, slots=True)
class ServiceCount:
    service: str
    name_zh: str
    name_en: str
    prefix: str
    normal: int = 0
    priority: int = 0
    appointment: int = 0

    @property
    def total(self) -> int:
        return self.normal + self.priority + self.appointment

    def plus(self, lane: str, delta: int) -> ServiceCount:
        field = lane if lane in ("normal", "priority", "appointment") else "normal"
        return replace(self, **{field: max(0, getattr(self, field) + delta)})


def _current(ticket: Message) -> Current:
    return Current(str(ticket["id"]), str(ticket["number"]), str(ticket.get("service", "")),
                   TicketState(ticket["state"]))


def _checked(what: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadMessage(f"{what}: {type(exc).__name__}: {exc}") from exc


# -- the snapshot -----------------------------------------------------------------------------------
def windows_of(snapshot: Message) -> list[WindowRow]:
    """Every window of the snapshot, in the hall's order."""

    def read() -> list[WindowRow]:
        rows = []
        for w in snapshot["windows"]:
            cur = w.get("current")
            clerk = w.get("clerk") or {}
            rows.append(WindowRow(
                number=int(w["number"]),
                name_zh=str(w["name_zh"]),
                name_en=str(w.get("name_en") or w["name_zh"]),
                zone=str(w.get("zone") or ""),
                green_channel=bool(w.get("green_channel")),
                status=WindowStatus(w["status"]),
                current=_current(cur) if cur else None,
                clerk_no=clerk.get("staff_no"),
                pause_reason=str(w.get("pause_reason") or ""),
                pause_until=w.get("pause_until"),
                tide_service=w.get("tide_service"),
            ))
        return rows

    return _checked("snapshot windows", read)


def clerks_of(snapshot: Message) -> dict[str, Clerk]:
    """Public clerk data (name, staff number, photo URL) by staff number."""
    out: dict[str, Clerk] = {}
    for w in snapshot.get("windows", []):
        clerk = w.get("clerk") if isinstance(w, dict) else None
        if isinstance(clerk, dict) and clerk.get("staff_no"):
            photo = clerk.get("photo_url")
            out[str(clerk["staff_no"])] = Clerk(str(clerk.get("name") or ""), str(clerk["staff_no"]),
                                                str(photo) if photo else None)
    return out


def waiting_of(snapshot: Message) -> list[ServiceCount]:
    def read() -> list[ServiceCount]:
        return [ServiceCount(str(s["service"]), str(s["name_zh"]), str(s.get("name_en") or s["name_zh"]),
                             str(s.get("prefix", "")), int(s.get("normal", 0)), int(s.get("priority", 0)),
                             int(s.get("appointment", 0)))
                for s in snapshot["waiting"]]

    return _checked("snapshot waiting", read)


def calling_now(snapshot: Message) -> dict[int, str]:
    """Window → id of the ticket it is calling right now (called or recalled, not yet arrived)."""
    return {row.number: row.current.id for row in windows_of(snapshot) if row.calling and row.current}


def seeded_calls(snapshot: Message) -> list[Call]:
    """Calls a board starting up mid-day shows at once (not spoken: they were made before it started)."""
    return [Call(0, row.current.id, row.current.number, row.current.service, row.number,
                 row.current.state is TicketState.RECALLED)
            for row in windows_of(snapshot) if row.calling and row.current]


# -- events -----------------------------------------------------------------------------------------
def seq_of(message: Message) -> int:
    seq = message.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise BadMessage(f"event without seq: {message.get('kind')!r}")
    return seq


def data_of(message: Message) -> Message:
    data = message.get("data")
    if not isinstance(data, dict):
        raise BadMessage(f"event {message.get('seq')} ({message.get('kind')!r}) has no data object")
    return data


def call_of(message: Message) -> Call | None:
    """The call a ``ticket.called`` / ``ticket.recalled`` event makes; None for other kinds."""
    kind = message.get("kind")
    if kind not in CALL_KINDS:
        return None
    data = data_of(message)

    def read() -> Call:
        ticket, window = data["ticket"], data["window"]
        return Call(seq_of(message), str(ticket["id"]), str(ticket["number"]), str(ticket.get("service", "")),
                    int(window["number"]), kind == "ticket.recalled", message.get("at"))

    return _checked(f"event {message.get('seq')}", read)


def tickets_in(message: Message) -> list[Message]:
    """The ticket snapshots an event carries, each with the public fields the board reads."""
    data = data_of(message)
    tickets = [data[k] for k in ("ticket", "continuation") if isinstance(data.get(k), dict)]
    for ticket in tickets:
        _checked(f"event {message.get('seq')} ticket", _current, ticket)
    return tickets


def window_in(message: Message) -> Message | None:
    """The window snapshot an event carries (every ticket-at-window, window and tide event has one)."""
    window = data_of(message).get("window")
    if window is None:
        return None
    if not isinstance(window, dict) or not isinstance(window.get("number"), int):
        raise BadMessage(f"event {message.get('seq')}: window is not an object with a number")
    _checked(f"event {message.get('seq')} window status", WindowStatus, window.get("status"))
    return window


def _sources(action: str) -> frozenset[TicketState]:
    return frozenset(state for (state, act) in TRANSITIONS if act == action)


def waiting_changes(message: Message) -> Iterator[tuple[str, str, int]]:
    """(service, lane, ±1) for each ticket the event put into or took out of a waiting queue.

    Whether a ticket *was* waiting follows from the lifecycle table: an action whose only source
    state is WAITING (call, cancel) took it out; a new ticket (issued, a transfer's continuation) or a
    requeued one is in now if its state says so.

    >>> list(waiting_changes({"seq": 5, "kind": "ticket.called",
    ...      "data": {"ticket": {"service": "GEN", "lane": "normal", "state": "called"}}}))
    [('GEN', 'normal', -1)]
    """
    kind = str(message.get("kind", ""))
    if not kind.startswith("ticket."):
        return
    data = data_of(message)
    action = _ACTION_OF_KIND.get(kind)
    if action is None and kind != "ticket.issued":
        return  # a kind this board does not know: the periodic snapshot refresh corrects the counts
    for key in ("ticket", "continuation"):
        ticket = data.get(key)
        if not isinstance(ticket, dict):
            continue
        new = key == "continuation" or action is None  # issued, or a transfer's new ticket
        was = not new and _sources(action) == {TicketState.WAITING}  # type: ignore[arg-type]
        try:
            now = TicketState(ticket["state"]) is TicketState.WAITING
            service, lane = str(ticket["service"]), str(ticket.get("lane") or Lane.NORMAL)
        except (KeyError, ValueError) as exc:
            raise BadMessage(f"event {message.get('seq')}: ticket without service/state: {exc}") from exc
        if now != was:
            yield service, lane, 1 if now else -1

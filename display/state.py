"""What the board knows about the hall, read from the snapshot and the event stream. Pure: no Qt, no I/O.

Messages are the server's JSON (docs/api.md): the snapshot ``{"seq", "windows", "waiting", "tides"}`` and
events ``{"seq", "kind", "at", "data": {"ticket", "window", "continuation", …}}``. Each function here
picks out only what a lobby screen may show — ticket number, service, window, public clerk data — and
nothing else, whatever else a message carries (000 第二十八条: no personal data in public places; DOMAIN
rule 11). Window information, the clerk's name and staff number included, is public (004 第十四条).

* :class:`WindowRow`    one window's line on the grid (status, current ticket, pause, tide, clerk)
* :class:`Call`         a call or recall, as the "latest calls" panel and the speaker use it
* :class:`~client.models.ServiceWaiting` waiting visitors of one service, per lane (the client's model)
* :func:`waiting_counts_in` the waiting counts an event carries (the server's numbers, never re-derived)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from client.models import ServiceWaiting
from vocab import CALL_KINDS, LANE_COUNT_KEYS, TicketState, WindowStatus

Message = dict[str, Any]

#: ticket states in which a ticket's visitor is still being asked to come to the window
CALLING = frozenset({TicketState.CALLED, TicketState.RECALLED})



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


def waiting_of(snapshot: Message) -> list[ServiceWaiting]:
    """The waiting counts per service in the snapshot (a ``ValidationError`` is a ``ValueError``)."""

    def read() -> list[ServiceWaiting]:
        return [ServiceWaiting.model_validate(s) for s in snapshot["waiting"]]

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


def waiting_counts_in(message: Message) -> dict[str, dict[str, int]]:
    """The waiting counts an event carries: service → lane → visitors waiting after it was committed.

    The server attaches them to every ticket event (``data["waiting"]``); the board sets its counts from
    these numbers instead of keeping a copy of the server's ticket lifecycle.

    >>> waiting_counts_in({"seq": 5, "kind": "ticket.called",
    ...      "data": {"waiting": {"GEN": {"normal": 2, "priority": 1, "appointment": 0}}}})
    {'GEN': {'normal': 2, 'priority': 1, 'appointment': 0}}
    """
    waiting = data_of(message).get("waiting")
    if waiting is None:
        return {}

    def read() -> dict[str, dict[str, int]]:
        return {str(service): {lane: _count(lanes.get(lane, 0)) for lane in LANE_COUNT_KEYS}
                for service, lanes in waiting.items()}

    return _checked(f"event {message.get('seq')} waiting", read)


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"waiting count {value!r} is not a count")
    return value

"""What the counter shows and allows, decided from what it knows — pure, no Qt, no I/O.

:class:`Situation` is everything the terminal knows at a moment (the window as the server last
described it, who is logged in, whether the server answers, whether an action is on its way).
:func:`allowed` is the one rule for which actions a clerk may start; :func:`visitor` and
:func:`window_notice` say what the screen shows. The LED text has its own module (``led``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from client.i18n import T
from client.models import Reason, Ticket, WindowInfo
from client.rules import RECALL_LIMIT
from vocab import Lane, TicketState, WindowStatus

from . import texts


class Act(enum.StrEnum):
    """What a clerk can do at the counter (each one button and one key)."""

    CALL = "call"
    RECALL = "recall"
    NO_SHOW = "no_show"
    START = "start"
    FINISH = "finish"
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    SIGN_IN = "sign_in"
    TAKEOVER = "takeover"
    SWITCH = "switch"
    SIGN_OUT = "sign_out"
    REQUEUE = "requeue"


# the keys, shown on the buttons (issue 6: F1 call, F2 recall, …); SIGN_IN and TAKEOVER share F9 —
# only one of them can apply (the window is closed, or someone else holds it)
SHORTCUTS: dict[Act, str] = {
    Act.CALL: "F1",
    Act.RECALL: "F2",
    Act.NO_SHOW: "F3",
    Act.START: "F4",
    Act.FINISH: "F5",
    Act.TRANSFER: "F6",
    Act.PAUSE: "F7",
    Act.RESUME: "F8",
    Act.SIGN_IN: "F9",
    Act.TAKEOVER: "F9",
    Act.REQUEUE: "F10",
    Act.SWITCH: "F11",
    Act.SIGN_OUT: "F12",
}

LABELS: dict[Act, T] = {
    Act.CALL: texts.CALL,
    Act.RECALL: texts.RECALL,
    Act.NO_SHOW: texts.NO_SHOW,
    Act.START: texts.START,
    Act.FINISH: texts.FINISH,
    Act.TRANSFER: texts.TRANSFER,
    Act.PAUSE: texts.PAUSE,
    Act.RESUME: texts.RESUME,
    Act.SIGN_IN: texts.SIGN_IN,
    Act.TAKEOVER: texts.TAKEOVER,
    Act.REQUEUE: texts.REQUEUE,
    Act.SWITCH: texts.SWITCH,
    Act.SIGN_OUT: texts.SIGN_OUT,
}

AT_WINDOW = (TicketState.CALLED, TicketState.RECALLED)  # called, not arrived yet


@dataclass(frozen=True, slots=True)
class Situation:
    info: WindowInfo | None = None  # GET …/windows/{n}, the latest
    me: str | None = None  # staff number of the clerk logged in here
    online: bool = False  # the server answers and the event stream is up
    busy: bool = False  # an action waits for its answer (or for the link)
    max_recalls: int | None = None  # the hall's recall limit (GET /halls rules); None: not known yet

    @property
    def holder(self) -> str | None:
        """Staff number of the clerk signed in at the window, if any."""
        info = self.info
        if info is None or info.status is WindowStatus.CLOSED or info.clerk is None:
            return None
        return info.clerk.staff_no

    @property
    def held_by_other(self) -> bool:
        return self.holder is not None and self.holder != self.me


def allowed(s: Situation) -> frozenset[Act]:
    """The actions a clerk may start now: the buttons that are enabled and the keys that work.

    Nothing while the server is out of reach or an action is on its way (one press, one action);
    at a window someone else holds, only the A/B takeover (004 第十二条) or leaving.
    """
    if not s.online or s.busy or s.me is None or s.info is None:
        return frozenset()
    info = s.info
    if info.status is WindowStatus.CLOSED:
        return frozenset({Act.SIGN_IN, Act.SWITCH})
    if s.held_by_other:
        return frozenset({Act.TAKEOVER, Act.SWITCH})
    # 过号重排 (issue 16) whenever the window is the clerk's: a visitor who missed the call comes back
    if info.status is WindowStatus.PAUSED:
        return frozenset({Act.RESUME, Act.SWITCH, Act.SIGN_OUT, Act.REQUEUE})
    current = info.current
    if current is None:
        return frozenset({Act.CALL, Act.PAUSE, Act.SWITCH, Act.SIGN_OUT, Act.REQUEUE})
    # SWITCH at any time: a clerk called away mid-visit leaves the visitor to the B post (004 第十二条)
    if current.state in AT_WINDOW:
        # the hall's recall limit: then only no-show (config recall.max_recalls; the server refuses more)
        limit_reached = s.max_recalls is not None and current.recalls >= s.max_recalls
        acts = {Act.NO_SHOW, Act.START, Act.SWITCH, Act.REQUEUE} | (set() if limit_reached else {Act.RECALL})
        return frozenset(acts)
    if current.state is TicketState.SERVING:
        return frozenset({Act.FINISH, Act.TRANSFER, Act.SWITCH, Act.REQUEUE})
    return frozenset({Act.SWITCH, Act.REQUEUE})


@dataclass(frozen=True, slots=True)
class VisitorView:
    """The current visitor as the clerk sees them."""

    number: str
    service: T
    lane: T
    priority: bool
    state: T
    waited_s: int
    transferred_from: T | None
    note: str
    booking: T
    reason: T | None


def visitor(ticket: Ticket, now: float, *, origin: Ticket | None = None, reason: Reason | None = None,
            max_recalls: int | None = None) -> VisitorView:
    """``origin``: the ticket this one was transferred from (for its service's name); at
    ``max_recalls`` the state says that only no-show is left (F2 is greyed out).

    Time waited is from the first issue (kept across transfers) to the call, or to ``now`` before it.
    """
    until = ticket.called_at if ticket.called_at is not None else now
    state = texts.STATES[ticket.state]
    if ticket.recalls and ticket.state in AT_WINDOW:
        state = texts.RECALLS.fill(state=state, n=ticket.recalls)
        if max_recalls is not None and ticket.recalls >= max_recalls:
            state = RECALL_LIMIT.format(n=ticket.recalls, limit=max_recalls)
    came_from = None
    if ticket.transferred_from:
        source = origin or ticket
        came_from = texts.TRANSFERRED_VALUE.fill(service=service_name(source), number=source.number)
    if ticket.appointment_id:
        booking = texts.BOOKED.fill(id=ticket.appointment_id)
    else:
        booking = texts.LANES[Lane.APPOINTMENT] if ticket.lane is Lane.APPOINTMENT else texts.WALK_IN
    return VisitorView(
        number=ticket.number,
        service=service_name(ticket),
        lane=texts.LANES[ticket.lane],
        priority=ticket.lane is Lane.PRIORITY,
        state=state,
        waited_s=max(0, int(until - ticket.issued_at)),
        transferred_from=came_from,
        note=ticket.note,
        booking=booking,
        reason=T(reason.zh, reason.en) if reason is not None else None,
    )


def service_name(ticket: Ticket) -> T:
    return T(ticket.service_name_zh or ticket.service, ticket.service_name_en or ticket.service)


def waited_text(seconds: int) -> T:
    return texts.WAITED_VALUE.format(m=seconds // 60, s=seconds % 60)


def clock_text(when: float | None, tz: ZoneInfo) -> str:
    """``HH:MM`` in the hall's time zone ('' for None)."""
    return "" if when is None else datetime.fromtimestamp(when, tz).strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class Notice:
    """A strip across the top of the main screen."""

    kind: str  # "warning" | "danger" | "info"
    text: T


def window_notices(s: Situation, service_names: dict[str, T], tz: ZoneInfo) -> list[Notice]:
    """Tide assignment, pause, a window held by someone else, closed — said plainly."""
    info = s.info
    if info is None:
        return []
    out: list[Notice] = []
    if info.tide_service:
        # 000 第十八条: the dispatcher re-assigned this window; the clerk must see it at a glance
        name = service_names.get(info.tide_service, T(info.tide_service, info.tide_service))
        out.append(Notice("warning", texts.TIDE_BANNER.fill(service=name)))
    if info.status is WindowStatus.CLOSED:
        out.append(Notice("info", texts.CLOSED))
    elif s.held_by_other and info.clerk is not None:
        out.append(Notice("warning", texts.HELD_BY_OTHER.format(name=info.clerk.name, staff_no=info.clerk.staff_no)))
    elif info.status is WindowStatus.PAUSED:
        until = clock_text(info.pause_until, tz)
        text = (texts.PAUSED_UNTIL.format(reason=info.pause_reason, until=until) if until
                else texts.PAUSED.format(reason=info.pause_reason))
        out.append(Notice("warning", text))
    return out

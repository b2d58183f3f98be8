"""The role matrix: every protected action → the roles and device kinds allowed, in ONE table.

Narrowest roles that work. ``window=True`` rows additionally need the caller to be authorised for the
window in the path: a clerk or manager through their authorised windows, a counter device through the
window it is bound to. Staff without a hall may act in every hall; devices only in their own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from server.halls.errors import Problem

from .principal import Principal


class Action(enum.StrEnum):
    ISSUE = "ticket.issue"
    READ_TICKET = "ticket.read"
    CANCEL = "ticket.cancel"
    REQUEUE = "ticket.requeue"
    RATE = "ticket.rate"
    WINDOW_READ = "window.read"
    SIGN_IN = "window.sign_in"
    SIGN_OUT = "window.sign_out"
    CALL = "window.call"
    RECALL = "window.recall"
    NO_SHOW = "window.no_show"
    START = "window.start"
    FINISH = "window.finish"
    TRANSFER = "window.transfer"
    PAUSE = "window.pause"
    RESUME = "window.resume"
    TAKEOVER = "window.takeover"
    TIDE_OPEN = "tide.open"
    TIDE_CLOSE = "tide.close"
    SNAPSHOT = "hall.snapshot"
    EVENTS = "hall.events"
    HEARTBEAT = "device.heartbeat"
    DEVICES_READ = "device.list"
    CHECK_IN = "booking.check_in"
    BOOKINGS_READ = "booking.list"
    WARNINGS_READ = "warning.read"
    WARNING_ACK = "warning.ack"
    FOLLOWUPS_READ = "followup.read"
    FOLLOWUP_WRITE = "followup.write"
    REPORTS = "report.read"
    CARD_USE = "card.use"
    DEVICES_ADMIN = "device.admin"  # rename, disable/enable, remove (server/auth/admin.py)
    CLERKS_ADMIN = "clerk.admin"  # list, disable/enable, reset PIN, windows and role
    CONFIG_WRITE = "config.write"  # live configuration (server/halls/live_config.py)


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[str]
    window: bool = False


def _r(*roles: str, window: bool = False) -> Rule:
    return Rule(frozenset(roles), window)


_AT_COUNTER = (
    "clerk",
    "manager",
    "counter",
)  # the people at a window and the terminal on their desk
_SCREENS = ("display", "kiosk", "counter", "clerk", "manager")  # what shows the hall's public state

ROLE_MATRIX: dict[Action, Rule] = {
    Action.ISSUE: _r("kiosk"),
    Action.READ_TICKET: _r(*_AT_COUNTER),
    Action.CANCEL: _r(*_AT_COUNTER),
    Action.REQUEUE: _r(
        "kiosk", *_AT_COUNTER
    ),  # 过号重排: the visitor returns to the kiosk or a counter
    # 好差评 from the counter's rating pad: the visitor's, so the counter terminal (or a pad) posts it, never
    # a clerk's token (004 第三十三条 "不得违背申请人意愿"); window = the window that served the ticket
    Action.RATE: _r("counter", "pad", window=True),
    Action.WINDOW_READ: _r(*_AT_COUNTER, window=True),
    Action.SIGN_IN: _r(
        "clerk", "manager", window=True
    ),  # a person signs in, never a terminal alone
    Action.SIGN_OUT: _r(*_AT_COUNTER, window=True),
    Action.CALL: _r(*_AT_COUNTER, window=True),
    Action.RECALL: _r(*_AT_COUNTER, window=True),
    Action.NO_SHOW: _r(*_AT_COUNTER, window=True),
    Action.START: _r(*_AT_COUNTER, window=True),
    Action.FINISH: _r(*_AT_COUNTER, window=True),
    Action.TRANSFER: _r(*_AT_COUNTER, window=True),
    Action.PAUSE: _r(*_AT_COUNTER, window=True),
    Action.RESUME: _r(*_AT_COUNTER, window=True),
    Action.TAKEOVER: _r(
        "clerk", "manager", window=True
    ),  # A/B post: the B clerk must be authorised
    Action.TIDE_OPEN: _r("manager"),
    Action.TIDE_CLOSE: _r("manager"),
    Action.SNAPSHOT: _r(*_SCREENS),
    Action.EVENTS: _r(*_SCREENS),
    Action.HEARTBEAT: _r("kiosk", "counter", "display", "pad"),
    Action.DEVICES_READ: _r("maintenance", "manager"),
    # 预约签到 (003 §1): at the kiosk, or by the people and terminal at a window
    Action.CHECK_IN: _r("kiosk", *_AT_COUNTER),
    Action.BOOKINGS_READ: _r("clerk", "manager"),  # who is booked today (people masked)
    # 电子监察, 好差评 follow-ups and statistics: managers only (004 第五条; issue 9)
    Action.WARNINGS_READ: _r("manager"),
    Action.WARNING_ACK: _r("manager"),
    Action.FOLLOWUPS_READ: _r("manager"),
    Action.FOLLOWUP_WRITE: _r("manager"),
    Action.REPORTS: _r("manager"),
    # issue 18: the kiosks' card key and looking up what a laid ID card is booked for (check-in by card
    # is Action.CHECK_IN)
    Action.CARD_USE: _r("kiosk"),
    # administration without SQL (issue 15): the hall's IT (maintenance) looks after devices; staff accounts
    # and the hall's configuration are the manager's
    Action.DEVICES_ADMIN: _r("maintenance", "manager"),
    Action.CLERKS_ADMIN: _r("manager"),
    Action.CONFIG_WRITE: _r("manager"),
}


def authorize(
    who: Principal, action: Action, hall: str | None = None, window: int | None = None
) -> None:
    """Raise a 403 :class:`Problem` unless ``who`` may do ``action`` (in ``hall``, at ``window``)."""
    rule = ROLE_MATRIX[action]
    if who.role not in rule.roles:
        raise Problem(
            "forbidden",
            f"角色 {who.role} 无权执行 {action.value}",
            f"role {who.role} may not perform {action.value}",
            403,
        )
    if hall is not None and who.hall is not None and who.hall != hall:
        raise Problem("forbidden", f"无权操作大厅 {hall}", f"not authorised for hall {hall}", 403)
    if rule.window and window is not None and window not in who.windows:
        raise Problem(
            "forbidden", f"无权操作 {window} 号窗口", f"not authorised for window {window}", 403
        )

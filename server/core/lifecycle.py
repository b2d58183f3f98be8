"""The ticket lifecycle: the one table of legal transitions.

    waiting ──call──▶ called ──recall──▶ recalled (≤ max_recalls times)
       │                 │  └──start──▶ serving ──finish──▶ done
     cancel              └──no_show──▶ no_show ──requeue (过号重排, in time)──▶ waiting
       ▼                                          serving ──transfer──▶ transferred
    cancelled                                       (+ a new waiting ticket for the other service)
"""

from __future__ import annotations

from .errors import Refused
from .model import TicketState as S

TRANSITIONS: dict[tuple[S, str], S] = {
    (S.WAITING, "call"): S.CALLED,
    (S.WAITING, "cancel"): S.CANCELLED,
    (S.CALLED, "recall"): S.RECALLED,
    (S.RECALLED, "recall"): S.RECALLED,
    (S.CALLED, "start"): S.SERVING,
    (S.RECALLED, "start"): S.SERVING,
    (S.CALLED, "no_show"): S.NO_SHOW,
    (S.RECALLED, "no_show"): S.NO_SHOW,
    (S.SERVING, "finish"): S.DONE,
    (S.SERVING, "transfer"): S.TRANSFERRED,
    (S.NO_SHOW, "requeue"): S.WAITING,
}

STATE_NAMES: dict[S, tuple[str, str]] = {
    S.WAITING: ("等候中", "waiting"),
    S.CALLED: ("已叫号", "called"),
    S.RECALLED: ("已重呼", "recalled"),
    S.SERVING: ("办理中", "being served"),
    S.DONE: ("已办结", "done"),
    S.NO_SHOW: ("已过号", "no-show"),
    S.TRANSFERRED: ("已转办", "transferred"),
    S.CANCELLED: ("已取消", "cancelled"),
}

ACTION_NAMES: dict[str, tuple[str, str]] = {
    "call": ("叫号", "call"),
    "cancel": ("取消", "cancel"),
    "recall": ("重呼", "recall"),
    "start": ("开始办理", "start service"),
    "no_show": ("过号", "mark no-show"),
    "finish": ("办结", "finish"),
    "transfer": ("转办", "transfer"),
    "requeue": ("过号重排", "requeue"),
}


def next_state(ticket_id: str, state: S, action: str) -> S:
    """The state after ``action``, or ``Refused("illegal_transition")`` naming state and action.

    >>> next_state("t", S.WAITING, "call")
    <TicketState.CALLED: 'called'>
    >>> next_state("A001", S.DONE, "recall")
    Traceback (most recent call last):
    server.core.errors.Refused: 票号 A001 已办结，不能重呼 (ticket A001 is done: cannot recall)
    """
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        zh_state, en_state = STATE_NAMES[state]
        zh_action, en_action = ACTION_NAMES[action]
        raise Refused("illegal_transition", f"票号 {ticket_id} {zh_state}，不能{zh_action}",
                      f"ticket {ticket_id} is {en_state}: cannot {en_action}") from None

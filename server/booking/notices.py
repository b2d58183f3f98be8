"""到号提醒: when a ticket is ``notify_ahead`` places (or fewer) from the front, one message (pure rule).

The message never carries more than the visitor already holds: hall, ticket number, service, people
ahead or the window to go to.
"""

from __future__ import annotations

from dataclasses import dataclass

from config import HallConfig
from server.core import Ticket, TicketState

_CALLED = frozenset({TicketState.CALLED, TicketState.RECALLED})


@dataclass(frozen=True, slots=True)
class Notice:
    ticket_id: str
    kind: str  # near | called
    zh: str
    en: str


def due_notice(cfg: HallConfig, ticket: Ticket, ahead: int, notify_ahead: int) -> Notice | None:
    """The notice a subscribed ticket should get now, if any (the caller sends each ticket one)."""
    svc_zh, svc_en = ticket.service, ticket.service
    if cfg.has_service(ticket.service):
        svc_zh, svc_en = cfg.service(ticket.service).name_zh, cfg.service(ticket.service).name_en
    head_zh, head_en = f"【{cfg.name_zh}】", f"{cfg.name_en}: "
    if ticket.state is TicketState.WAITING and ahead <= notify_ahead:
        if ahead == 0:
            zh = f"{head_zh}您的 {ticket.number} 号（{svc_zh}）下一个就叫到您，请到大厅等候叫号。"
            en = f"{head_en}your ticket {ticket.number} ({svc_en}) is next: please wait in the hall."
        else:
            zh = f"{head_zh}您的 {ticket.number} 号（{svc_zh}）前面还有 {ahead} 人，请到大厅等候叫号。"
            en = (f"{head_en}{ahead} {'person' if ahead == 1 else 'people'} ahead of your ticket "
                  f"{ticket.number} ({svc_en}): please come to the hall.")
        return Notice(ticket.id, "near", zh, en)
    if ticket.state in _CALLED and ticket.window is not None:
        return Notice(ticket.id, "called", f"{head_zh}请 {ticket.number} 号到 {ticket.window} 号窗口办理。",
                      f"{head_en}ticket {ticket.number}, please go to window {ticket.window}.")
    return None

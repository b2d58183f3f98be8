"""NoticeWatcher: sends each subscribed ticket its 到号提醒 once (I/O around the pure ``notices`` rule).

A subscription (ticket id → phone number) lives in this process's memory only: the number is never
written to the database (DOMAIN rule 11), so a restart forgets pending reminders (the tracking page still
works). Checks run after every commit of this process (a ``HallService`` listener: the notice has left
before the HTTP answer that moved the queue) and periodically (calls made by other server processes).
"Once" holds across processes: the ``notices`` row is claimed in the database before sending.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from server.core import FINAL, Hall, Refused, Ticket, TicketState
from server.halls.repo import EventRow
from server.halls.service import HallService
from server.notify import Message, Notifier
from server.storage.db import write_transaction

from . import store
from .notices import Notice, due_notice

log = logging.getLogger("hallq.booking")
_MAX_HOPS = 20


@dataclass(frozen=True, slots=True)
class Recipient:
    number: str = field(repr=False)
    mask: str


def _follow(hall: Hall, ticket_id: str) -> Ticket | None:
    """The ticket the visitor holds now (through transfers); None if the hall no longer has it."""
    try:
        ticket = hall.ticket(ticket_id)
        for _ in range(_MAX_HOPS):
            if ticket.state is not TicketState.TRANSFERRED or not ticket.transferred_to:
                break
            ticket = hall.ticket(ticket.transferred_to)
    except Refused:
        return None
    return ticket


class NoticeWatcher:
    def __init__(self, halls: HallService, notifier: Notifier, notify_ahead: int) -> None:
        self.halls = halls
        self.notifier = notifier
        self.notify_ahead = notify_ahead
        self._subs: dict[str, dict[str, Recipient]] = {}
        self._lock = threading.Lock()

    def subscribe(self, hall_id: str, ticket_id: str, recipient: Recipient) -> None:
        with self._lock:
            self._subs.setdefault(hall_id, {})[ticket_id] = recipient

    def watching(self, hall_id: str) -> int:
        with self._lock:
            return len(self._subs.get(hall_id, {}))

    def on_commit(self, hall_id: str, rows: list[EventRow]) -> None:
        """HallService listener. Never raises: the hall's change is committed whatever happens here."""
        if not self.watching(hall_id):
            return
        try:
            self.check(hall_id)
        except Exception:
            log.exception("notice check of hall %s failed", hall_id)

    def _claim(self, hall_id: str, ticket_id: str, recipient: Recipient, kind: str, now: float) -> bool:
        try:
            with write_transaction(self.halls.engine) as conn:
                return store.claim_notice(conn, ticket_id=ticket_id, hall=hall_id, kind=kind,
                                          recipient_mask=recipient.mask, backend=self.notifier.name, at=now)
        except IntegrityError:  # PostgreSQL: two processes inserted at once; the other one sends
            return False

    def check_all(self) -> int:
        with self._lock:
            halls = [h for h, subs in self._subs.items() if subs]
        return sum(self.check(h) for h in halls)

    def check(self, hall_id: str) -> int:
        """Send what is due in ``hall_id``; returns how many messages left."""
        with self._lock:
            subs = dict(self._subs.get(hall_id, {}))
        if not subs:
            return 0
        cfg = self.halls.config(hall_id)
        due: list[tuple[str, Recipient, Notice]] = []
        done: list[str] = []
        with self.halls.view(hall_id) as (hall, _seq, now):
            for ticket_id, recipient in subs.items():
                ticket = _follow(hall, ticket_id)
                if ticket is None or ticket.state in FINAL:
                    done.append(ticket_id)
                    continue
                notice = due_notice(cfg, ticket, hall.ahead_of(ticket.id), self.notify_ahead)
                if notice is not None:
                    due.append((ticket_id, recipient, notice))
        sent = 0
        for ticket_id, recipient, notice in due:
            if not self._claim(hall_id, ticket_id, recipient, notice.kind, now):
                done.append(ticket_id)  # another check (thread or process) sent it
                continue
            try:
                self.notifier.send(Message(recipient.number, recipient.mask, hall_id, ticket_id, notice.kind,
                                           notice.zh, notice.en))
            except Exception:
                log.exception("notice for %s to %s could not be sent; will retry", ticket_id, recipient.mask)
                with write_transaction(self.halls.engine) as conn:
                    store.release_notice(conn, ticket_id)
                continue
            sent += 1
            done.append(ticket_id)
        with self._lock:
            subs_now = self._subs.get(hall_id, {})
            for ticket_id in done:
                subs_now.pop(ticket_id, None)
        return sent

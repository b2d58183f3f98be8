"""Bookings, phone-page requests and sent notices in the database (SQLAlchemy Core; I/O).

Rows ↔ :class:`~.model.Booking`. Every function takes the caller's connection: the caller decides the
transaction (``server.storage.db.write_transaction`` / ``read_transaction``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from server.storage import schema as t
from server.storage.db import is_sqlite

from .model import Booking, BookingState

_A = t.appointments
_FIELDS = ("id", "code", "hall", "service", "day", "slot_start", "slot_end", "closes_at", "person_hash",
           "person_mask", "channel", "state", "after_hours", "created_at", "cancelled_at", "checked_in_at",
           "ticket_id", "no_show_at", "verified", "phone_hash")


def _booking(row: Any) -> Booking:
    d = {f: getattr(row, f) for f in _FIELDS}
    if d["closes_at"] is None:  # a row written before 0004 (none were): the slot's end
        d["closes_at"] = d["slot_end"]
    return Booking.from_dict(d)


def lock_bookings(conn: Connection, hall: str) -> None:
    """Serialise booking decisions (capacity, one per person) of one hall. SQLite: the write transaction
    already holds the database lock; PostgreSQL: a transaction-scoped advisory lock."""
    if is_sqlite(conn.engine):
        return
    key = int.from_bytes(hashlib.sha256(f"hallq booking {hall}".encode()).digest()[:8], "big", signed=True)
    conn.execute(select(func.pg_advisory_xact_lock(key)))


def insert_booking(conn: Connection, booking: Booking) -> None:
    conn.execute(insert(_A).values(booking.to_dict()))


def update_booking(conn: Connection, booking: Booking, *, expect: BookingState) -> bool:
    """Write ``booking`` over its row if the row is still in ``expect``; False if it moved meanwhile."""
    values = {f: v for f, v in booking.to_dict().items() if f != "id"}
    result = conn.execute(update(_A).where(_A.c.id == booking.id, _A.c.state == expect.value).values(values))
    return result.rowcount == 1


def by_code(conn: Connection, hall: str, code: str) -> Booking | None:
    row = conn.execute(select(_A).where(_A.c.code == code, _A.c.hall == hall)).first()
    return _booking(row) if row is not None else None


def code_exists(conn: Connection, code: str) -> bool:
    return conn.execute(select(_A.c.id).where(_A.c.code == code)).first() is not None


def for_person(conn: Connection, person_hash: str, *, since: float) -> list[Booking]:
    """A person's bookings (every hall) whose slot starts after ``since``."""
    rows = conn.execute(select(_A).where(_A.c.person_hash == person_hash, _A.c.slot_start >= since))
    return [_booking(r) for r in rows]


def for_phone(conn: Connection, phone_hash: str, *, since: float) -> list[Booking]:
    """Bookings whose verified phone is ``phone_hash`` (phone bookings and ID bookings with that contact)."""
    rows = conn.execute(select(_A).where(_A.c.phone_hash == phone_hash, _A.c.verified.is_(True),
                                         _A.c.slot_start >= since))
    return [_booking(r) for r in rows]


def taken(conn: Connection, hall: str, service: str, days: list[str]) -> dict[float, int]:
    """Bookings that hold a place (not cancelled), per slot start, on the given days."""
    rows = conn.execute(
        select(_A.c.slot_start, func.count())
        .where(_A.c.hall == hall, _A.c.service == service, _A.c.day.in_(days),
               _A.c.state != BookingState.CANCELLED.value)
        .group_by(_A.c.slot_start))
    return {float(start): int(n) for start, n in rows}


def of_day(conn: Connection, hall: str, day: str) -> list[Booking]:
    rows = conn.execute(select(_A).where(_A.c.hall == hall, _A.c.day == day).order_by(_A.c.slot_start, _A.c.id))
    return [_booking(r) for r in rows]


def sweep_no_shows(conn: Connection, now: float) -> list[Booking]:
    """003 §7: bookings still open when their check-in window closed become no-shows (written down)."""
    # RETURNING: exactly the rows this transaction changed (another process sweeping at once gets others)
    rows = conn.execute(
        update(_A)
        .where(_A.c.state == BookingState.BOOKED.value, _A.c.closes_at <= now)
        .values(state=BookingState.NO_SHOW.value, no_show_at=_A.c.closes_at)
        .returning(*_A.c))
    return sorted((_booking(r) for r in rows), key=lambda b: (b.slot_start, b.id))


# -- booking changes (issue 14: the slot read model's feed) -------------------------------------------------
_C = t.booking_changes


@dataclass(frozen=True, slots=True)
class SlotChange:
    """One booking made (+1) or cancelled (-1): the hall's ``seq``-th change to places taken."""

    seq: int
    service: str
    slot_start: float
    delta: int


def record_change(conn: Connection, hall: str, service: str, slot_start: float, delta: int, at: float) -> SlotChange:
    """Number the change after the hall's last one. The caller holds the hall's booking lock
    (:func:`lock_bookings`), so numbers are gap-free and commit in order."""
    seq = conn.execute(select(func.coalesce(func.max(_C.c.seq), 0)).where(_C.c.hall == hall)).scalar_one() + 1
    conn.execute(insert(_C).values(hall=hall, seq=seq, service=service, slot_start=slot_start, delta=delta, at=at))
    return SlotChange(seq, service, slot_start, delta)


def change_head(conn: Connection, hall: str) -> int:
    return conn.execute(select(func.coalesce(func.max(_C.c.seq), 0)).where(_C.c.hall == hall)).scalar_one()


def changes_after(conn: Connection, hall: str, after: int, *, limit: int) -> list[SlotChange]:
    rows = conn.execute(select(_C.c.seq, _C.c.service, _C.c.slot_start, _C.c.delta)
                        .where(_C.c.hall == hall, _C.c.seq > after).order_by(_C.c.seq).limit(limit))
    return [SlotChange(r.seq, r.service, float(r.slot_start), r.delta) for r in rows]


def taken_from(conn: Connection, hall: str, day: str) -> dict[str, dict[float, int]]:
    """Bookings that hold a place (not cancelled), per service and slot start, on ``day`` and after."""
    rows = conn.execute(
        select(_A.c.service, _A.c.slot_start, func.count())
        .where(_A.c.hall == hall, _A.c.day >= day, _A.c.state != BookingState.CANCELLED.value)
        .group_by(_A.c.service, _A.c.slot_start))
    out: dict[str, dict[float, int]] = {}
    for service, start, n in rows:
        out.setdefault(service, {})[float(start)] = int(n)
    return out


def purge_changes(conn: Connection, *, before: float) -> int:
    """Old changes (every reader has long applied them); each hall's newest stays, it is the hall's head."""
    heads = {r.hall: r.seq for r in conn.execute(select(_C.c.hall, func.max(_C.c.seq).label("seq"))
                                                  .group_by(_C.c.hall))}
    gone = 0
    for hall, head in heads.items():
        gone += conn.execute(_C.delete().where(_C.c.hall == hall, _C.c.seq < head, _C.c.at < before)).rowcount
    return gone


# -- phone-page requests (rate limits) -----------------------------------------------------------------
_R = t.phone_requests


def record_request(conn: Connection, *, hall: str, kind: str, address_hash: str, at: float,
                   person_hash: str | None = None, service: str | None = None,
                   ticket_id: str | None = None) -> None:
    conn.execute(insert(_R).values(hall=hall, kind=kind, address_hash=address_hash, person_hash=person_hash,
                                   service=service, ticket_id=ticket_id, at=at))


def address_times(conn: Connection, address_hash: str, kinds: tuple[str, ...], *, since: float) -> list[float]:
    rows = conn.execute(select(_R.c.at).where(_R.c.address_hash == address_hash, _R.c.kind.in_(kinds),
                                              _R.c.at > since))
    return [float(r.at) for r in rows]


def person_remote_tickets(conn: Connection, hall: str, person_hash: str, *, since: float) -> list[tuple[float, str]]:
    """(time, ticket id) of a person's remote tickets in a hall since ``since``."""
    rows = conn.execute(select(_R.c.at, _R.c.ticket_id).where(
        _R.c.hall == hall, _R.c.person_hash == person_hash, _R.c.kind == "remote_ticket", _R.c.at >= since))
    return [(float(r.at), r.ticket_id) for r in rows]


def ticket_states(conn: Connection, ticket_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """id → (service, number, state) of tickets."""
    if not ticket_ids:
        return {}
    rows = conn.execute(select(t.tickets.c.id, t.tickets.c.service, t.tickets.c.number, t.tickets.c.state)
                        .where(t.tickets.c.id.in_(ticket_ids)))
    return {r.id: (r.service, r.number, r.state) for r in rows}


def purge_requests(conn: Connection, *, before: float) -> int:
    return conn.execute(_R.delete().where(_R.c.at < before)).rowcount


# -- notices ----------------------------------------------------------------------------------------------
_N = t.notices


def claim_notice(conn: Connection, *, ticket_id: str, hall: str, kind: str, recipient_mask: str, backend: str,
                 at: float) -> bool:
    """Record that ``ticket_id`` gets its notice now; False if it had one (from any process)."""
    if conn.execute(select(_N.c.ticket_id).where(_N.c.ticket_id == ticket_id)).first() is not None:
        return False
    conn.execute(insert(_N).values(ticket_id=ticket_id, hall=hall, kind=kind, recipient_mask=recipient_mask,
                                   backend=backend, at=at))
    return True


def release_notice(conn: Connection, ticket_id: str) -> None:
    """Undo a claim whose message could not be sent, so that a later check tries again."""
    conn.execute(_N.delete().where(_N.c.ticket_id == ticket_id))

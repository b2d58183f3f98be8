"""Bookings found by card (issue 18): a booking made with an ID number is linked, when it is written, to
the card hash a kiosk will send for that number; check-in by card follows the link.

Booking keys (``server.booking.person``) and card hashes are different keyed hashes of the same number
(the booking key uses the server's secret, the card hash the kiosks' derived key), so neither can be
computed from the other: the link is written while the number is in memory, at booking time, and holds
only the two hashes. Bookings made with a phone number have no card and are not found by card; the
003 §7 blacklist counts a person's no-shows by the booking key, which a card check-in resolves to, so
a booking checked in by card is kept, not a no-show, for the same person the blacklist knows.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from server.storage import schema as t
from server.storage.db import is_sqlite
from vocab.cardhash import card_hash, derive_card_key

__all__ = ["booking_for_card", "link_booking_person", "person_for_card"]

_L = t.card_links


def link_booking_person(conn: Connection, secret: bytes, person: object, person_key: str, now: float) -> None:
    """Called by the booking service while it writes a booking (``person`` is its ``Person``): for an ID
    number, remember which card hash belongs to the booking's person key. Idempotent."""
    if getattr(person, "kind", None) != "id":
        return
    hashed = card_hash(derive_card_key(secret), person.value)  # type: ignore[attr-defined]
    row = {"card_hash": hashed, "person_hash": person_key, "at": now}
    if is_sqlite(conn.engine):
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:
        from sqlalchemy.dialects.postgresql import insert as upsert
    conn.execute(upsert(_L).values(row).on_conflict_do_nothing())


def person_for_card(conn: Connection, hashed: str) -> str | None:
    return conn.execute(select(_L.c.person_hash).where(_L.c.card_hash == hashed)).scalar_one_or_none()


def booking_for_card(conn: Connection, hall: str, hashed: str, now: float, tz: ZoneInfo,
                     early_min: float):
    """Today's booking in ``hall`` of the person behind a card, as check-in would pick it, or None."""
    from server.booking import rules, store  # the booking service's own rules: one way to pick

    person = person_for_card(conn, hashed)
    if person is None:
        return None
    midnight = dt.datetime.combine(dt.datetime.fromtimestamp(now, tz).date(), dt.time(), tz).timestamp()
    mine = [b for b in store.for_person(conn, person, since=midnight) if b.hall == hall]
    return rules.pick_for_checkin(mine, now, tz, early_min)

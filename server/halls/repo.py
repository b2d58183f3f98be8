"""Rows ↔ core objects, and the queries the transaction path needs. No policy here.

``tickets`` and ``window_states`` have one column per ``Ticket`` / ``WindowState`` field, so the core's
``to_dict``/``from_dict`` are the mapping; ``upsert`` picks the dialect's ON CONFLICT form.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Table, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from server.core import Ticket, WindowState
from server.core.model import FINAL
from server.storage import schema as t
from server.storage.db import execute_many

TICKET_FIELDS = tuple(f.name for f in fields(Ticket))
WINDOW_FIELDS = tuple(f.name for f in fields(WindowState))
FINAL_VALUES = tuple(s.value for s in FINAL)


@dataclass(frozen=True, slots=True)
class EventRow:
    """One committed event: what goes to the WebSocket clients (``data`` is the core's ``to_dict``)."""

    hall: str
    seq: int
    kind: str
    at: float
    data: dict[str, Any]

    def message(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "at": self.at, "data": self.data}


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    keep: Sequence[str] = (),
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE every column except ``keys`` and ``keep``."""
    if not rows:
        return
    stmt = _upsert_statement(conn.dialect.name, table, tuple(rows[0]), tuple(keys), tuple(keep))
    execute_many(conn, stmt, rows)


@functools.cache
def _upsert_statement(dialect_name: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...],
                      keep: tuple[str, ...]) -> Any:
    # built once per shape: constructing ``excluded`` costs more than executing the statement
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    skip = set(keys) | set(keep)
    updates = {c: stmt.excluded[c] for c in columns if c not in skip}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)


def ticket_row(
    hall: str, ticket: Ticket, rev: int, track_token: str | None = None
) -> dict[str, Any]:
    row = ticket.to_dict()
    row.update(hall=hall, rev=rev, track_token=track_token)
    return row


def ticket_from_row(row: Any) -> Ticket:
    m = row._mapping
    return Ticket.from_dict({f: m[f] for f in TICKET_FIELDS})


def window_row(hall: str, window: WindowState, rev: int) -> dict[str, Any]:
    row = window.to_dict()
    row.update(hall=hall, rev=rev)
    return row


def window_from_row(row: Any) -> WindowState:
    m = row._mapping
    return WindowState.from_dict({f: m[f] for f in WINDOW_FIELDS})


def load_tickets(
    conn: Connection, hall: str, day: str, since_rev: int | None = None
) -> list[Ticket]:
    """The tickets a Hall is rebuilt from: the day's and every unfinished one (or those changed after a rev)."""
    q = select(t.tickets).where(t.tickets.c.hall == hall)
    if since_rev is not None:
        q = q.where(t.tickets.c.rev > since_rev)
    else:
        q = q.where(or_(t.tickets.c.day == day, t.tickets.c.state.not_in(FINAL_VALUES)))
    return [ticket_from_row(r) for r in conn.execute(q)]


def load_windows(conn: Connection, hall: str, since_rev: int | None = None) -> list[WindowState]:
    q = select(t.window_states).where(t.window_states.c.hall == hall)
    if since_rev is not None:
        q = q.where(t.window_states.c.rev > since_rev)
    return [window_from_row(r) for r in conn.execute(q)]


def event_rows(hall: str, first_seq: int, events: Iterable[Any]) -> list[EventRow]:
    return [EventRow(hall, first_seq + i, e.kind, e.at, e.to_dict()) for i, e in enumerate(events)]


_INSERT_EVENT = t.events.insert()


def insert_events(conn: Connection, rows: Sequence[EventRow]) -> None:
    if not rows:
        return
    execute_many(
        conn,
        _INSERT_EVENT,
        [
            {
                "hall": r.hall,
                "seq": r.seq,
                "kind": r.kind,
                "at": r.at,
                "ticket": (r.data.get("ticket") or {}).get("id")
                if isinstance(r.data.get("ticket"), dict)
                else None,
                "window": (r.data.get("window") or {}).get("number")
                if isinstance(r.data.get("window"), dict)
                else None,
                "payload": json.dumps(r.data, ensure_ascii=False, separators=(",", ":")),
            }
            for r in rows
        ],
    )


def read_events(
    conn: Connection, hall: str, after: int, upto: int | None = None, limit: int | None = None
) -> list[EventRow]:
    q = (
        select(t.events.c.seq, t.events.c.kind, t.events.c.at, t.events.c.payload)
        .where(t.events.c.hall == hall, t.events.c.seq > after)
        .order_by(t.events.c.seq)
    )
    if upto is not None:
        q = q.where(t.events.c.seq <= upto)
    if limit is not None:
        q = q.limit(limit)
    return [EventRow(hall, r.seq, r.kind, r.at, json.loads(r.payload)) for r in conn.execute(q)]


def hall_seq(conn: Connection, hall: str) -> int | None:
    return conn.execute(select(t.halls.c.seq).where(t.halls.c.id == hall)).scalar_one_or_none()

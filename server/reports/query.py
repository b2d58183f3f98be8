"""Visits of a hall between two local dates, read from ``tickets`` and ``ratings``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from server.storage import schema as t
from server.supervision.measures import service_s, wait_s

from .figures import Visit

MAX_DAYS = 400  # one report covers at most this many days (a year and a bit)


def visits(conn: Connection, hall: str, first: dt.date, last: dt.date) -> list[Visit]:
    tk, r = t.tickets, t.ratings
    rows = conn.execute(
        select(tk.c.id, tk.c.day, tk.c.service, tk.c.window, tk.c.clerk, tk.c.lane, tk.c.channel, tk.c.state,
               tk.c.issued_at, tk.c.queued_at, tk.c.called_at, tk.c.started_at, tk.c.finished_at,
               tk.c.transferred_from, r.c.score)
        .outerjoin(r, r.c.ticket_id == tk.c.id)
        .where(tk.c.hall == hall, tk.c.day >= first.isoformat(), tk.c.day <= last.isoformat())
        .order_by(tk.c.issued_at, tk.c.id)
    ).all()
    finished = {row.id: row.finished_at for row in rows}  # a continuation's original: same hall, same day
    out = []
    for row in rows:
        handed_on = finished.get(row.transferred_from) if row.transferred_from else None
        out.append(Visit(
            id=row.id, day=row.day, service=row.service, window=row.window, clerk=row.clerk, lane=row.lane,
            channel=row.channel, state=row.state, continuation=row.transferred_from is not None,
            called=row.called_at is not None,
            wait_s=wait_s(issued_at=row.issued_at, queued_at=row.queued_at, called_at=row.called_at,
                          transferred_at=handed_on),
            service_s=service_s(row.started_at, row.finished_at) if row.state == "done" else None,
            score=row.score,
        ))
    return out


def clerk_names(conn: Connection, staff_nos: set[str]) -> dict[str, str]:
    if not staff_nos:
        return {}
    rows = conn.execute(select(t.clerks.c.staff_no, t.clerks.c.name).where(t.clerks.c.staff_no.in_(staff_nos)))
    return {row.staff_no: row.name for row in rows}

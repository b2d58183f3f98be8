"""Warnings in the database, and the :class:`Situation` the rules read, gathered in one transaction."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, insert, select, update

from config import HallConfig
from server.core import Hall, WorkCalendar
from server.halls.errors import Problem
from server.storage import schema as t

from .events import Notice, warning_event
from .model import KIND_NAMES, DeviceInfo, FollowupInfo, Kind, Level, Situation
from .rules import hall_open
from .tracker import Action, Change, Open

LEVEL_NAMES = {Level.YELLOW: ("黄色预警", "yellow"), Level.RED: ("红色预警", "red")}


def view(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["facts"] = json.loads(out["facts"])
    out["open"] = out["cleared_at"] is None
    out["kind_zh"], out["kind_en"] = KIND_NAMES[Kind(out["kind"])]
    out["level_zh"], out["level_en"] = LEVEL_NAMES[Level(out["level"])]
    return out


def open_warnings(conn: Connection, hall: str) -> list[Open]:
    rows = conn.execute(select(t.warnings.c.id, t.warnings.c.kind, t.warnings.c.subject, t.warnings.c.level,
                               t.warnings.c.since)
                        .where(t.warnings.c.hall == hall, t.warnings.c.cleared_at.is_(None))
                        .order_by(t.warnings.c.id)).all()
    return [Open(r.id, Kind(r.kind), r.subject, Level(r.level), r.since) for r in rows]


def get(conn: Connection, hall: str, warning_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.warnings).where(and_(t.warnings.c.id == warning_id,
                                                     t.warnings.c.hall == hall))).first()
    if row is None:
        raise Problem("unknown_warning", f"没有预警 #{warning_id}", f"no warning #{warning_id}", 404)
    return view(row)


def listing(conn: Connection, hall: str, *, only_open: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    q = select(t.warnings).where(t.warnings.c.hall == hall)
    if only_open:
        q = q.where(t.warnings.c.cleared_at.is_(None))
    return [view(r) for r in conn.execute(q.order_by(t.warnings.c.id.desc()).limit(limit))]


def apply(conn: Connection, hall: str, changes: list[Change], now: float) -> list[Notice]:
    """Write the tracker's changes; one event per change."""
    notices = []
    for ch in changes:
        if ch.action is Action.RAISE:
            f = ch.finding
            assert f is not None
            wid = conn.execute(insert(t.warnings).values(
                hall=hall, kind=f.kind.value, subject=f.subject, level=f.level.value, since=f.since,
                raised_at=now, escalated_at=None, cleared_at=None, message_zh=f.zh, message_en=f.en,
                facts=json.dumps(dict(f.facts), ensure_ascii=False),
            )).inserted_primary_key[0]
        elif ch.action is Action.ESCALATE:
            f, w = ch.finding, ch.warning
            assert f is not None and w is not None
            wid = w.id
            conn.execute(update(t.warnings).where(t.warnings.c.id == wid).values(
                level=f.level.value, escalated_at=now, message_zh=f.zh, message_en=f.en,
                facts=json.dumps(dict(f.facts), ensure_ascii=False)))
        else:
            assert ch.warning is not None
            wid = ch.warning.id
            conn.execute(update(t.warnings).where(t.warnings.c.id == wid).values(cleared_at=now))
        notices.append(warning_event(ch.action.value, now, hall, get(conn, hall, wid)))
    return notices


def acknowledge(conn: Connection, hall: str, warning_id: int, by: str, note: str, now: float) -> Notice:
    """A manager has seen the warning (it stays open until its condition ends)."""
    current = get(conn, hall, warning_id)
    if current["acknowledged_at"] is not None:
        raise Problem("already_acknowledged", f"预警 #{warning_id} 已确认",
                      f"warning #{warning_id} was already acknowledged", 409)
    conn.execute(update(t.warnings).where(t.warnings.c.id == warning_id)
                 .values(acknowledged_at=now, acknowledged_by=by, ack_note=note.strip()))
    return warning_event("acknowledged", now, hall, get(conn, hall, warning_id))


def gather(conn: Connection, hall: Hall, cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo, now: float,
           silent_after_s: float) -> Situation:
    devices = [
        DeviceInfo(r.id, r.kind, r.name, r.window, r.created_at, r.last_seen, json.loads(r.health))
        for r in conn.execute(select(t.devices).where(t.devices.c.hall == cfg.id, t.devices.c.active.is_(True))
                              .order_by(t.devices.c.id))
    ]
    f = t.followups
    followups = [
        FollowupInfo(r.id, r.number, r.service, r.window, r.state, r.contact_due, r.close_due)
        for r in conn.execute(select(f.c.id, f.c.number, f.c.service, f.c.window, f.c.state, f.c.contact_due,
                                     f.c.close_due).where(f.c.hall == cfg.id, f.c.state != "closed")
                              .order_by(f.c.id))
    ]
    on_duty = frozenset(conn.execute(
        select(t.clerks.c.staff_no).join(t.auth_tokens, t.auth_tokens.c.clerk_id == t.clerks.c.id)
        .where(t.auth_tokens.c.revoked.is_(False), t.auth_tokens.c.expires_at > now)
    ).scalars())
    return Situation(cfg, hall.open_tickets(), hall.windows(), devices, followups, on_duty,
                     hall_open(cfg, calendar, tz, now), silent_after_s, tz)

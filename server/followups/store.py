"""Follow-ups of bad ratings in the database: opened from ``ratings``, then assign → contact →
(rectify) → close with a reply (003 (七)1 "实名差评回访整改率达到100%"; DOMAIN rule 8).

States: ``open`` → ``contacted`` (the visitor was reached; notes may be added again) → ``closed`` (with a
reply; final). Assigning and recording the rectification are allowed while not closed. A follow-up
cannot close before the visitor was contacted. Notes and rectifications are appended with their local
time, never overwritten (DOMAIN rule 10: no back-filling).

Every function here runs inside the caller's transaction and returns the :class:`Notice` to publish;
``server.api.routes.supervision`` runs them through ``HallService.append_events`` (lock, event, audit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, insert, select, update

from config import HallConfig
from server.core import WorkCalendar
from server.halls.errors import Problem
from server.storage import schema as t
from server.supervision.events import Notice, followup_event

from .deadlines import deadlines

BAD_SCORES = (1, 2)  # 2 不满意, 1 非常不满意 (DOMAIN rule 8)
STATES = {"open": ("待联系", "to contact"), "contacted": ("已联系", "contacted"), "closed": ("已办结", "closed")}
SCORES = {5: ("非常满意", "very satisfied"), 4: ("满意", "satisfied"), 3: ("基本满意", "basically satisfied"),
          2: ("不满意", "dissatisfied"), 1: ("非常不满意", "very dissatisfied")}
MAX_TEXT = 2000


def view(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["state_zh"], out["state_en"] = STATES[out["state"]]
    out["score_zh"], out["score_en"] = SCORES.get(out["score"], ("", ""))
    return out


def open_missing(conn: Connection, cfg: HallConfig, calendar: WorkCalendar, tz: ZoneInfo,
                 now: float) -> list[Notice]:
    """Open a follow-up for every bad rating of the hall that has none yet (deadlines from the rating's
    time). Idempotent; run by every supervision sweep, so no bad rating is ever left without one."""
    r, f, tk = t.ratings, t.followups, t.tickets
    rows = conn.execute(
        select(r.c.ticket_id, r.c.service, r.c.window, r.c.clerk, r.c.score, r.c.channel, r.c.at, tk.c.number)
        .join(tk, tk.c.id == r.c.ticket_id)
        .outerjoin(f, f.c.ticket_id == r.c.ticket_id)
        .where(r.c.hall == cfg.id, r.c.score.in_(BAD_SCORES), f.c.id.is_(None))
        .order_by(r.c.at, r.c.ticket_id)
    ).all()
    notices = []
    for row in rows:
        contact_due, close_due = deadlines(row.at, cfg.followup, calendar, tz)
        new_id = conn.execute(insert(f).values(
            hall=cfg.id, ticket_id=row.ticket_id, number=row.number, service=row.service, window=row.window,
            clerk=row.clerk, score=row.score, channel=row.channel, rated_at=row.at, opened_at=now,
            contact_due=contact_due, close_due=close_due, state="open",
        )).inserted_primary_key[0]
        notices.append(followup_event("opened", now, cfg.id, get(conn, cfg.id, new_id)))
    return notices


def listing(conn: Connection, hall: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    q = select(t.followups).order_by(t.followups.c.id)
    if hall is not None:
        q = q.where(t.followups.c.hall == hall)
    if state == "active":
        q = q.where(t.followups.c.state != "closed")
    elif state is not None:
        q = q.where(t.followups.c.state == state)
    return [view(row) for row in conn.execute(q)]


def get(conn: Connection, hall: str, followup_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.followups).where(
        and_(t.followups.c.id == followup_id, t.followups.c.hall == hall))).first()
    if row is None:
        raise Problem("unknown_followup", f"没有回访记录 #{followup_id}", f"no follow-up #{followup_id}", 404)
    return view(row)


def _text(value: str, what_zh: str, what_en: str) -> str:
    value = value.strip()
    if not value:
        raise Problem("invalid_request", f"{what_zh}不能为空", f"the {what_en} must not be empty", 422)
    if len(value) > MAX_TEXT:
        raise Problem("invalid_request", f"{what_zh}最多 {MAX_TEXT} 字",
                      f"the {what_en} is longer than {MAX_TEXT}", 422)
    return value


def _open(conn: Connection, hall: str, followup_id: int) -> dict[str, Any]:
    current = get(conn, hall, followup_id)
    if current["state"] == "closed":
        raise Problem("followup_closed", f"回访 #{followup_id} 已办结，不能再修改",
                      f"follow-up #{followup_id} is closed and cannot change", 409)
    return current


def _append(old: str, text: str, now: float, tz: ZoneInfo) -> str:
    line = f"[{dt.datetime.fromtimestamp(now, tz):%Y-%m-%d %H:%M}] {text}"
    return f"{old}\n{line}" if old else line


def _save(conn: Connection, hall: str, followup_id: int, action: str, now: float, **values: Any) -> Notice:
    conn.execute(update(t.followups).where(t.followups.c.id == followup_id).values(**values))
    return followup_event(action, now, hall, get(conn, hall, followup_id))


def assign(conn: Connection, hall: str, followup_id: int, staff_no: str, now: float) -> Notice:
    _open(conn, hall, followup_id)
    if conn.execute(select(t.clerks.c.id).where(t.clerks.c.staff_no == staff_no,
                                                t.clerks.c.active.is_(True))).first() is None:
        raise Problem("unknown_staff", f"没有工号 {staff_no}", f"no staff number {staff_no}", 422)
    return _save(conn, hall, followup_id, "assigned", now, assignee=staff_no, assigned_at=now)


def contact(conn: Connection, hall: str, followup_id: int, note: str, now: float, tz: ZoneInfo) -> Notice:
    current = _open(conn, hall, followup_id)
    note = _text(note, "联系记录", "contact note")
    return _save(conn, hall, followup_id, "contacted", now, state="contacted",
                 contacted_at=current["contacted_at"] or now,
                 contact_note=_append(current["contact_note"], note, now, tz))


def rectify(conn: Connection, hall: str, followup_id: int, text: str, now: float, tz: ZoneInfo) -> Notice:
    current = _open(conn, hall, followup_id)
    text = _text(text, "整改情况", "rectification")
    return _save(conn, hall, followup_id, "rectified", now, rectified_at=now,
                 rectification=_append(current["rectification"], text, now, tz))


def close(conn: Connection, hall: str, followup_id: int, reply: str, now: float) -> Notice:
    current = _open(conn, hall, followup_id)
    if current["contacted_at"] is None:
        raise Problem("not_contacted", f"回访 #{followup_id} 尚未联系评价人，不能办结",
                      f"follow-up #{followup_id}: contact the visitor before closing it", 409)
    reply = _text(reply, "答复", "reply")
    return _save(conn, hall, followup_id, "closed", now, state="closed", closed_at=now, reply=reply)

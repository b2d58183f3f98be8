"""What the API shows: full views for staff, public views for tracking pages and lobby screens.

Public views (tracking page, snapshot, events sent to kiosks/displays/pads) never carry personal data
(000 第二十八条): no notes, no appointment ids, no tokens. Window information, including the clerk's name,
staff number and photo, is public by rule (004 第十四条).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, func, select

from config import HallConfig
from server.auth import public_clerks
from server.core.model import Ticket
from server.storage import schema as t

# "warning" / "followup": supervision and 好差评 follow-up events (server/supervision/events.py) are for
# managers; screens in public places get only their kind and time (004 第五条)
PRIVATE_KEYS = frozenset({"note", "appointment_id", "track_token", "warning", "followup"})
LANES = ("normal", "priority", "appointment")
TICKET_FIELDS = tuple(f.name for f in fields(Ticket))


def strip_private(value: Any) -> Any:
    """A copy of an event payload without personal fields, at any depth."""
    if isinstance(value, dict):
        return {k: strip_private(v) for k, v in value.items() if k not in PRIVATE_KEYS}
    if isinstance(value, list):
        return [strip_private(v) for v in value]
    return value


def ticket_view(ticket: dict[str, Any], cfg: HallConfig | None = None) -> dict[str, Any]:
    """A ticket for staff and the issuing kiosk: every field, plus ``status`` and the service names."""
    view = dict(ticket)
    view["status"] = view.get("state")
    if cfg is not None and cfg.has_service(view["service"]):
        svc = cfg.service(view["service"])
        view["service_name_zh"], view["service_name_en"] = svc.name_zh, svc.name_en
    return view


def photo_url(staff_no: str, photo: str) -> str | None:
    return f"/api/v1/clerks/{staff_no}/photo" if photo else None


def clerk_public(info: dict[str, str] | None, staff_no: str | None) -> dict[str, Any] | None:
    if staff_no is None:
        return None
    info = info or {"name": "", "staff_no": staff_no, "photo": ""}
    return {
        "name": info["name"],
        "staff_no": info["staff_no"],
        "photo_url": photo_url(staff_no, info["photo"]),
    }


def waiting_counts(conn: Connection, hall: str) -> dict[str, dict[str, int]]:
    rows = conn.execute(
        select(t.tickets.c.service, t.tickets.c.lane, func.count())
        .where(t.tickets.c.hall == hall, t.tickets.c.state == "waiting")
        .group_by(t.tickets.c.service, t.tickets.c.lane)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for service, lane, n in rows:
        counts.setdefault(service, dict.fromkeys(LANES, 0))[lane] = n
    return counts


def _service_waiting(
    cfg: HallConfig, counts: dict[str, dict[str, int]], codes: list[str]
) -> list[dict]:
    out = []
    for code in codes:
        svc = cfg.service(code)
        lanes = counts.get(code, dict.fromkeys(LANES, 0))
        out.append(
            {
                "service": code,
                "name_zh": svc.name_zh,
                "name_en": svc.name_en,
                "prefix": svc.prefix,
                **lanes,
                "total": sum(lanes.values()),
            }
        )
    return out


def _window_states(conn: Connection, hall: str) -> dict[int, Mapping[str, Any]]:
    return {
        r.number: r._mapping
        for r in conn.execute(select(t.window_states).where(t.window_states.c.hall == hall))
    }


def _current_tickets(conn: Connection, ids: set[str]) -> dict[str, Mapping[str, Any]]:
    if not ids:
        return {}
    return {r.id: r._mapping for r in conn.execute(select(t.tickets).where(t.tickets.c.id.in_(ids)))}


def _window_public(
    cfg: HallConfig, number: int, state: Mapping[str, Any] | None, current: Mapping[str, Any] | None,
    clerks: dict
) -> dict[str, Any]:
    w = cfg.window(number)
    return {
        "number": number,
        "name_zh": w.name_zh,
        "name_en": w.name_en,
        "kind": str(w.kind),
        "zone": w.zone,
        "green_channel": w.green_channel,
        "status": state["status"] if state else "closed",
        "current": (
            {
                "id": current["id"],
                "number": current["number"],
                "service": current["service"],
                "state": current["state"],
            }
            if current is not None
            else None
        ),
        "clerk": clerk_public(
            clerks.get(state["clerk"]) if state else None, state["clerk"] if state else None
        ),
        "pause_reason": state["pause_reason"] if state else "",
        "pause_until": state["pause_until"] if state else None,
        "tide_service": state["tide_service"] if state else None,
    }


def snapshot_of(cfg: HallConfig, seq: int, states: Mapping[int, Mapping[str, Any]],
                current: Mapping[str, Mapping[str, Any]], clerks: dict,
                counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The lobby display's view from window states, their current tickets, clerks and waiting counts
    (read from the database by :func:`snapshot`, or kept in memory by ``server.readmodels``)."""
    windows = [
        _window_public(
            cfg,
            w.number,
            states.get(w.number),
            current.get(states[w.number]["current"]) if w.number in states and states[w.number]["current"]
            else None,
            clerks,
        )
        for w in cfg.windows
    ]
    tides = [
        {"window": n, "service": s["tide_service"], "manual": bool(s["tide_manual"]), "since": s["tide_since"]}
        for n, s in sorted(states.items())
        if s["tide_service"]
    ]
    return {
        "hall": cfg.id,
        "name_zh": cfg.name_zh,
        "name_en": cfg.name_en,
        "seq": seq,
        "windows": windows,
        "waiting": _service_waiting(cfg, counts, [s.code for s in cfg.services]),
        "tides": tides,
        "notices": list(cfg.notices),  # the hall's notice line (live: a hall.config event brings changes)
    }


def snapshot(conn: Connection, cfg: HallConfig) -> dict[str, Any]:
    """Everything a lobby display shows, consistent with ``seq`` (one read transaction): the reference
    the in-memory read model (``server.readmodels``) is tested against."""
    seq = conn.execute(select(t.halls.c.seq).where(t.halls.c.id == cfg.id)).scalar_one()
    states = _window_states(conn, cfg.id)
    current = _current_tickets(conn, {s["current"] for s in states.values() if s["current"]})
    clerks = public_clerks(conn, {s["clerk"] for s in states.values() if s["clerk"]})
    return snapshot_of(cfg, seq, states, current, clerks, waiting_counts(conn, cfg.id))


def window_detail_of(cfg: HallConfig, seq: int, number: int, state: Mapping[str, Any] | None,
                     cur: Mapping[str, Any] | None, clerks: dict,
                     counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One window for its counter terminal: state, current ticket (full), waiting for its profile."""
    view = _window_public(cfg, number, state, cur, clerks)
    view["current"] = (
        ticket_view({c: cur[c] for c in TICKET_FIELDS}, cfg) if cur is not None else None
    )
    w = cfg.window(number)
    view["profile"] = [tier.model_dump(mode="json") for tier in w.profile]
    codes = list(
        dict.fromkeys(
            [
                *(s for tier in w.profile for s in tier.services),
                *([state["tide_service"]] if state and state["tide_service"] else []),
            ]
        )
    )
    view["waiting"] = _service_waiting(cfg, counts, codes)
    view["tide_manual"] = bool(state["tide_manual"]) if state else False
    view["seq"] = seq
    return view


def window_detail(conn: Connection, cfg: HallConfig, number: int) -> dict[str, Any]:
    """One window for its counter terminal, read from the database."""
    seq = conn.execute(select(t.halls.c.seq).where(t.halls.c.id == cfg.id)).scalar_one()
    state = _window_states(conn, cfg.id).get(number)
    current = _current_tickets(conn, {state["current"]} if state and state["current"] else set())
    cur = next(iter(current.values()), None)
    clerks = public_clerks(conn, {state["clerk"]} if state and state["clerk"] else set())
    return window_detail_of(cfg, seq, number, state, cur, clerks, waiting_counts(conn, cfg.id))


def ticket_history(conn: Connection, ticket_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(t.events.c.seq, t.events.c.kind, t.events.c.at)
        .where(t.events.c.ticket == ticket_id)
        .order_by(t.events.c.seq)
    ).all()
    return [{"seq": r.seq, "kind": r.kind, "at": r.at} for r in rows]


def hall_listing(cfg: HallConfig) -> dict[str, Any]:
    return {
        "id": cfg.id,
        "name_zh": cfg.name_zh,
        "name_en": cfg.name_en,
        "priority_age": cfg.lanes.priority_age,  # issue 18: green channel offered by ID card from this age
        "categories": [c.model_dump(mode="json") for c in cfg.categories],
        # public rules the terminals say plainly: F2 重呼 greys out after max_recalls; a refused
        # 过号重排 names its limits (issue 16)
        "rules": {"max_recalls": cfg.recall.max_recalls, "requeue_behind": cfg.recall.requeue_behind,
                  "requeue_within_min": cfg.recall.requeue_within_min},
        "services": [
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "prefix": s.prefix,
                "category": s.category,
                "minutes": s.minutes,
                "extended": s.extended,
                "holiday": s.holiday,
                "materials": list(s.materials),
                "description_zh": s.description_zh,
                "description_en": s.description_en,
                "per_person_daily": s.per_person_daily,
            }
            for s in cfg.services
        ],
        "windows": [
            {
                "number": w.number,
                "name_zh": w.name_zh,
                "name_en": w.name_en,
                "kind": str(w.kind),
                "zone": w.zone,
                "green_channel": w.green_channel,
                "tide_eligible": w.tide_eligible,
                "profile": [tier.model_dump(mode="json") for tier in w.profile],
            }
            for w in cfg.windows
        ],
    }


def device_view(row: Any, now: float, silent_after_s: float) -> dict[str, Any]:
    health = json.loads(row.health)
    silent = row.last_seen is None or now - row.last_seen > silent_after_s
    return {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "hall": row.hall,
        "window": row.window,
        "last_seen": row.last_seen,
        "silent": silent,
        "health": health,
    }


def estimate_fields(estimate: Any) -> dict[str, Any]:
    """What every answer that shows a wait carries besides ``ahead`` and ``estimated_wait_s``: the printed
    range in whole minutes ("约 5–10 分钟", ``wait_low_min``–``wait_high_min``) and ``beyond_closing`` with the
    closing time, so the kiosk, the paper and the phone page say the same (docs/dispatch.md, estimates)."""
    if estimate is None:
        return {"wait_low_min": None, "wait_high_min": None, "beyond_closing": False, "closes_at": None}
    low, high = estimate.range_min()
    return {"wait_low_min": low, "wait_high_min": high, "beyond_closing": bool(estimate.beyond_closing),
            "closes_at": estimate.closes_at}

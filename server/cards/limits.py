"""“凭身份证取号，每人每天限取 N 个” (issue 18): a per-person daily limit on chosen services.

``per_person_daily = N`` on a service (config/models.py) → a ticket for it needs a card (the kiosk sends
its keyed hash) and a person gets at most N of them a local day. The check and the record are one step
of the ticket's own transaction (``HallService.mutate``'s ``write`` hook): the hall lock (SQLite's write
lock, PostgreSQL's ``FOR UPDATE`` on the hall row) orders two kiosks or two server processes racing the
same card, and the primary key (hall, service, day, person, place n) refuses a second row for one place
whatever happens — so one card never gets more than N tickets. A refusal rolls the ticket back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from config import HallConfig
from server.halls.errors import Problem
from server.storage import schema as t

__all__ = ["card_detail", "per_person_write", "require_card", "taken_today"]

_D = t.card_daily


def _limit(cfg: HallConfig, service: str) -> int | None:
    return cfg.service(service).per_person_daily if cfg.has_service(service) else None


def require_card(cfg: HallConfig, service: str, person_hash: str | None) -> None:
    """Refuse a limited service's ticket without a card, before the hall is touched."""
    if _limit(cfg, service) is not None and person_hash is None:
        svc = cfg.service(service)
        raise Problem("card_required",
                      f"“{svc.name_zh}”需凭身份证取号：请将身份证放在读卡区，再选择业务",
                      f'"{svc.name_en}" is issued with an ID card: lay your card on the reader, then choose '
                      "the service", 409)


def taken_today(conn: Connection, hall: str, service: str, day: str, person_hash: str) -> int:
    q = select(func.count()).select_from(_D).where(_D.c.hall == hall, _D.c.service == service, _D.c.day == day,
                                                     _D.c.person_hash == person_hash)
    return int(conn.execute(q).scalar_one())


def per_person_write(cfg: HallConfig, service: str, person_hash: str | None,
                     tz: ZoneInfo) -> Callable[[Connection, Any, float], None] | None:
    """The ``write`` hook recording this ticket against the person's daily limit (None: no limit)."""
    limit = _limit(cfg, service)
    if limit is None or person_hash is None:
        return None
    svc = cfg.service(service)

    def write(conn: Connection, issued: Any, now: float) -> None:
        day = dt.datetime.fromtimestamp(now, tz).date().isoformat()
        n = taken_today(conn, cfg.id, service, day, person_hash) + 1
        if n > limit:
            raise _refused(svc.name_zh, svc.name_en, limit)
        try:
            conn.execute(insert(_D).values(hall=cfg.id, service=service, day=day, person_hash=person_hash, n=n,
                                           ticket_id=issued.ticket.id, at=now))
        except IntegrityError:  # another transaction took this place first: the rule holds, this one loses
            raise _refused(svc.name_zh, svc.name_en, limit) from None

    return write


def _refused(name_zh: str, name_en: str, limit: int) -> Problem:
    return Problem("per_person_limit",
                   f"按规定，“{name_zh}”每人每天限取 {limit} 个号，您今天已取过，请勿重复取号",
                   f'"{name_en}" is limited to {limit} ticket{"s" if limit > 1 else ""} per person a day, and you '
                   "have taken yours today",
                   409)


def card_detail(card: Any, person_hash: str | None) -> dict[str, Any]:
    """What the audit log keeps of a card: that one was used, its type and age band — never the number,
    nor its hash (a hash in the audit log would let anyone reading it follow a person across days)."""
    if card is None and person_hash is None:
        return {}
    facts = {"kind": card.kind, "age_band": card.age_band} if card is not None else {}
    return {"card": {"used": True, **facts}}

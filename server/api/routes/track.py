"""GET /track/{token}: public ticket tracking (the QR on the ticket). Number, service, state, people
ahead, estimated wait, window when called — never personal data (000 第二十八条)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import views
from ..deps import Ctx
from ..schemas import ERRORS, TrackBody, TrackToken

router = APIRouter(tags=["track"])
_CALLED = ("called", "recalled", "serving")
_MAX_HOPS = 20  # transfer chains are short; this only bounds a corrupted loop


@router.get("/track/{token}", response_model=TrackBody, responses=ERRORS)
def track(token: TrackToken, ctx: Ctx) -> dict:
    cols = (t.tickets.c.id, t.tickets.c.hall, t.tickets.c.service, t.tickets.c.number, t.tickets.c.state,
            t.tickets.c.window, t.tickets.c.transferred_to)
    with read_transaction(ctx.engine) as conn:
        row = conn.execute(select(*cols).where(t.tickets.c.track_token == token)).first()
        if row is None:
            raise Problem("unknown_ticket", "没有这张票（二维码无效或已过期）",
                          "no such ticket (invalid or expired QR code)", 404)
        hops = 0
        while row.transferred_to and hops < _MAX_HOPS:  # follow the visitor through transfers
            nxt = conn.execute(select(*cols).where(t.tickets.c.id == row.transferred_to)).first()
            if nxt is None:
                break
            row, hops = nxt, hops + 1
    cfg = ctx.service.config(row.hall)
    ahead = wait_s = 0
    estimate = None
    if row.state == "waiting":  # only a waiting ticket has a place in the queue (the Hall knows it)
        with ctx.service.view(row.hall) as (hall, _seq, now):
            estimate = hall.estimate(row.id, now=now)
            ahead, wait_s = estimate.ahead, estimate.wait_s
    svc = cfg.service(row.service) if cfg.has_service(row.service) else None
    window = row.window if row.state in _CALLED else None
    wcfg = cfg.window(window) if window is not None and cfg.has_window(window) else None
    return {
        "number": row.number,
        "service": row.service,
        "service_name_zh": svc.name_zh if svc else row.service,
        "service_name_en": svc.name_en if svc else row.service,
        "state": row.state,
        "ahead": ahead,
        "estimated_wait_s": int(wait_s),
        **views.estimate_fields(estimate),
        "window": window,
        "window_name_zh": wcfg.name_zh if wcfg else None,
        "window_name_en": wcfg.name_en if wcfg else None,
    }


"""GET /track/{token}: public ticket tracking (the QR on the ticket). Number, service, state, people
ahead, estimated wait, window when called — never personal data (000 第二十八条).

Served from the hall's read model (issue 14): the phones of a whole province poll this every few seconds,
so it must not touch the hall's writer or the database in steady state. ``ETag`` names the hall's seq and
the ticket; ``If-None-Match`` → 304; ``Cache-Control: public, max-age=1`` lets a proxy absorb repeats. A
ticket the model does not hold (an earlier day's) is read from the database, on a worker thread.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from server.halls.errors import Problem
from server.readmodels.hub import encode
from server.storage import schema as t
from server.storage.db import read_transaction

from .. import fastpath
from ..context import AppContext
from ..deps import Ctx
from ..schemas import ERRORS, TrackBody, TrackToken
from .common import send_encoded

router = APIRouter(tags=["track"])
_CALLED = ("called", "recalled", "serving")
_MAX_HOPS = 20  # transfer chains are short; this only bounds a corrupted loop


def _unknown() -> Problem:
    return Problem("unknown_ticket", "没有这张票（二维码无效或已过期）",
                   "no such ticket (invalid or expired QR code)", 404)


def _from_db(ctx: AppContext, token: str) -> dict[str, Any]:
    cols = (t.tickets.c.id, t.tickets.c.hall, t.tickets.c.service, t.tickets.c.number, t.tickets.c.state,
            t.tickets.c.window, t.tickets.c.transferred_to)
    with read_transaction(ctx.engine) as conn:
        row = conn.execute(select(*cols).where(t.tickets.c.track_token == token)).first()
        if row is None:
            raise _unknown()
        hops = 0
        while row.transferred_to and hops < _MAX_HOPS:  # follow the visitor through transfers
            nxt = conn.execute(select(*cols).where(t.tickets.c.id == row.transferred_to)).first()
            if nxt is None:
                break
            row, hops = nxt, hops + 1
    estimate = ctx.service.estimate(row.hall, row.id) if row.state == "waiting" else None
    return fastpath.track_view(ctx.service.config(row.hall), row._mapping, estimate)


@router.get("/track/{token}", response_model=TrackBody, responses=ERRORS)
async def track(token: TrackToken, request: Request, ctx: Ctx) -> Response:
    got = await fastpath.track(ctx.readmodels, ctx.service.configs, token)
    if got is None:
        body = await asyncio.to_thread(_from_db, ctx, token)  # no ETag: not tied to a seq we follow
        return Response(encode(body), media_type="application/json", headers={"Cache-Control": "no-cache"})
    return send_encoded(request, got, cache=fastpath.TRACK_CACHE)

"""WS /halls/{hall}/events?since=SEQ&token=…: the hall's events, gap-free, replayable.

Each message is ``{"seq": n, "kind": "...", "at": t, "data": {...}}``; ``{"kind": "resync", "seq": n}``
tells the client to fetch a fresh snapshot (``since`` too old or in the future, or the client was too
slow). Errors before streaming are sent as an error body, then the socket closes with 4401/4403/4404.
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from server.auth import Action, authorize
from server.halls.errors import Problem

from ..deps import bearer, who_is
from ..revocation import revoked_actor

router = APIRouter(tags=["events"])
_CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404}


@router.websocket("/halls/{hall}/events")
async def events(
    ws: WebSocket, hall: str, since: int | None = None, token: str | None = None
) -> None:
    ctx = ws.app.state.ctx
    try:
        who = await asyncio.to_thread(who_is, ctx, token or bearer(ws.headers.get("authorization")))
        ctx.service.config(hall)
        authorize(who, Action.EVENTS, hall)
    except Problem as problem:
        await ws.accept()
        await ws.send_json({"kind": "error", **problem.to_dict()})
        await ws.close(_CLOSE_CODES.get(problem.status, 4400))
        return
    await ws.accept()

    async def pump() -> None:
        async with contextlib.aclosing(
            ctx.fanout.subscribe(hall, since, public=who.in_public)
        ) as stream:
            async for text in stream:
                if revoked_actor(text) == who.actor:  # disabled or removed meanwhile (server/api/revocation.py)
                    await ws.close(4401)
                    return
                await ws.send_text(text)

    async def watch() -> None:  # a client message or disconnect; clients send nothing meaningful
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return

    sender, reader = asyncio.create_task(pump()), asyncio.create_task(watch())
    done, pending = await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    if sender in done and reader not in done:  # the stream ended: resync sent, or the server stops
        with contextlib.suppress(Exception):
            await ws.close(1000 if sender.exception() is None else 1011)

"""WS /halls/{hall}/events?since=SEQ: the hall's events, gap-free, replayable.

Authentication (issue 13): ``Authorization: Bearer …`` on the upgrade request, or — without it — a
first message ``{"token": "…"}`` within ``FIRST_MESSAGE_S`` seconds. A ``token`` in the URL is refused
(URLs end up in logs). The token is re-checked while the socket is open (``server/api/wsauth.py``):
after logout, expiry or rotation the socket gets ``{"kind": "error", "code": "unauthorized"}`` and
closes with 4401 within a few seconds.

Each message is ``{"seq": n, "kind": "...", "at": t, "data": {...}}``; ``{"kind": "resync", "seq": n}``
tells the client to fetch a fresh snapshot (``since`` too old or in the future, or the client was too
slow). Errors before streaming are sent as an error body, then the socket closes with
4400/4401/4403/4404. A client that does not take a message within ``SEND_TIMEOUT_S`` is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from server.auth import Action, authorize
from server.auth.secrets import hash_token
from server.halls.errors import Problem

from ..deps import bearer, who_is
from ..revocation import revoked_actor
from ..wsauth import Sessions

router = APIRouter(tags=["events"])
log = logging.getLogger("hallq.events")
_CLOSE_CODES = {400: 4400, 401: 4401, 403: 4403, 404: 4404, 422: 4400}
FIRST_MESSAGE_S = 10.0
SEND_TIMEOUT_S = 30.0
MAX_AUTH_MESSAGE = 4096


def _sessions(ws: WebSocket) -> Sessions:
    state = ws.app.state
    sessions = getattr(state, "ws_sessions", None)
    if sessions is None:
        ctx = state.ctx
        sessions = state.ws_sessions = Sessions(ctx.engine, ctx.service.clock)
    return sessions


def _bad_since(text: str) -> Problem:
    return Problem("invalid_request", f"请求无效：query.since：应为整数（{text[:20]!r}）",
                   f"invalid request: query.since: should be an integer ({text[:20]!r})", 422)


def _unauthorized(zh: str, en: str) -> Problem:
    return Problem("unauthorized", zh, en, 401)


async def _first_message_token(ws: WebSocket) -> str:
    """The token of a browser's first message ``{"token": "…"}``."""
    try:
        message = await asyncio.wait_for(ws.receive(), FIRST_MESSAGE_S)
    except TimeoutError:
        raise _unauthorized("未在 10 秒内收到访问令牌", "no access token within 10 s") from None
    text = message.get("text") if message["type"] == "websocket.receive" else None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    try:
        token = json.loads(text)["token"] if text and len(text) <= MAX_AUTH_MESSAGE else None
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not token:
        raise _unauthorized('第一条消息须为 {"token": "…"}', 'the first message must be {"token": "…"}')
    return token


@router.websocket("/halls/{hall}/events")
async def events(ws: WebSocket, hall: str) -> None:
    ctx = ws.app.state.ctx
    await ws.accept()
    try:
        since_text = ws.query_params.get("since")
        since: int | None = None
        if since_text is not None:
            try:
                since = int(since_text)
            except ValueError:
                raise _bad_since(since_text) from None
        if "token" in ws.query_params:
            raise _unauthorized("访问令牌不能放在网址中：请用 Authorization 头或第一条消息发送",
                                "tokens never go in the URL: send it in the Authorization header or the "
                                "first message")
        token = bearer(ws.headers.get("authorization")) or await _first_message_token(ws)
        who = await asyncio.to_thread(who_is, ctx, token)
        ctx.service.config(hall)
        authorize(who, Action.EVENTS, hall)
    except Problem as problem:
        with contextlib.suppress(Exception):
            await ws.send_json({"kind": "error", **problem.to_dict()})
            await ws.close(_CLOSE_CODES.get(problem.status, 4400))
        return
    except WebSocketDisconnect:
        return
    sessions = _sessions(ws)
    session = sessions.open(hash_token(token))

    async def pump() -> None:
        async with contextlib.aclosing(
            ctx.fanout.subscribe(hall, since, public=who.in_public)
        ) as stream:
            async for text in stream:
                if revoked_actor(text) == who.actor:  # disabled or removed meanwhile (server/api/revocation.py)
                    await ws.close(4401)
                    return
                # a client that stops reading is dropped, not buffered for ever (its queue is bounded too);
                # asyncio.timeout, not wait_for: wait_for wraps every send in a task of its own (Python
                # 3.11), a fifth of what each message to each subscriber cost (issue 14, call → event)
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    await ws.send_text(text)

    async def watch() -> None:  # a client message or disconnect; clients send nothing meaningful
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return

    sender, reader = asyncio.create_task(pump()), asyncio.create_task(watch())
    revoked = asyncio.create_task(session.revoked.wait())
    try:
        done, pending = await asyncio.wait({sender, reader, revoked}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in (sender, reader, revoked):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task  # every task's outcome retrieved: no "Task exception was never retrieved"
        if revoked in done:
            problem = _unauthorized("访问令牌已失效（已退出、过期或已更换），请重新登录",
                                    "the access token is no longer valid (logged out, expired or rotated)")
            with contextlib.suppress(Exception):
                await ws.send_json({"kind": "error", **problem.to_dict()})
                await ws.close(4401)
        elif sender in done and reader not in done:  # the stream ended: resync sent, the server stops, slow
            failed = sender.cancelled() or sender.exception() is not None
            with contextlib.suppress(Exception):
                await ws.close(1011 if failed else 1000)
    finally:
        sessions.close(session)

"""Request dependencies: the app context, the caller (bearer token), the idempotency key."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import Depends, Request

from server.auth import Principal, resolve
from server.halls.errors import Problem
from server.halls.idempotency import IdempotencyKey
from server.storage.db import read_transaction

from .context import AppContext


async def context(request: Request) -> AppContext:  # async: no thread hop for a lookup
    return request.app.state.ctx


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def who_is(ctx: AppContext, token: str | None) -> Principal:
    """Resolve a token or raise 401."""
    if token is None:
        raise Problem(
            "unauthorized",
            "缺少访问令牌（Authorization: Bearer …）",
            "missing access token (Authorization: Bearer …)",
            401,
        )
    with read_transaction(ctx.engine) as conn:
        who = resolve(conn, token, now=ctx.service.clock())
    if who is None:
        raise Problem(
            "unauthorized",
            "访问令牌无效或已过期，请重新登录",
            "invalid or expired access token: log in again",
            401,
        )
    return who


def principal(request: Request) -> Principal:
    return who_is(request.app.state.ctx, bearer(request.headers.get("authorization")))


# Hot paths (issue 14): an async dependency that remembers a resolved token for WHO_TTL_S seconds, so a
# kiosk issuing or a display polling does not pay a token lookup (and a thread-pool hop) per request. A
# token revoked or expired meanwhile keeps working in this process for at most that long.
WHO_TTL_S = 1.0
WHO_KEPT = 10_000


async def principal_cached(request: Request) -> Principal:
    return await principal_of(request.app.state.ctx, request.headers.get("authorization"))


async def principal_of(ctx: AppContext, authorization: str | None) -> Principal:
    """The caller of an ``Authorization`` header, from the cache or resolved (and then cached); raises
    401. Also the lean POST path's (server/api/fastpath.py)."""
    token = bearer(authorization)
    if token is not None:
        hit = ctx.who_cache.get(token)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
    who = await asyncio.to_thread(who_is, ctx, token)
    if len(ctx.who_cache) >= WHO_KEPT:
        ctx.who_cache.clear()
    ctx.who_cache[token] = (time.monotonic() + WHO_TTL_S, who)  # type: ignore[index]
    return who


Ctx = Annotated[AppContext, Depends(context)]
Who = Annotated[Principal, Depends(principal)]
WhoFast = Annotated[Principal, Depends(principal_cached)]


def _idem(request: Request, who: Principal, body: bytes) -> IdempotencyKey | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    return IdempotencyKey.of(who.actor, key, request.method, request.url.path, body)


async def idempotency_key_fast(request: Request, who: WhoFast) -> IdempotencyKey | None:
    """:func:`idempotency_key` for the hot paths (the caller resolved through :func:`principal_cached`)."""
    if "idempotency-key" not in request.headers:
        return None
    return _idem(request, who, await request.body())


async def idempotency_key(request: Request, who: Who) -> IdempotencyKey | None:
    """``Idempotency-Key`` of a mutating request, bound to the caller and to what the request was."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    return IdempotencyKey.of(who.actor, key, request.method, request.url.path, await request.body())


Idem = Annotated[IdempotencyKey | None, Depends(idempotency_key)]
IdemFast = Annotated[IdempotencyKey | None, Depends(idempotency_key_fast)]

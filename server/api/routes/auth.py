"""POST /auth/login, POST /auth/logout."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import update

from server.auth import login
from server.auth.secrets import hash_token
from server.storage import schema as t
from server.storage.db import write_transaction

from ..deps import Ctx, Who, bearer
from ..schemas import ERRORS, LoginRequest, LoginResponse

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse, responses=ERRORS)
def post_login(body: LoginRequest, ctx: Ctx, request: Request) -> dict:
    """Clerk login with staff number and PIN. Repeated failures from one address are slowed down
    (429 ``login_throttled`` with ``Retry-After``); very many lock the account until a manager unlocks it
    (423 ``account_locked``)."""
    where = request.client.host if request.client else None
    result = login(
        ctx.engine,
        body.staff_no,
        body.pin,
        now=ctx.service.clock(),
        tz=ctx.service.tz,
        policy=ctx.login_policy,
        where=f"ip:{where}" if where else None,
        address=where,
        secret=ctx.settings.secret(),
    )
    p = result.principal
    return {
        "token": result.token,
        "token_type": "bearer",
        "expires_at": result.expires_at,
        "staff_no": p.staff_no,
        "name": p.name,
        "role": p.role,
        "hall": p.hall,
        "windows": sorted(p.windows),
    }


@router.post("/auth/logout", status_code=204, responses=ERRORS)
def post_logout(ctx: Ctx, who: Who, request: Request) -> Response:
    """Revoke the calling clerk token (devices keep theirs)."""
    token = bearer(request.headers.get("authorization")) or ""
    with write_transaction(ctx.engine) as conn:
        conn.execute(
            update(t.auth_tokens)
            .where(t.auth_tokens.c.token_hash == hash_token(token))
            .values(revoked=True)
        )
    ctx.who_cache.pop(token, None)  # logged out here means logged out for this process's next request
    return Response(status_code=204)

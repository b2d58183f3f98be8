"""Small helpers shared by the routers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from server.halls.service import Answer
from server.readmodels import Encoded


def respond(out: Answer) -> Response:
    """The stored or fresh response of a mutation; replays say so in a header."""
    headers = {"Idempotent-Replayed": "true"} if out.replayed else None
    if out.body is None:
        return Response(status_code=out.status, headers=headers)
    return JSONResponse(out.body, status_code=out.status, headers=headers)


# starlette's JSONResponse.render, built once (json.dumps with these arguments makes a new encoder per call)
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode
_REPLAYED = (b"idempotent-replayed", b"true")


async def send_answer(out: Answer, send: Any) -> None:
    """:func:`respond`'s response sent as ASGI messages, without building a Response (the lean POST path,
    server/api/fastpath.py): the same status, headers in the same order, and body bytes —
    tests/server/test_lean_post.py compares them with the routes' answers."""
    headers = [_REPLAYED] if out.replayed else []
    if out.body is None:
        body = b""
        if not (out.status < 200 or out.status in (204, 304)):
            headers.append((b"content-length", b"0"))
    else:
        body = _JSON(out.body).encode("utf-8")
        headers += [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": out.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict()


def send_encoded(request: Request, enc: Encoded, *, cache: str = "private, no-cache") -> Response:
    """A pre-encoded read-model answer with its ETag; ``If-None-Match`` naming it → 304, no body."""
    headers = {"ETag": enc.etag, "Cache-Control": cache}
    if _matches(request.headers.get("if-none-match"), enc.etag):
        return Response(status_code=304, headers=headers)
    return Response(enc.body, media_type="application/json", headers=headers)


def not_modified(request: Request, etag: str, *, cache: str = "private, no-cache") -> Response | None:
    """304 when the client already holds ``etag`` (checked before anything is built)."""
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})
    return None


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return header.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in header.split(","))

"""The request body at the edge (issue 13, D5/D7): bounded before anything reads it, and free of lone
surrogates before any handler sees it.

* **Size.** A ``Content-Length`` over the limit is answered ``413 body_too_large`` at once (the body is
  never read, the connection is closed); a chunked body is counted as it arrives and refused the moment
  it passes the limit. Nothing buffers more than the limit, so eight 100 MB uploads cost eight times
  the limit at most. Small by default (``HALLQ_BODY_LIMIT``, 64 KiB: the largest real request, a
  heartbeat with 32 device reports, is a few KiB); ``LARGER`` lists the routes that need more (none yet).
* **Text.** JSON may spell a lone UTF-16 surrogate (``"\\udc00"``); Python decodes it into a ``str`` that
  no database can store (UnicodeEncodeError → 500). Such a body is answered ``422 invalid_request``.
  Checked only when the raw body holds a ``\\uD8…``–``\\uDF…`` escape, so ordinary requests pay nothing.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from server.halls.errors import Problem

from .errors import problem_response

DEFAULT_LIMIT = 64 * 1024
LARGER: dict[str, int] = {}  # path prefix → its own limit (bytes), for routes that need a bigger body
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def body_limit_from_env(env: dict[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    return int(env.get("HALLQ_BODY_LIMIT") or DEFAULT_LIMIT)


def _too_large(limit: int) -> Problem:
    return Problem("body_too_large", f"请求体过大（上限 {limit // 1024} KiB）",
                   f"request body too large (limit {limit // 1024} KiB)", 413, {"Connection": "close"})


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def replay_receive(body: bytes, more: bool, receive: Any) -> Any:
    """``receive`` for the app behind a middleware that read the body first: the part already read (all of
    it unless ``more``), then whatever else the client sends."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay


class BodyGuard:
    """Pure ASGI middleware for HTTP requests (WebSocket frames are bounded by uvicorn's ``ws_max_size``)."""

    def __init__(self, app: Any, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    def _limit_for(self, path: str) -> int:
        for prefix, limit in LARGER.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await problem_response(_too_large(limit))(scope, receive, send)
            return
        # read the (bounded) body now: refuse as soon as it passes the limit
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await problem_response(_too_large(limit))(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _SURROGATE_ESCAPE.search(body):
            try:
                bad = _has_lone_surrogate(json.loads(body))
            except ValueError:
                bad = False  # not JSON: the handler's own validation answers
            if bad:
                await problem_response(Problem(
                    "invalid_request", "请求无效：文本中含有无效的 Unicode 字符（孤立代理项）",
                    "invalid request: text holds an invalid Unicode character (a lone surrogate)", 422,
                ))(scope, receive, send)
                return
        await self.app(scope, replay_receive(body, False, receive), send)

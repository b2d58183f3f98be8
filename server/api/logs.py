"""Structured logs: one JSON object per line; one line per HTTP request with its status and duration.

Tokens never reach a log line (issue 13, D3): the access line carries the path without its query
string, uvicorn's own lines (``"WebSocket /path?…" [accepted]``) lose their query strings, and anything
shaped like a bearer token or a ``Authorization`` value is replaced by ``[redacted]`` in every message,
field and traceback — a last net under the rule that clients send tokens in headers or messages only.
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from server.metrics import route_template

access = logging.getLogger("hallq.access")

# c_… clerk and d_… device tokens (prefix + 43 URL-safe characters), and "Bearer …" values
_TOKEN = re.compile(r"\b[cd]_[A-Za-z0-9_-]{20,}|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
_QUERY = re.compile(r"(/[^\s\"'?]*)\?[^\s\"']*")  # a path's query string


def redact(text: str) -> str:
    """``text`` without tokens and without the query strings of paths in it."""
    if "?" not in text and "_" not in text and "earer" not in text.lower():
        return text  # neither pattern can match (a token has "_", a query "?"): most lines, no regex
    return _TOKEN.sub("[redacted]", _QUERY.sub(r"\1?[redacted]", text))


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


#: until the configuration names the deployment's zone (config.models: the same default)
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


class JsonFormatter(logging.Formatter):
    """One JSON object per record. ``ts``: epoch seconds, for programs; ``local``: the same instant for people,
    in the hall's time zone with its offset (``2025-03-03T09:23:05.120+08:00``) — issue 15 §6: every
    human-facing time in the hall's zone from its config, never the server box's clock zone."""

    def __init__(self, tz: tzinfo = DEFAULT_ZONE) -> None:
        super().__init__()
        self.tz = tz
        self._second: tuple[int, tzinfo, str, str] | None = None  # the last second's text (see _local)
        self._heads: dict[tuple[str, str], str] = {}  # (logger, level) → their part of the line

    @property
    def tz(self) -> tzinfo:
        return self._tz

    @tz.setter
    def tz(self, tz: tzinfo) -> None:
        self._tz = tz
        self._second = None

    def _local(self, created: float) -> str:
        """``created`` in the hall's zone to the millisecond. The date, time and offset are worked out once
        a second (an access line a request: the datetime and isoformat were a tenth of its cost)."""
        sec = int(created)
        us = round((created - sec) * 1_000_000)  # as datetime.fromtimestamp rounds, carry included
        if us >= 1_000_000:
            sec, us = sec + 1, 0
        cached = self._second
        if cached is None or cached[0] != sec or cached[1] is not self._tz:
            whole = datetime.fromtimestamp(sec, self._tz).isoformat()  # 2025-03-03T09:23:05+08:00
            cached = self._second = (sec, self._tz, whole[:19], whole[19:])
        return f"{cached[2]}.{us // 1000:03d}{cached[3]}"

    def format(self, record: logging.LogRecord) -> str:
        """The line, built as text: the same characters as :meth:`format_dict` (tests/server/test_log_lines.py
        pins it), in half the time — the dict and its encoding were most of an access line's cost, which is
        paid on every request (issue 14's profile: a tenth of a snapshot read's CPU)."""
        fields = getattr(record, "fields", None)
        if record.exc_info or (fields and not _BASE_KEYS.isdisjoint(fields)):
            return self.format_dict(record)
        key = (record.name, record.levelname)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = (f', "level": {_STR(record.levelname.lower())}, '
                                       f'"logger": {_STR(record.name)}, "msg": ')
        line = (f'{{"ts": {round(record.created, 3)!r}, "local": {_STR(self._local(record.created))}{head}'
                f'{_STR(redact(record.getMessage()))}')
        if not fields:
            return line + "}"
        parts = [line]
        for k, v in fields.items():
            if type(k) is not str:
                return self.format_dict(record)
            if type(v) is str:
                value = _STR(redact(v))
            elif type(v) is int or (type(v) is float and v == v and v not in _INFINITE):
                value = repr(v)  # as the encoder writes them
            elif v is None:
                value = "null"
            else:  # bool, other types: the encoder
                value = _ENCODE(v)
            parts.append(f"{_STR(k)}: {value}")
        return ", ".join(parts) + "}"

    def format_dict(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "local": self._local(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if fields:
            out.update({k: _clean(v) for k, v in fields.items()})
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return _ENCODE(out)


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode  # built once, not per line
_STR = json.encoder.encode_basestring  # a str as _ENCODE writes it (ensure_ascii=False)
_INFINITE = (float("inf"), float("-inf"))
_BASE_KEYS = frozenset({"ts", "local", "level", "logger", "msg"})  # a field named so replaces one: the dict way


def use_zone(tz: tzinfo) -> None:
    """The deployment's zone (known once the configuration is read) for the ``local`` field of every
    JSON log handler."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, JsonFormatter):
            handler.formatter.tz = tz


def configure(level: str = "INFO") -> None:
    """Called by ``hallq server`` (never at import time)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # the JSON lines carry none of these: skip gathering them for every record (the logging docs'
    # "Optimization" section) — the caller's frame walk alone was a tenth of an access line's cost
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # replaced by AccessLog
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise


class AccessLog:
    """Pure ASGI middleware (no per-request task or body buffering), one per app: the access line
    (method, path without query, status, ms, client) and, with ``metrics``, the latency histogram by route
    template and the hook that subscribes the metrics to the hall service at start-up. (Was two
    middlewares timing each request twice, issue 12.)"""

    def __init__(self, app: Any, metrics: Any = None) -> None:
        self.app = app
        self.metrics = metrics
        # the histogram's child per (method, route, status): prometheus_client's labels() validates and
        # locks on every call; the set of routes and statuses is small and fixed
        self._observe: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan" and self.metrics is not None:
            await self.app(scope, receive, self._lifespan_send(scope, send))
            return
        if kind != "http":
            if kind == "websocket":
                access.info("websocket", extra={"fields": {"path": scope["path"]}})
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            if self.metrics is not None:
                key = (scope["method"], route_template(scope), status)
                observe = self._observe.get(key)
                if observe is None:
                    observe = self._observe[key] = self.metrics.latency.labels(key[0], key[1], str(status)).observe
                observe(elapsed)
            if access.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access.info(
                    "request",
                    extra={
                        "fields": {
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "ms": round(elapsed * 1000, 2),
                            "client": client[0] if client else None,
                        }
                    },
                )

    def _lifespan_send(self, scope: dict, send: Any) -> Any:
        metrics = self.metrics

        async def lifespan_send(message: dict) -> None:
            if message["type"] == "lifespan.startup.complete":
                ctx = scope["app"].state.ctx
                if metrics.on_commit not in ctx.service.listeners:
                    ctx.service.listeners.append(metrics.on_commit)
            await send(message)

        return lifespan_send

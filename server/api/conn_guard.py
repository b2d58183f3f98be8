"""Connections at the socket level (issue 13, D6): a deadline for receiving each request, and caps.

uvicorn has no timeout covering the receipt of a request: ``timeout_keep_alive`` applies only between
requests, so a client that sends half a request line and then nothing (slowloris) holds its connection —
and a file descriptor — for ever, and an ASGI middleware cannot help because it runs only once the
request is parsed. ``GuardedHttp`` wraps uvicorn's HTTP protocol class:

* **request deadline**: a request must be received whole (headers and body) within ``request_timeout_s``
  of its first byte or of the connection's start; otherwise the connection is closed. Disarmed when the
  request is complete (a long response is never cut) and on a WebSocket upgrade;
* **per-client cap**: at most ``per_client`` open HTTP connections from one address; more are closed at
  once (a browser opens six; a kiosk one or two). Behind a reverse proxy every client has the proxy's
  address: there set ``--limit-per-client 0`` and let the proxy limit;
* **total cap**: at most ``total`` open connections; more are closed at once, leaving file descriptors
  for the database and the event streams;
* **request head size**: at most ``max_head`` bytes of request line and headers (uvicorn's httptools
  protocol has no limit of its own; h11's ``h11_max_incomplete_event_size`` is set too).

uvicorn's own ``--limit-concurrency`` is not used for this: it counts half-open connections too and
answers 503 to everyone once they fill it, which is what the attacker wants.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections import Counter
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("hallq.connections")


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    request_timeout_s: float = 10.0
    per_client: int = 64  # 0: no per-address cap
    total: int = 4096
    max_head: int = 64 * 1024


def raise_fd_limit(want: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards ``want`` (up to the hard limit); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def guarded(base: type, limits: ConnectionLimits) -> type:
    """A subclass of uvicorn's HTTP protocol class ``base`` with the deadline and the caps."""
    per_address: Counter[str] = Counter()
    state = {"open": 0}

    class GuardedHttp(base):  # type: ignore[misc, valid-type]
        _guard_timer: asyncio.TimerHandle | None = None
        _guard_addr: str | None = None
        _guard_counted = False
        _guard_head = 0  # bytes of the current request's head parsed so far

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            addr = peer[0] if isinstance(peer, tuple) and peer else "?"
            over_total = state["open"] >= limits.total
            over_client = limits.per_client > 0 and per_address[addr] >= limits.per_client
            if over_total or over_client:
                log.warning("connection refused", extra={"fields": {
                    "client": addr, "reason": "total" if over_total else "per_client"}})
                transport.abort()
                return
            self._guard_addr = addr
            self._guard_counted = True
            per_address[addr] += 1
            state["open"] += 1
            self._guard_arm()

        def _guard_release(self) -> None:
            self._guard_disarm()
            if self._guard_counted:
                self._guard_counted = False
                state["open"] -= 1
                per_address[self._guard_addr] -= 1
                if per_address[self._guard_addr] <= 0:
                    del per_address[self._guard_addr]

        def connection_lost(self, exc: Exception | None) -> None:
            self._guard_release()
            super().connection_lost(exc)

        def _guard_arm(self) -> None:
            if self._guard_timer is None:
                self._guard_timer = self.loop.call_later(limits.request_timeout_s, self._guard_expired)

        def _guard_disarm(self) -> None:
            if self._guard_timer is not None:
                self._guard_timer.cancel()
                self._guard_timer = None

        def _guard_expired(self) -> None:
            self._guard_timer = None
            if not self.transport.is_closing():
                log.info("request not received in time: connection closed",
                         extra={"fields": {"client": self._guard_addr}})
                self.transport.abort()

        def data_received(self, data: bytes) -> None:
            if self._guard_timer is None and (self.cycle is None or self.cycle.response_complete):
                self._guard_arm()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)

        def _guard_count(self, n: int) -> None:
            self._guard_head += n
            if self._guard_head > limits.max_head and not self.transport.is_closing():
                log.warning("request head too large: connection closed",
                            extra={"fields": {"client": self._guard_addr}})
                self.transport.abort()

        def on_message_begin(self) -> None:
            self._guard_head = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:  # parser callbacks: the head as it is parsed
            self._guard_count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._guard_count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_message_complete(self) -> None:
            self._guard_disarm()
            self._guard_head = 0
            super().on_message_complete()

        def handle_websocket_upgrade(self, *args: Any) -> None:
            self._guard_release()  # the WebSocket authenticates within 10 s or is closed (events.py)
            super().handle_websocket_upgrade(*args)

    GuardedHttp.__name__ = GuardedHttp.__qualname__ = f"Guarded{base.__name__}"
    return GuardedHttp


def http_protocol(limits: ConnectionLimits) -> type:
    """uvicorn's best HTTP protocol here (httptools, else h11), guarded."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    except ImportError:  # pragma: no cover - httptools is in the server extra
        from uvicorn.protocols.http.h11_impl import H11Protocol as base
    return guarded(base, limits)

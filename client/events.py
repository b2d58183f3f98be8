"""``EventStream``: a hall's events over ``WS /api/v1/halls/{hall}/events``, in order, exactly once.

One background thread (``hallq-events-<hall>``) runs this loop until :meth:`EventStream.stop`::

    no seq yet? ── GET /snapshot ──▶ on_snapshot(snapshot) ; last = snapshot.seq
    connect ?since=last ──▶ on_connection(True)
        {"seq": n, …}        n == last + 1 → on_event(message) ; last = n
                             n <= last     → already delivered: skipped
                             n >  last + 1 → a gap: reconnect with since=last (the server replays it)
        {"kind": "resync"}   → forget last: take a fresh snapshot, then stream from its seq
        {"kind": "error"}    → the server refused us (bad token, no such hall): on_error, thread ends
        closed / network     → on_connection(False), wait (backoff), reconnect with since=last

Messages are the server's JSON objects ``{"seq", "kind", "at", "data"}`` as dicts; the snapshot is the
``GET /snapshot`` JSON as a dict (``client.models.Snapshot.of`` types it). Because the server
replays ``since < seq`` from its event table, a restart of the server or a cut cable loses nothing, and
because ``last`` only moves forward one step at a time, nothing is delivered twice.

**Callbacks run on the stream thread**, one at a time, in order. They must not block for long (the
server drops a client that falls 10,000 events behind, which then resyncs) and must not touch Qt
widgets: Qt apps use :class:`client.qt.QtHallLink`, which re-emits them as queued signals.
An exception in a callback is logged and the stream goes on.

The reconnect loop is ours rather than ``websockets.sync.client.reconnect``: that one reconnects to a
fixed URI (ours changes: ``since=last``), must fetch no snapshot in between, and sleeps with
``time.sleep``, so :meth:`stop` could not interrupt its backoff.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

from websockets.client import process_exception
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from .backoff import Backoff
from .errors import ApiError, ClientError
from .http import API, HallClient

log = logging.getLogger("hallq.client.events")

EventCallback = Callable[[dict[str, Any]], None]


class _Reconnect(Exception):
    """The current connection is done with (gap, resync): reconnect."""


class EventStream:
    """Follow one hall's event stream on a background thread; see the module docstring.

    ``since``: the last seq the app already has (e.g. from its own snapshot); ``None`` → the stream
    takes a snapshot first. ``client``: a :class:`HallClient` for snapshots (by default one is made
    from ``base_url`` and ``token`` and closed with the stream). ``backoff``: reconnect delays,
    0.2 s doubling to 5 s with jitter; reset after every successful connection. ``ping_interval`` /
    ``ping_timeout``: a silent dead link (unplugged switch) is noticed within their sum.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        hall: str,
        *,
        since: int | None = None,
        on_event: EventCallback,
        on_snapshot: EventCallback,
        on_connection: Callable[[bool], None] | None = None,
        on_error: Callable[[ClientError], None] | None = None,
        client: HallClient | None = None,
        backoff: Backoff | None = None,
        open_timeout: float = 5.0,
        ping_interval: float = 5.0,
        ping_timeout: float = 5.0,
    ) -> None:
        self.hall = hall
        self.token = token
        self._ws_base = "ws" + base_url.rstrip("/").removeprefix("http")  # http→ws, https→wss
        self._on_event = on_event
        self._on_snapshot = on_snapshot
        self._on_connection = on_connection
        self._on_error = on_error
        self._own_client = client is None
        self._client = client or HallClient(base_url, token, timeout=open_timeout, retries=0)
        self._backoff = backoff or Backoff(first=0.2, cap=5.0)
        self._open_timeout = open_timeout
        self._ping = (ping_interval, ping_timeout)
        self._last: int | None = since
        self._connected: bool | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._ws: ClientConnection | None = None
        self._thread = threading.Thread(target=self._run, name=f"hallq-events-{hall}", daemon=True)
        self.error: ClientError | None = None  # the fatal error that ended the stream, if any

    # -- control -------------------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread: close the socket, interrupt any backoff wait, join (bounded by ``timeout``).

        A connection attempt or snapshot request in flight finishes first (at most ``open_timeout``)."""
        self._stop.set()
        with self._lock:
            ws = self._ws
        if ws is not None:
            ws.close_socket()  # no closing handshake: a hung server must not hold us up
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("event stream of hall %s did not stop within %.1f s", self.hall, timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def last_seq(self) -> int | None:
        """The seq of the last event delivered (or of the last snapshot)."""
        return self._last

    @property
    def connected(self) -> bool:
        return bool(self._connected)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- the loop ------------------------------------------------------------------------------------
    def _run(self) -> None:
        self._delays = self._backoff.delays()
        try:
            while not self._stop.is_set():
                try:
                    if self._last is None:
                        self._take_snapshot()
                    self._stream()
                except _Reconnect:
                    pass
                except ApiError as exc:
                    if exc.fatal_for_stream:
                        self._fail(exc)
                        return
                    log.warning("hall %s events: %s; reconnecting", self.hall, exc)
                except ClientError as exc:  # server unreachable, unreadable snapshot
                    log.warning("hall %s events: %s; reconnecting", self.hall, exc)
                except InvalidHandshake as exc:
                    # websockets' own rule: 5xx and cut connections are transient, a 4xx is not
                    if process_exception(exc) is not None and not self._stop.is_set():
                        status = getattr(getattr(exc, "response", None), "status_code", 0)
                        self._fail(ApiError(status, "ws_refused", f"事件流连接被拒绝：{exc}",
                                            f"event stream connection refused: {exc}"))
                        return
                    log.info("hall %s events: handshake failed: %s; reconnecting", self.hall, exc)
                except (ConnectionClosed, OSError, TimeoutError) as exc:
                    log.info("hall %s events: %s: %s; reconnecting",
                             self.hall, type(exc).__name__, exc)
                except Exception as exc:  # a bug must not kill the thread silently
                    if self._stop.is_set():
                        return
                    log.exception("hall %s events: unexpected failure", self.hall)
                    self._fail(ClientError(f"事件流出错：{exc!r}", f"event stream failed: {exc!r}"))
                    return
                if self._stop.is_set():
                    return
                self._set_connected(False)
                self._stop.wait(next(self._delays))
        finally:
            self._set_connected(False)
            if self._own_client:
                self._client.close()

    def _take_snapshot(self) -> None:
        snapshot = self._client.snapshot(self.hall)
        self._last = snapshot.seq
        self._deliver(self._on_snapshot, snapshot.raw)

    def _stream(self) -> None:
        """One connection, from ``since=last`` until it ends; raises _Reconnect on gap or resync."""
        uri = f"{self._ws_base}{API}/halls/{quote(self.hall, safe='')}/events?since={self._last}"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        refused: dict[str, Any] | None = None
        with connect(
            uri,
            additional_headers=headers,
            open_timeout=self._open_timeout,
            ping_interval=self._ping[0],
            ping_timeout=self._ping[1],
            close_timeout=2,
        ) as ws:
            with self._lock:
                if self._stop.is_set():
                    return
                self._ws = ws
            try:
                self._delays = self._backoff.delays()  # connected: the next outage starts afresh
                self._set_connected(True)
                for text in ws:
                    if self._stop.is_set():
                        return
                    message = self._parse(text)
                    if message is None:
                        continue
                    if message.get("kind") == "error":
                        refused = message  # the server closes the socket next (4401/4403/4404)
                        continue
                    self._handle(message)
            except ConnectionClosed:
                if refused is None:
                    raise
            finally:
                with self._lock:
                    self._ws = None
        if refused is not None and not self._stop.is_set():
            code = ws.close_code or 0
            raise ApiError(
                code - 4000 if 4000 <= code < 5000 else 400,
                str(refused.get("code", "refused")),
                str(refused.get("message_zh", "事件流被服务器拒绝")),
                str(refused.get("message_en", "event stream refused by the server")),
            )

    def _parse(self, text: str | bytes) -> dict[str, Any] | None:
        try:
            message = json.loads(text)
        except ValueError:
            log.warning("hall %s events: ignoring a message that is not JSON: %.80r", self.hall, text)
            return None
        if not isinstance(message, dict):
            log.warning("hall %s events: ignoring a message that is not an object: %.80r",
                        self.hall, text)
            return None
        return message

    def _handle(self, message: dict[str, Any]) -> None:
        if message.get("kind") == "resync":
            log.info("hall %s events: server asks for a resync (at seq %s)",
                     self.hall, message.get("seq"))
            self._last = None  # the next round takes a fresh snapshot
            raise _Reconnect
        seq = message.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            log.warning("hall %s events: ignoring a message without seq: %.80r", self.hall, message)
            return
        last = self._last if self._last is not None else seq - 1
        if seq <= last:
            log.debug("hall %s events: seq %d already delivered", self.hall, seq)
            return
        if seq != last + 1:
            log.warning("hall %s events: gap after seq %d (got %d); replaying from the server",
                        self.hall, last, seq)
            raise _Reconnect
        self._last = seq
        self._deliver(self._on_event, message)

    # -- callbacks -----------------------------------------------------------------------------------
    def _deliver(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is None:
            return
        try:
            callback(value)
        except Exception:
            log.exception("hall %s events: callback %r failed", self.hall, callback)

    def _set_connected(self, state: bool) -> None:
        if state != self._connected:
            self._connected = state
            self._deliver(self._on_connection, state)

    def _fail(self, error: ClientError) -> None:
        log.error("hall %s events: giving up: %s", self.hall, error)
        self.error = error
        self._set_connected(False)
        self._deliver(self._on_error, error)

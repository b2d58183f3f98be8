"""Event fan-out to WebSocket clients, within a process and across processes.

One :class:`_Feed` per hall per process holds the subscribers and ``last``, the newest seq delivered.
Events reach a feed three ways, all ending in :meth:`_Feed.offer` on the event loop:

* this process committed them: ``HallService`` calls :meth:`Fanout.on_commit` (from a worker thread)
  right after the commit, still under the hall lock, so they arrive in seq order;
* PostgreSQL: another process committed them; its transaction ran ``pg_notify('hallq_events',
  'hall:seq')``, a listener thread here receives it and the feed reads the missing rows;
* SQLite: a poll of ``halls.seq`` every ``poll_interval`` seconds, only while the hall has subscribers.

A feed hands out rows strictly in seq order: a row beyond ``last + 1`` means something was missed, and the
feed reads the gap from the events table before going on. A subscriber first registers (from then on it
queues every row the feed delivers), then replays ``since < seq <= last`` from the table, then drains its
queue skipping what the replay covered: no gaps, no duplicates. Too far behind, or ahead of the hall →
``{"kind": "resync", "seq": current}``; a subscriber whose queue overflows gets the same and is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from server.halls.repo import EventRow, hall_seq, read_events
from server.halls.service import PG_CHANNEL
from server.storage.db import is_sqlite, read_transaction

from .views import strip_private

log = logging.getLogger("hallq.fanout")
QUEUE_MAX = 10_000
_CLOSE = object()


def _text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(eq=False)
class Subscriber:
    hall: str
    public: bool  # a screen in a public place: personal data stripped
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)  # bounded by hand: QUEUE_MAX
    dropped: bool = False


class _Feed:
    def __init__(self, fanout: Fanout, hall: str, last: int) -> None:
        self.fanout = fanout
        self.hall = hall
        self.last = last
        self.subs: set[Subscriber] = set()
        self._target = last  # newest seq known to exist
        self._catching_up: asyncio.Task | None = None
        self._poller: asyncio.Task | None = None

    def offer(self, rows: list[EventRow]) -> None:
        for row in rows:
            if row.seq <= self.last:
                continue
            if row.seq != self.last + 1 or self._catching_up is not None:
                self.want(row.seq)
                return
            self._deliver(row)

    def want(self, seq: int) -> None:
        """Rows up to ``seq`` exist: read the ones not yet delivered from the table."""
        self._target = max(self._target, seq)
        if self._target > self.last and self._catching_up is None:
            self._catching_up = asyncio.get_running_loop().create_task(self._catch_up())

    async def _catch_up(self) -> None:
        try:
            while self.last < self._target:
                rows = await asyncio.to_thread(self.fanout.read, self.hall, self.last, self._target)
                if not rows:
                    break
                for row in rows:
                    if row.seq == self.last + 1:
                        self._deliver(row)
        except Exception:  # the database may be briefly unavailable: the next notification retries
            log.exception("catching up events of hall %s failed", self.hall)
        finally:
            self._catching_up = None

    def _deliver(self, row: EventRow) -> None:
        self.last = row.seq
        self._target = max(self._target, row.seq)
        full = public = None
        for sub in list(self.subs):
            if sub.public:
                public = public or _text({**row.message(), "data": strip_private(row.data)})
                self.fanout.put(sub, (row.seq, public))
            else:
                full = full or _text(row.message())
                self.fanout.put(sub, (row.seq, full))

    async def poll(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                seq = await asyncio.to_thread(self.fanout.current_seq, self.hall)
            except Exception:
                log.exception("polling hall %s failed", self.hall)
                continue
            if seq is not None and seq > self.last:
                self.want(seq)


class Fanout:
    """All feeds of this process; lives on the server's event loop."""

    def __init__(
        self, engine: Engine, *, poll_interval: float = 0.15, replay_limit: int = 10_000
    ) -> None:
        self.engine = engine
        self.poll_interval = poll_interval
        self.replay_limit = replay_limit
        self.sqlite = is_sqlite(engine)
        self._feeds: dict[str, _Feed] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self.notice_hooks: list[Callable[[str, int], None]] = []  # on the loop, per PostgreSQL NOTIFY

    # -- lifecycle ---------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not self.sqlite:
            self._listener = threading.Thread(
                target=self._listen_pg, name="hallq-pg-listen", daemon=True
            )
            self._listener.start()

    async def stop(self) -> None:
        self._stop.set()
        for feed in list(self._feeds.values()):
            for sub in list(feed.subs):
                self._close(sub)
            if feed._poller:
                feed._poller.cancel()
        self._feeds.clear()
        if self._listener is not None:
            await asyncio.to_thread(self._listener.join, 5)

    @property
    def clients(self) -> int:
        return sum(len(f.subs) for f in self._feeds.values())

    # -- database reads (worker threads) -----------------------------------------------------------------
    def read(self, hall: str, after: int, upto: int) -> list[EventRow]:
        with read_transaction(self.engine) as conn:
            return read_events(conn, hall, after, upto)

    def current_seq(self, hall: str) -> int | None:
        with read_transaction(self.engine) as conn:
            return hall_seq(conn, hall)

    # -- inputs ------------------------------------------------------------------------------------------
    def on_commit(self, hall: str, rows: list[EventRow]) -> None:
        """Called by HallService after a commit, from any thread."""
        if self._loop is not None and not self._loop.is_closed() and hall in self._feeds:
            self._loop.call_soon_threadsafe(self._offer_next_turn, hall, rows)

    def _offer_next_turn(self, hall: str, rows: list[EventRow]) -> None:
        # one more turn of the loop: the writer answers the batch's requests right after this callback
        # (service._settle), so the clerk's own answer goes out before the hundred sends of the fan-out
        # (order between commits is kept: call_soon is first in, first out)
        self._loop.call_soon(self._offer, hall, rows)  # type: ignore[union-attr]

    def _offer(self, hall: str, rows: list[EventRow]) -> None:
        feed = self._feeds.get(hall)
        if feed is not None:
            feed.offer(rows)

    def _notified(self, hall: str, seq: int) -> None:
        for hook in self.notice_hooks:  # e.g. the read models (server/readmodels): they follow NOTIFY too
            hook(hall, seq)
        feed = self._feeds.get(hall)
        if feed is not None:
            feed.want(seq)

    def _listen_pg(self) -> None:
        """LISTEN on a dedicated autocommit connection; reconnect with back-off; catch up after a gap."""
        import psycopg

        conninfo = (
            make_url(str(self.engine.url))
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        delay = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {PG_CHANNEL}")
                    delay = 0.5
                    self._call(self._want_all)  # whatever happened while we were not listening
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            hall, _, seq = note.payload.rpartition(":")
                            if seq.isdigit():
                                self._call(self._notified, hall, int(seq))
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("PostgreSQL LISTEN connection failed; retrying in %.1f s", delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 10)

    def _call(self, fn: Any, *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closing
                self._loop.call_soon_threadsafe(fn, *args)

    def _want_all(self) -> None:
        for hall, feed in self._feeds.items():
            seq = self.current_seq(hall)
            if seq is not None:
                feed.want(seq)

    # -- subscribers -------------------------------------------------------------------------------------
    def put(self, sub: Subscriber, message: tuple[int, str]) -> None:
        if sub.dropped:
            return
        if sub.queue.qsize() >= QUEUE_MAX:
            log.warning("dropping a slow WebSocket client of hall %s", sub.hall)
            self._resync(sub)
            return
        sub.queue.put_nowait(message)

    def _resync(self, sub: Subscriber) -> None:
        feed = self._feeds.get(sub.hall)
        seq = feed.last if feed else 0
        self._unregister(sub)
        sub.dropped = True
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                sub.queue.get_nowait()
        sub.queue.put_nowait((None, _text({"kind": "resync", "seq": seq})))
        sub.queue.put_nowait(_CLOSE)

    def _close(self, sub: Subscriber) -> None:
        self._unregister(sub)
        sub.dropped = True
        sub.queue.put_nowait(_CLOSE)

    def _unregister(self, sub: Subscriber) -> None:
        feed = self._feeds.get(sub.hall)
        if feed is None:
            return
        feed.subs.discard(sub)
        if not feed.subs:
            if feed._poller:
                feed._poller.cancel()
            del self._feeds[sub.hall]

    async def subscribe(self, hall: str, since: int | None, *, public: bool) -> AsyncIterator[str]:
        """Messages (JSON text) for one client: the missed events after ``since``, then live ones."""
        sub = Subscriber(hall, public)
        feed = self._feeds.get(hall)
        if feed is None:
            # read synchronously on the loop: nothing may be offered between this read and registering
            feed = _Feed(self, hall, self.current_seq(hall) or 0)
            self._feeds[hall] = feed
            if self.sqlite:
                feed._poller = asyncio.get_running_loop().create_task(feed.poll(self.poll_interval))
        feed.subs.add(sub)
        upto = feed.last
        try:
            if since is None:
                sent = upto
            elif since > upto or upto - since > self.replay_limit or since < 0:
                yield _text({"kind": "resync", "seq": upto})
                return
            else:
                sent = since
                for row in await asyncio.to_thread(self.read, hall, since, upto):
                    yield _text(
                        {**row.message(), "data": strip_private(row.data)}
                        if public
                        else row.message()
                    )
                    sent = row.seq
            while True:
                item = await sub.queue.get()
                if item is _CLOSE:
                    return
                seq, text = item
                if seq is not None:
                    if seq <= sent:
                        continue
                    sent = seq
                yield text
        finally:
            self._unregister(sub)

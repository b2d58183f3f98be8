"""``ReadModels``: the halls' read models of this process, on the event loop, and their encoded answers.

Inputs, all ending in :meth:`_Model.offer` / :meth:`_Model.want` on the loop:

* this process's commits: the hall writer calls :meth:`ReadModels.on_commit` (a ``HallService``
  listener) after the commit and *before* it answers the request, so a client that got its answer
  reads its own change from this process;
* other processes' commits: PostgreSQL ``NOTIFY`` (the fan-out's listener hands ``hall:seq`` over) and,
  on both databases, a poll of ``halls.seq`` for the loaded halls every ``poll_interval`` seconds (one
  statement for all halls). A model that learns of a newer seq reads the missing events from the table
  and applies them — incrementally, never reloading the hall in steady state.

Answers are encoded once per ``seq`` (snapshot, each window) and served as bytes with an ``ETag`` that
names the hall and seq, so ``If-None-Match`` → 304 costs a string compare. A read's cost does not grow
with the day's tickets. Freshness: this process's own commits at once; other processes' within one
``NOTIFY`` (PostgreSQL) or one poll interval (SQLite).

Tracking (``/track/{token}``): token → ticket from memory (a miss reads the token's row once, bounded by
a semaphore), state from the model; a waiting ticket's place and estimated wait come from the core
(``HallService.estimate``, on a worker thread), cached per ticket and ``seq``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Engine, bindparam, or_, select

from server.auth import public_clerks
from server.core.model import Ticket, WindowState
from server.halls.repo import EventRow, read_events
from server.halls.service import HallService
from server.storage import schema as t
from server.storage.db import read_transaction

from .heads import HeadProbe
from .state import HallState

log = logging.getLogger("hallq.readmodels")

TICKET_FIELDS = tuple(f.name for f in fields(Ticket))
WINDOW_FIELDS = tuple(f.name for f in fields(WindowState))
CATCH_UP_LIMIT = 5_000  # events read per statement when catching up; a gap beyond 50,000 → reload
RELOAD_AFTER = 50_000
TOKENS_KEPT = 200_000  # token → ticket entries (LRU)
CLERK_TTL_S = 60.0  # clerks' public names and photos are re-read after this long
_CALLED = ("called", "recalled", "serving")
LAG_TICK_S = 0.05  # the loop-lag probe's period
LAG_SHED_S = 0.03  # a probe this late means the loop is saturated: shed public reads …
LAG_HOLD_S = 1.0  # … for this long after
_MAX_HOPS = 20

_SEQS = select(t.halls.c.id, t.halls.c.seq).where(t.halls.c.id.in_(bindparam("ids", expanding=True)))
_TOKENS = select(t.tickets.c.id, t.tickets.c.track_token).where(t.tickets.c.id.in_(bindparam("ids", expanding=True)))
_BY_TOKEN = select(t.tickets.c.id, t.tickets.c.hall).where(t.tickets.c.track_token == bindparam("token"))


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Encoded:
    """An answer ready to send: JSON bytes and its entity tag."""

    body: bytes
    etag: str


class _Model:
    """One hall's state in this process, advanced strictly in seq order (gaps are read from the table)."""

    def __init__(self, hub: ReadModels, hall: str) -> None:
        self.hub = hub
        self.hall = hall
        self.state: HallState | None = None
        self.tokens_loaded: dict[str, str] = {}
        self.loaded = asyncio.get_running_loop().create_future()
        self._pending: list[EventRow] = []
        self._target = 0
        self._catching: asyncio.Task | None = None
        # per seq: cleared when the seq moves; each answer with the configuration it was rendered with
        self.encoded: dict[Any, tuple[Any, Encoded]] = {}
        self.estimates: dict[str, tuple[int, Any]] = {}  # ticket → (seq, the core's Estimate or None)
        self._waiters: list[tuple[int, asyncio.Future]] = []

    async def reach(self, seq: int, timeout: float = 5.0) -> None:
        """Until the state is at ``seq`` or later (served as is after ``timeout``: the database is away)."""
        if self.seq >= seq:
            return
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, fut))
        self.want(seq)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(fut), timeout)

    def _moved(self) -> None:
        self.encoded.clear()
        if self._waiters:
            seq = self.seq
            keep = []
            for want, fut in self._waiters:
                if want <= seq:
                    if not fut.done():
                        fut.set_result(None)
                else:
                    keep.append((want, fut))
            self._waiters = keep

    async def load(self) -> None:
        try:
            state, tokens = await asyncio.to_thread(self.hub._load, self.hall)
        except BaseException as exc:
            self.loaded.set_exception(exc)
            self.loaded.exception()  # retrieved: the next reader retries
            self.hub._models.pop(self.hall, None)
            return
        self.state = state
        self.hub._remember_tokens(tokens)
        self.loaded.set_result(None)
        self._moved()
        pending, self._pending = self._pending, []
        self.offer(pending)
        if self._target > state.seq:
            self.want(self._target)

    @property
    def seq(self) -> int:
        return self.state.seq if self.state is not None else -1

    def offer(self, rows: list[EventRow]) -> None:
        if self.state is None:
            self._pending.extend(rows)
            return
        before = self.state.seq
        for row in rows:
            if row.seq <= self.state.seq:
                continue
            if row.seq != self.state.seq + 1 or self._catching is not None:
                self.want(row.seq)
                break
            self.state.apply(row)
        if self.state.seq != before:
            self._moved()

    def want(self, seq: int) -> None:
        """Events up to ``seq`` exist: read the ones not yet applied from the table."""
        self._target = max(self._target, seq)
        if self.state is not None and self._target > self.state.seq and self._catching is None:
            self._catching = asyncio.get_running_loop().create_task(self._catch_up())

    async def _catch_up(self) -> None:
        try:
            while self.state is not None and self.state.seq < self._target:
                if self._target - self.state.seq > RELOAD_AFTER:  # far behind: a fresh load is cheaper
                    state, tokens = await asyncio.to_thread(self.hub._load, self.hall)
                    self.hub._remember_tokens(tokens)
                    if state.seq >= self.state.seq:
                        self.state = state
                        self._moved()
                    continue
                rows = await asyncio.to_thread(self.hub._read, self.hall, self.state.seq, self._target)
                if not rows:
                    break
                before = self.state.seq
                for row in rows:
                    if row.seq == self.state.seq + 1:
                        self.state.apply(row)
                if self.state.seq != before:
                    self._moved()
                else:
                    break
        except Exception:  # the database may be briefly unavailable: the next poll or notice retries
            log.exception("catching up the read model of hall %s failed", self.hall)
        finally:
            self._catching = None


class ReadModels:
    """All read models of this process; lives on the server's event loop."""

    def __init__(self, service: HallService, *, poll_interval: float = 0.15, fresh: bool = True,
                 estimate_threads: int = 2, token_lookups: int = 4) -> None:
        self.service = service
        self.engine: Engine = service.engine
        self.poll_interval = poll_interval
        self.fresh = fresh  # every read first learns the hall's committed seq (see _head)
        self._heads = HeadProbe(self.engine, sqlite_sql="SELECT seq FROM halls WHERE id = ?",
                                read_all=self._seqs, what="seq")
        self._lag_watch: asyncio.Task | None = None
        self.overloaded_until = 0.0
        self.epoch = 0  # bumped when the configuration is reloaded (ETags change with it)
        self._models: dict[str, _Model] = {}
        self._tokens: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._clerks: dict[str, tuple[float, dict[str, str] | None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Task | None = None
        self._estimating = asyncio.Semaphore(estimate_threads)  # bounded work for public pages
        self._looking_up = asyncio.Semaphore(token_lookups)

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.poll_interval > 0:
            self._poller = self._loop.create_task(self._poll())
        self._lag_watch = self._loop.create_task(self._watch_lag())

    async def _watch_lag(self) -> None:
        """``overloaded`` while the event loop runs late: then the public edge (tracking pages) is shed
        with 429 + Retry-After, so that phones cannot slow the kiosks and counters (issue 14, item 4)."""
        tick = LAG_TICK_S
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(tick)
            late = time.perf_counter() - t0 - tick
            if late > LAG_SHED_S:
                self.overloaded_until = time.monotonic() + LAG_HOLD_S

    @property
    def overloaded(self) -> bool:
        """The loop ran late lately *and* kiosks or counters are waiting for a writer right now."""
        return time.monotonic() < self.overloaded_until and self.service.busy()

    async def stop(self) -> None:
        for task in (self._poller, self._lag_watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for model in self._models.values():
            if model._catching is not None:
                model._catching.cancel()
        self._heads.close()

    # -- inputs --------------------------------------------------------------------------------------
    def on_commit(self, hall: str, rows: list[EventRow]) -> None:
        """HallService listener (the writer thread), after the commit, before the answers."""
        loop = self._loop
        if loop is not None and not loop.is_closed() and hall in self._models:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._offer, hall, rows)

    def on_reload(self) -> None:
        """HallService reload listener: the configuration changed (names, windows); answers encoded with
        the old one are dropped and the ETags change with ``epoch``."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._new_epoch)

    def _new_epoch(self) -> None:
        self.epoch += 1
        for model in self._models.values():
            model.encoded.clear()

    def on_tokens(self, tokens: dict[str, tuple[str, str]]) -> None:
        """HallService token listener (the writer thread): tickets this process just issued."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._remember_tokens, tokens)

    def _offer(self, hall: str, rows: list[EventRow]) -> None:
        model = self._models.get(hall)
        if model is not None:
            model.offer(rows)

    def notified(self, hall: str, seq: int) -> None:
        """On the loop: another process committed up to ``seq`` (PostgreSQL NOTIFY)."""
        model = self._models.get(hall)
        if model is not None:
            model.want(seq)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            if not self._models:
                continue
            try:
                seqs = await asyncio.to_thread(self._seqs, list(self._models))
            except Exception:
                log.exception("polling the halls' seq failed")
                continue
            for hall, seq in seqs.items():
                model = self._models.get(hall)
                if model is not None and seq > model.seq:
                    model.want(seq)

    # -- database reads (worker threads) -------------------------------------------------------------
    def _seqs(self, halls: list[str]) -> dict[str, int]:
        with read_transaction(self.engine) as conn:
            return {r.id: r.seq for r in conn.execute(_SEQS, {"ids": halls})}

    def _read(self, hall: str, after: int, upto: int) -> list[EventRow]:
        """Another process's events, and the tracking tokens of the tickets they issued."""
        with read_transaction(self.engine) as conn:
            rows = read_events(conn, hall, after, upto, limit=CATCH_UP_LIMIT)
            issued = [tk["id"] for r in rows if r.kind == "ticket.issued"
                      and isinstance(tk := r.data.get("ticket"), dict)]
            if issued:
                found = conn.execute(_TOKENS, {"ids": issued}).all()
                self._loop.call_soon_threadsafe(  # type: ignore[union-attr]
                    self._remember_tokens, {r.track_token: (hall, r.id) for r in found if r.track_token})
        return rows

    def _load(self, hall: str) -> tuple[HallState, dict[str, tuple[str, str]]]:
        """The hall at one seq: window states, today's tickets and every unfinished one (one snapshot)."""
        day = self.service.local_day(self.service.clock())
        with read_transaction(self.engine) as conn:
            seq = conn.execute(select(t.halls.c.seq).where(t.halls.c.id == hall)).scalar_one()
            wins = [{f: r._mapping[f] for f in WINDOW_FIELDS}
                    for r in conn.execute(select(t.window_states).where(t.window_states.c.hall == hall))]
            rows = conn.execute(select(t.tickets).where(
                t.tickets.c.hall == hall,
                or_(t.tickets.c.day == day, t.tickets.c.state.in_(("waiting", *_CALLED))))).all()
        tickets = [{f: r._mapping[f] for f in TICKET_FIELDS} for r in rows]
        tokens = {r.track_token: (hall, r.id) for r in rows if r.track_token}
        return HallState.of(hall, seq, wins, tickets), tokens

    def _token(self, token: str) -> tuple[str, str] | None:
        with read_transaction(self.engine) as conn:
            row = conn.execute(_BY_TOKEN, {"token": token}).first()
        return (row.hall, row.id) if row is not None else None

    def _clerk_rows(self, staff_nos: set[str]) -> dict[str, dict[str, str]]:
        with read_transaction(self.engine) as conn:
            return public_clerks(conn, staff_nos)

    # -- freshness -----------------------------------------------------------------------------------
    async def _head(self, hall: str) -> int | None:
        """The hall's committed seq, read after this call began (``heads.HeadProbe``)."""
        return await self._heads.head(hall)

    # -- models --------------------------------------------------------------------------------------
    async def model(self, hall: str) -> _Model:
        """The hall's model, loaded (the first reader of a hall loads it; the others wait for that) and,
        with ``fresh``, at least at the seq committed when the call began."""
        model = self._models.get(hall)
        if model is None:
            model = self._models[hall] = _Model(self, hall)
            asyncio.get_running_loop().create_task(model.load())
        if not model.loaded.done():
            await asyncio.shield(model.loaded)
        elif model.loaded.exception() is not None:
            raise model.loaded.exception()  # type: ignore[misc]
        if self.fresh:
            seq = await self._head(hall)
            if seq is not None and seq > model.seq:
                await model.reach(seq)
        return model

    async def state(self, hall: str) -> HallState:
        model = await self.model(hall)
        assert model.state is not None
        return model.state

    async def clerks(self, staff_nos: set[str]) -> dict[str, dict[str, str]]:
        """Public clerk information (004 第十四条), cached for :data:`CLERK_TTL_S`."""
        now = time.monotonic()
        missing = {s for s in staff_nos if s not in self._clerks or self._clerks[s][0] < now}
        if missing:
            rows = await asyncio.to_thread(self._clerk_rows, missing)
            for s in missing:
                self._clerks[s] = (now + CLERK_TTL_S, rows.get(s))
        return {s: info for s in staff_nos if (info := self._clerks[s][1]) is not None}

    def _remember_tokens(self, tokens: Mapping[str, tuple[str, str]]) -> None:
        self._tokens.update(tokens)
        while len(self._tokens) > TOKENS_KEPT:
            self._tokens.popitem(last=False)

    # -- encoded answers -----------------------------------------------------------------------------
    def etag(self, model: _Model, key: str) -> str:
        """The ETag the answer ``key`` of the model has now (check ``If-None-Match`` before building)."""
        return f'"{model.hall}.{model.seq}.{self.epoch}.{key}"'

    async def cached(self, model: _Model, key: str, cfg: Any,
                     build: Callable[[Callable[[], HallState]], Awaitable[Any]]) -> Encoded:
        """``await build(current)`` encoded once per seq and configuration. ``build`` may await (e.g.
        clerks) but must call ``current()`` for the state only after its last ``await``, so that it
        renders one seq. ``cfg`` is the hall configuration ``build`` renders with: an answer kept from
        another one is not served. (A reload during a build would otherwise keep the old notices and
        names until the next seq: the request read its ``cfg`` before the reload, the epoch after.)"""
        hall = model.hall
        kept = model.encoded.get(key)
        if kept is not None and kept[0] is cfg:
            return kept[1]

        def current() -> HallState:
            assert model.state is not None
            return model.state

        epoch = self.epoch
        value = await build(current)
        if cfg is not self.service.configs.get(hall) or epoch != self.epoch:
            # rendered with a configuration replaced meanwhile: sent once, never kept, and its tag
            # matches nothing, so the client's next poll gets the new one
            return Encoded(encode(value), f'"{hall}.{current().seq}.stale.{key}"')
        got = Encoded(encode(value), f'"{hall}.{current().seq}.{epoch}.{key}"')
        model.encoded[key] = (cfg, got)
        return got

    async def track(self, token: str) -> dict[str, Any] | None:
        """The tracking page's data from memory, or None when this process does not know the ticket
        (the caller then reads it from the database)."""
        where = self._tokens.get(token)
        if where is None:
            async with self._looking_up:
                where = await asyncio.to_thread(self._token, token)
            if where is None:
                return None
            self._remember_tokens({token: where})
        else:
            self._tokens.move_to_end(token)
        hall, tid = where
        model = await self.model(hall)
        state = model.state
        assert state is not None
        tk = state.tickets.get(tid)
        if tk is None:
            return None
        hops = 0
        while tk["transferred_to"] and hops < _MAX_HOPS:  # follow the visitor through transfers
            nxt = state.tickets.get(tk["transferred_to"])
            if nxt is None:
                break
            tk, hops = nxt, hops + 1
        estimate = None
        if tk["state"] == "waiting":
            seq = state.seq
            known = model.estimates.get(tk["id"])
            if known is not None and known[0] == seq:
                estimate = known[1]
            else:
                estimate = self.service.try_estimate(hall, tk["id"])
                if estimate is None:
                    async with self._estimating:
                        estimate = await asyncio.to_thread(self.service.estimate, hall, tk["id"])
                model.estimates[tk["id"]] = (seq, estimate)
                if len(model.estimates) > 4 * len(state.tickets) + 100:
                    model.estimates = {k: v for k, v in model.estimates.items() if v[0] == seq}
        return {"hall": hall, "seq": state.seq, "ticket": tk, "estimate": estimate}

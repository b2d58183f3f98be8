"""``SlotModels``: booking slot availability per hall in memory, and the encoded answers of
``GET …/booking/slots`` (issue 14: the phone pages poll it; 16 pollers used to cut ticket issuing 30×).

What a hall holds: the bookings that hold a place (not cancelled, 003 §2), counted per service and slot
start, from the day it was loaded on, at the hall's booking-change number ``seq``. Bookings and cancels
are their own transactions, outside the hall's event stream; each writes one ``booking_changes`` row
(+1 / −1), numbered per hall without gaps under the hall's booking lock (``server.booking.store``).
Check-ins and no-shows write none: they do not give a place back.

Inputs, all applied on the event loop in ``seq`` order:

* this process's bookings and cancels: ``BookingService.listeners`` after the commit, before the answer;
* other processes': every read first learns the hall's newest change number (SQLite: one indexed
  SELECT on a private read-only connection, on the loop; PostgreSQL: readers of a moment share one probe)
  and, when behind, reads the missing rows from ``booking_changes`` — incrementally; a hall is loaded
  from ``appointments`` once, and again only if the rows it needs were purged.

An answer is built once per (service, change number, configuration) and kept until the soonest slot in
it starts or local midnight passes (``server.booking.offer.same_until``), as bytes with an ETag that
hashes them (the same state gives the same tag in every process behind a balancer); ``If-None-Match``
→ 304. A cache hit costs one head SELECT and a dictionary look-up: no thread-pool hop, no database
read of the bookings. The bytes are those of the database path (``BookingService.offer`` +
``offer_body``, the reference; tests/booking/test_booking_slots_model.py checks it).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from config import HallConfig
from server.booking import rules, store
from server.booking.offer import offer_body, offer_days, same_until
from server.booking.service import BookingService
from server.booking.slots import local_instant
from server.booking.store import SlotChange
from server.storage.db import read_transaction

from .heads import HeadProbe
from .hub import Encoded, encode

log = logging.getLogger("hallq.readmodels")

CATCH_UP_LIMIT = 5_000  # changes read per statement when catching up
_HEAD_SQL = "SELECT coalesce(max(seq), 0) FROM booking_changes WHERE hall = ?"


@dataclass(frozen=True, slots=True)
class _Kept:
    cfg: HallConfig  # the configuration it was rendered with (a reload replaces the object)
    seq: int
    until: float  # the answer holds while now < until (the soonest slot's start, or midnight)
    answer: Encoded


def etag_of(body: bytes) -> str:
    return f'"s{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


class _HallSlots:
    """One hall's places taken, advanced strictly in ``seq`` order."""

    def __init__(self, models: SlotModels, hall: str) -> None:
        self.models = models
        self.hall = hall
        self.seq = -1  # not loaded yet
        self.taken: dict[str, dict[float, int]] = {}  # service → slot start → bookings holding a place
        self.since = ""  # the local day it holds bookings from
        self.loaded = asyncio.get_running_loop().create_future()
        self.kept: dict[str, _Kept] = {}
        self._target = 0
        self._catching: asyncio.Task | None = None
        self._waiters: list[tuple[int, asyncio.Future]] = []

    async def load(self) -> None:
        try:
            seq, taken, since = await asyncio.to_thread(self.models._load, self.hall)
        except BaseException as exc:
            self.loaded.set_exception(exc)
            self.loaded.exception()  # retrieved: the next reader retries
            self.models._halls.pop(self.hall, None)
            return
        self._reset(seq, taken, since)
        self.loaded.set_result(None)
        if self._target > self.seq:
            self.want(self._target)

    def _reset(self, seq: int, taken: dict[str, dict[float, int]], since: str) -> None:
        self.seq, self.taken, self.since = seq, taken, since
        self.kept.clear()
        self._release()

    def offer(self, change: SlotChange) -> None:
        """A change committed by this process (or read from the table)."""
        if self.seq < 0:
            self._target = max(self._target, change.seq)
        elif change.seq == self.seq + 1 and self._catching is None:
            self._apply([change])
        elif change.seq > self.seq:
            self.want(change.seq)

    def _apply(self, changes: list[SlotChange]) -> None:
        before = self.seq
        for c in changes:
            if c.seq != self.seq + 1:
                continue
            starts = self.taken.setdefault(c.service, {})
            n = starts.get(c.slot_start, 0) + c.delta
            if n > 0:
                starts[c.slot_start] = n
            else:
                starts.pop(c.slot_start, None)
            self.seq = c.seq
        if self.seq != before:
            self.kept.clear()
            self._release()

    def _release(self) -> None:
        if self._waiters:
            keep = []
            for want, fut in self._waiters:
                if want <= self.seq:
                    if not fut.done():
                        fut.set_result(None)
                else:
                    keep.append((want, fut))
            self._waiters = keep

    def want(self, seq: int) -> None:
        """Changes up to ``seq`` exist: read the ones not applied yet."""
        self._target = max(self._target, seq)
        if self.seq >= 0 and self._target > self.seq and self._catching is None:
            self._catching = asyncio.get_running_loop().create_task(self._catch_up())

    async def reach(self, seq: int, timeout: float = 5.0) -> None:
        """Until at ``seq`` or later (served as is after ``timeout``: the database is away)."""
        if self.seq >= seq:
            return
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, fut))
        self.want(seq)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(fut), timeout)

    async def _catch_up(self) -> None:
        try:
            while self.seq < self._target:
                changes = await asyncio.to_thread(self.models._read, self.hall, self.seq)
                if changes and changes[0].seq > self.seq + 1:  # the rows it needs were purged: load again
                    self._reset(*await asyncio.to_thread(self.models._load, self.hall))
                    continue
                if not changes:
                    break
                self._apply(changes)
        except Exception:  # the database may be briefly away: the next read retries
            log.exception("catching up the booking slots of hall %s failed", self.hall)
        finally:
            self._catching = None

    def forget_before(self, day: str, midnight: float) -> None:
        """Drop the counts of slots before ``day`` (memory; they are never offered again)."""
        if day <= self.since:
            return
        for starts in self.taken.values():
            for start in [s for s in starts if s < midnight]:
                del starts[start]
        self.since = day


class SlotModels:
    """The slot read models of this process; lives on the server's event loop."""

    def __init__(self, booking: BookingService, *, fresh: bool = True) -> None:
        self.booking = booking
        self.engine = booking.engine
        self.fresh = fresh  # every read first learns the hall's newest change number
        self._probe = HeadProbe(self.engine, sqlite_sql=_HEAD_SQL, read_all=self._heads,
                                what="booking change numbers")
        self._halls: dict[str, _HallSlots] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.booking.listeners.append(self.on_change)

    async def stop(self) -> None:
        if self.on_change in self.booking.listeners:
            self.booking.listeners.remove(self.on_change)
        for model in self._halls.values():
            if model._catching is not None:
                model._catching.cancel()
        self._probe.close()

    # -- inputs --------------------------------------------------------------------------------------
    def on_change(self, hall: str, change: SlotChange) -> None:
        """``BookingService`` listener (a worker thread), after the commit, before the answer."""
        loop = self._loop
        if loop is not None and not loop.is_closed() and hall in self._halls:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._offer, hall, change)

    def _offer(self, hall: str, change: SlotChange) -> None:
        model = self._halls.get(hall)
        if model is not None:
            model.offer(change)

    # -- database reads (worker threads) -------------------------------------------------------------
    def _load(self, hall: str) -> tuple[int, dict[str, dict[float, int]], str]:
        """The hall's places taken from today on, and the change number they stand at (one snapshot)."""
        day = self.booking.halls.local_day(self.booking.now())
        with read_transaction(self.engine) as conn:
            seq = store.change_head(conn, hall)
            taken = store.taken_from(conn, hall, day)
        return seq, taken, day

    def _read(self, hall: str, after: int) -> list[SlotChange]:
        with read_transaction(self.engine) as conn:
            return store.changes_after(conn, hall, after, limit=CATCH_UP_LIMIT)

    def _heads(self, halls: list[str]) -> dict[str, int]:
        with read_transaction(self.engine) as conn:
            return {h: store.change_head(conn, h) for h in halls}

    # -- freshness -----------------------------------------------------------------------------------
    async def _head(self, hall: str) -> int | None:
        """The hall's newest committed change number, read after this call began (``heads.HeadProbe``)."""
        return await self._probe.head(hall)

    async def model(self, hall: str) -> _HallSlots:
        model = self._halls.get(hall)
        if model is None:
            model = self._halls[hall] = _HallSlots(self, hall)
            asyncio.get_running_loop().create_task(model.load())
        if not model.loaded.done():
            await asyncio.shield(model.loaded)
        elif model.loaded.exception() is not None:
            raise model.loaded.exception()  # type: ignore[misc]
        if self.fresh:
            head = await self._head(hall)
            if head is not None and head > model.seq:
                await model.reach(head)
        return model

    # -- the answer ----------------------------------------------------------------------------------
    async def answer(self, hall: str, service: str) -> Encoded:
        """``GET …/booking/slots`` of ``service``, encoded. Raises as the database path does (unknown
        hall or service)."""
        bs = self.booking
        cfg = bs.config(hall)
        model = await self.model(hall)
        now = bs.now()
        kept = model.kept.get(service)
        if kept is not None and kept.cfg is cfg and kept.seq == model.seq and now < kept.until:
            return kept.answer
        cfg = bs.config(hall)  # (a reload may have landed while the model caught up)
        svc = rules.service_of(cfg, service)
        today = bs.halls.local_day(now)
        if today > model.since:
            model.forget_before(today, _midnight(bs, now))
        taken = model.taken.get(svc.code, {})
        days = offer_days(cfg, bs.calendar, bs.policy, bs.tz, svc, now, lambda at: taken.get(at, 0))
        body = encode(offer_body(hall, cfg, svc, days, bs.tz))
        got = Encoded(body, etag_of(body))
        model.kept[svc.code] = _Kept(cfg, model.seq, same_until(days, now, bs.tz), got)
        return got



def _midnight(bs: BookingService, now: float) -> float:
    """The local midnight that began the day of ``now``."""
    return local_instant(dt.datetime.fromtimestamp(now, bs.tz).date(), 0, bs.tz)

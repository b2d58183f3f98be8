"""HallService: the one transaction path every hall mutation goes through.

Every mutation is a *job* handed to the hall's **writer**: one thread per hall on PostgreSQL (halls lock
separately), one per process on SQLite (the database has one write lock). The writer takes the jobs
queued behind it — up to :data:`BATCH_MAX` — and commits them in **one transaction** (group commit). Under
load (the last batch held :data:`LINGER_FROM` jobs or more) it first lingers up to :data:`LINGER_S` for as many
jobs as the last batch held, so that more requests share one commit's fixed cost; a request that comes alone
is taken at once:

1. take this process's lock for the hall (the writer holds it for the batch; ``view()`` takes it too);
2. open a write transaction and take the hall's database lock (SQLite: ``BEGIN IMMEDIATE``;
   PostgreSQL: ``SELECT … FROM halls WHERE id = :id FOR UPDATE``) and read ``seq``/``rev``;
3. look up every ``Idempotency-Key`` of the batch in one statement; a retried request (same actor, same
   key; also within the batch) is answered from the stored response;
4. if this process's cached ``Hall`` is at another ``rev`` (another process wrote) or another local day,
   bring it up to date from the database (changed rows only when possible);
5. run each job's core command with ``now`` from the injected clock, in queue order; ``Refused`` → that
   job gets a 4xx Problem, the others go on (a refusal changes nothing);
6. for the whole batch: upsert the touched tickets and windows (final state, one statement each), insert
   the events as ``seq+1…`` (one statement), update the hall row once, append the audit records in one
   go, store the idempotent responses (one DELETE + one INSERT), (PostgreSQL) ``pg_notify``;
7. commit — one fsync (SQLite, ``synchronous=FULL``) or one round trip (PostgreSQL) for the batch; then
   hand the events to the listeners (fan-out, read models) and only then answer the jobs. A request is
   never answered before its commit, so ``kill -9`` loses no acknowledged ticket.

A job that writes extra rows (``write=``, e.g. a rating or a check-in) or appends events
(:meth:`append_events`) runs in a batch of its own, so a Problem it raises rolls back only itself. Any
other error rolls the batch back, drops the cached Hall (it may have been mutated) and runs the batch's
jobs again one by one, so only the faulty one fails. Two server processes on one database are correct
because of 2 + 4.

Callers: ``await submit(...)`` from the event loop (no thread-pool hop: the writer resolves the futures of
a batch with one wake-up of the loop), or ``mutate(...)`` from any other thread (blocks until committed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, select, text, update

from config import Deployment, HallConfig
from server.audit import AuditRecord, append
from server.auth import Principal
from server.core import Hall, Lane, Refused, Ticket, WindowState, WorkCalendar
from server.core.model import Estimate
from server.storage import schema as t
from server.storage.db import is_sqlite, read_transaction, write_connection, write_transaction

from . import idempotency, repo
from .errors import Problem, refused_status, unknown_hall
from .idempotency import IdempotencyKey, StoredResponse
from .repo import EventRow

T = TypeVar("T")
Clock = Callable[[], float]
Listener = Callable[[str, list[EventRow]], None]
PG_CHANNEL = "hallq_events"
BATCH_MAX = 64  # jobs per group commit: bounds one transaction's time (and a batch's latency)
IDLE_EXIT_S = 10.0  # a writer thread with nothing to do this long ends; the next job starts another
# Under load, the writer lingers up to this long for as many jobs as its last batch held before it starts
# the next one: a commit's fixed cost (BEGIN IMMEDIATE, the hall and audit heads, the fsync) is then shared
# by more tickets. Only after a batch of LINGER_FROM or more: a lone kiosk's ticket never waits.
LINGER_S = 0.002
LINGER_FROM = 4

SYSTEM = Principal(actor="system", role="system", hall=None)
TICK = "tide.tick"  # the background tide controller's action name

# statements built once (building costs more than executing them on the hot path)
_HALL_HEAD = select(t.halls.c.seq, t.halls.c.rev, t.halls.c.day).where(t.halls.c.id == bindparam("hall_id"))
_HALL_HEAD_LOCKED = _HALL_HEAD.with_for_update()
_HALL_MEMORY = select(t.halls.c.tide_memory).where(t.halls.c.id == bindparam("hall_id"))
_ADVANCE_HALL = (
    update(t.halls).where(t.halls.c.id == bindparam("hall_id"))
    .values(seq=bindparam("seq"), rev=bindparam("rev"), day=bindparam("day"),
            tide_memory=bindparam("tide_memory"), updated_at=bindparam("updated_at"))
)
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


@dataclass(slots=True)
class _Cached:
    hall: Hall
    rev: int
    day: str


@dataclass(slots=True)
class Committed(Generic[T]):
    """What a mutation did: the core's result, its events, the tracking tokens it created."""

    result: T
    events: list[EventRow]
    seq: int
    track_tokens: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Answer:
    """The HTTP answer to a mutation: status and JSON body (as rendered, or as stored for a retry)."""

    status: int
    body: Any
    replayed: bool = False  # answered from the idempotency store: nothing was applied
    events: tuple[EventRow, ...] = ()


Render = Callable[[Committed[Any]], tuple[int, Any]]
# Extra rows a mutation writes beside the hall's state, in the same transaction (step 6), e.g. a rating:
# ``write(conn, result, now)``; raising a Problem there rolls the whole mutation back.
Write = Callable[[Connection, Any, float], None]
Step = Callable[[Connection, Hall, float], list[Any]]


def _default_render(done: Committed[Any]) -> tuple[int, Any]:
    return 200, None


@dataclass(eq=False, slots=True)
class _Job:
    hall_id: str
    command: Callable[[Hall, float], Any] | None
    who: Principal
    action: str
    window: int | None = None
    render: Render = _default_render
    idem: IdempotencyKey | None = None
    detail: dict[str, Any] | None = None
    write: Write | None = None
    step: Step | None = None  # append_events: reads the hall, writes its own rows, returns events
    future: concurrent.futures.Future | None = None  # a thread waits on it (mutate)
    loop: asyncio.AbstractEventLoop | None = None  # or a coroutine awaits ``waiter`` on this loop
    waiter: asyncio.Future | None = None
    outcome: Any = None  # Answer | list[EventRow] (append) | BaseException
    failed: bool = False

    @property
    def alone(self) -> bool:
        return self.write is not None or self.step is not None


class _Writer:
    """One queue and one thread: takes the queued jobs in order and commits them in batches."""

    def __init__(self, service: HallService, name: str, lock: threading.RLock) -> None:
        self.service = service
        self.name = name
        self.lock = lock
        self._jobs: deque[_Job] = deque()
        self._cond = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self.pending = 0  # jobs queued or being committed (HallService.busy)
        self._last = 0  # jobs in the last batch
        self._want = 1  # queued jobs that wake the writer (more while it lingers)
        self.linger_s = LINGER_S

    def put(self, job: _Job) -> None:
        with self._cond:
            self.pending += 1
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"hallq-writer-{self.name}", daemon=True)
                self._thread.start()
            elif len(self._jobs) >= self._want:
                self._cond.notify()

    def on_thread(self) -> bool:
        return self._thread is threading.current_thread()

    def _take(self) -> list[_Job] | None:
        with self._cond:
            while not self._jobs:
                if not self._cond.wait(IDLE_EXIT_S) and not self._jobs:
                    self._thread = None  # idle: end; put() starts a new thread
                    return None
            if self._last >= LINGER_FROM and len(self._jobs) < self._last:
                self._want = min(self._last, BATCH_MAX)
                deadline = time.monotonic() + self.linger_s
                while len(self._jobs) < self._want and (left := deadline - time.monotonic()) > 0:
                    self._cond.wait(left)
                self._want = 1
            first = self._jobs.popleft()
            batch = [first]
            if not first.alone:
                while self._jobs and len(batch) < BATCH_MAX and not self._jobs[0].alone:
                    batch.append(self._jobs.popleft())
            return batch

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            self._last = len(batch)
            with self.lock:
                self.service._run_batch(batch)
            _settle(batch)
            with self._cond:
                self.pending -= len(batch)
        with self.lock:  # idle: the SQLite writer's connection goes back (the next job opens one)
            self.service._release()


def _settle(jobs: list[_Job]) -> None:
    """Answer the jobs: threads through their futures, coroutines with one wake-up per event loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in jobs:
        if job.future is not None:
            if job.failed:
                job.future.set_exception(job.outcome)
            else:
                job.future.set_result(job.outcome)
        elif job.loop is not None:
            by_loop.setdefault(job.loop, []).append(job)
    for loop, some in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(_resolve, some)


def _resolve(jobs: list[_Job]) -> None:
    for job in jobs:
        w = job.waiter
        if w is None or w.done():
            continue
        if job.failed:
            w.set_exception(job.outcome)
        else:
            w.set_result(job.outcome)


class HallService:
    def __init__(self, engine: Engine, deployment: Deployment, *, clock: Clock = time.time) -> None:
        self.engine = engine
        self.deployment = deployment
        self.clock = clock
        self.tz = ZoneInfo(deployment.deployment.timezone)
        self.calendar = WorkCalendar(deployment.calendar)
        self.configs: dict[str, HallConfig] = {h.id: h for h in deployment.halls}
        self.listeners: list[Listener] = []
        # the tracking tokens of the tickets a batch issued, {token: (hall, ticket id)}, after its commit
        # (the read models: a phone's first poll then needs no database lookup)
        self.token_listeners: list[Callable[[dict[str, tuple[str, str]]], None]] = []
        self._new_tokens: dict[str, tuple[str, str]] = {}
        self.reload_listeners: list[Callable[[], None]] = []  # after reload(): names and windows changed
        self.postgres = not is_sqlite(engine)
        self._held: Connection | None = None  # SQLite: the writer's connection, kept between batches
        self._cache: dict[str, _Cached] = {}
        # SQLite has one write lock per database, so one lock and one writer per process; PostgreSQL
        # locks per hall row, so one of each per hall
        shared = threading.RLock()
        self._locks = {h: (threading.RLock() if self.postgres else shared) for h in self.configs}
        one = None if self.postgres else _Writer(self, "db", shared)
        self._writers = {h: one or _Writer(self, h, self._locks[h]) for h in self.configs}

    # -- helpers -------------------------------------------------------------------------------------
    def reload(self, deployment: Deployment) -> None:
        """Take a changed configuration without a restart (server/halls/live_config.py checked that it
        names the same halls and time zone): each hall's cached state is dropped under its lock, so the
        next command rebuilds it from the database with the new services, windows and hours."""
        for hall_id in self.configs:
            with self._locks[hall_id]:
                self.configs[hall_id] = deployment.hall(hall_id)
                self._cache.pop(hall_id, None)
        self.deployment = deployment
        self.calendar = WorkCalendar(deployment.calendar)
        for listener in list(self.reload_listeners):  # e.g. the read models' encoded answers
            listener()

    def config(self, hall_id: str) -> HallConfig:
        try:
            return self.configs[hall_id]
        except KeyError:
            raise unknown_hall(hall_id) from None

    def local_day(self, now: float) -> str:
        return datetime.fromtimestamp(now, self.tz).date().isoformat()

    def track_url(self, token: str) -> str:
        return f"{self.deployment.deployment.public_base_url.rstrip('/')}/t/{token}"

    # -- entry points ----------------------------------------------------------------------------------
    def mutate(
        self,
        hall_id: str,
        command: Callable[[Hall, float], T],
        *,
        who: Principal,
        action: str,
        window: int | None = None,
        render: Render = _default_render,
        idem: IdempotencyKey | None = None,
        detail: dict[str, Any] | None = None,
        write: Write | None = None,
    ) -> Answer:
        """Run ``command(hall, now)`` through the hall's writer and wait for its commit (any thread)."""
        self.config(hall_id)
        job = _Job(hall_id, command, who, action, window, render, idem, detail, write)
        return self._wait(job)

    async def submit(
        self,
        hall_id: str,
        command: Callable[[Hall, float], T],
        *,
        who: Principal,
        action: str,
        window: int | None = None,
        render: Render = _default_render,
        idem: IdempotencyKey | None = None,
        detail: dict[str, Any] | None = None,
        write: Write | None = None,
    ) -> Answer:
        """:meth:`mutate` for the event loop: queue the job, await its commit (no thread-pool hop)."""
        self.config(hall_id)
        loop = asyncio.get_running_loop()
        job = _Job(hall_id, command, who, action, window, render, idem, detail, write,
                   loop=loop, waiter=loop.create_future())
        self._writers[hall_id].put(job)
        return await job.waiter  # type: ignore[misc]

    def _wait(self, job: _Job) -> Any:
        writer = self._writers[job.hall_id]
        if writer.on_thread():  # called from a listener on the writer itself: run it here, now
            with writer.lock:
                self._run_batch([job])
            if job.failed:
                raise job.outcome
            return job.outcome
        job.future = concurrent.futures.Future()
        writer.put(job)
        return job.future.result()

    # -- the transaction path (writer thread, under the hall lock) -------------------------------------
    def _run_batch(self, jobs: list[_Job]) -> None:
        try:
            published = self._transact(jobs)
        except BaseException as exc:
            for job in jobs:
                self._cache.pop(job.hall_id, None)  # the Hall may have changed without a commit
            if len(jobs) > 1:  # find the faulty one: each job again in its own transaction
                for job in jobs:
                    self._run_batch([job])
                return
            jobs[0].outcome, jobs[0].failed = exc, True
            return
        for hall_id, rows in published:  # in seq order, before anyone is answered
            self._publish(hall_id, rows)
        tokens, self._new_tokens = self._new_tokens, {}
        if tokens:
            for listener in list(self.token_listeners):
                listener(tokens)

    def _transact(self, jobs: list[_Job]) -> list[tuple[str, list[EventRow]]]:
        published: list[tuple[str, list[EventRow]]] = []
        self._new_tokens = {}
        with self._writing() as conn:
            now = self.clock()
            keyed = [j.idem for j in jobs if j.idem is not None]
            stored = idempotency.lookup_many(conn, keyed, now=now) if keyed else {}
            audit: list[AuditRecord] = []
            remember: list[tuple[IdempotencyKey, StoredResponse]] = []
            halls: dict[str, list[_Job]] = {}
            for job in jobs:
                halls.setdefault(job.hall_id, []).append(job)
            wrote = False
            for hall_id, hall_jobs in halls.items():
                rows = self._hall_batch(conn, hall_id, hall_jobs, stored, audit, remember)
                if rows is None:
                    continue
                wrote = True
                if rows:
                    published.append((hall_id, rows))
            if not wrote:
                conn.rollback()  # e.g. only ticks that decided nothing, retries and refusals
                return []
            append(conn, audit, at=now)
            idempotency.store_many(conn, remember, now=now)
        return published

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A batch's write transaction. SQLite: on the writer's own connection, kept open between batches
        (one writer per process; taking a connection from the pool and handing it back, with the pool's
        rollback, cost as much as a batch's statements); PostgreSQL: from the pool each time (a writer per
        hall: a province's halls would hold as many connections). A failed batch closes the connection."""
        if self.postgres:
            with write_transaction(self.engine) as conn:
                yield conn
            return
        conn = self._held
        if conn is None or conn.closed or conn.invalidated:
            conn = self._held = write_connection(self.engine)
        try:
            with conn.begin():
                yield conn
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        conn, self._held = self._held, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _hall_batch(self, conn: Connection, hall_id: str, jobs: list[_Job], stored: dict[tuple[str, str], Any],
                    audit: list[AuditRecord], remember: list[tuple[IdempotencyKey, StoredResponse]],
                    ) -> list[EventRow] | None:
        """Steps 2–6 for one hall's jobs of a batch. Returns the events written, or None if nothing was."""
        head = self._lock_hall(conn, hall_id)
        cached = self._current(conn, hall_id, head, self.clock())
        hall = cached.hall
        memory_start = json.dumps(hall.tide_memory, sort_keys=True)
        seq, all_rows = head.seq, []
        tickets: dict[str, None] = {}
        windows: dict[int, None] = {}
        tokens: dict[str, str] = {}
        changed = wrote = False
        for job in jobs:
            job.failed, job.outcome = False, None
            now = self.clock()
            if job.idem is not None:
                row = stored.get((job.idem.actor, job.idem.key))
                if row is not None:
                    try:
                        resp = idempotency.answer(row, job.idem)
                    except Problem as problem:
                        job.outcome, job.failed = problem, True
                        continue
                    job.outcome = Answer(resp.status, resp.body, replayed=True)
                    continue
            if job.step is not None:  # append_events: no rev bump, one audit record per event
                events = list(job.step(conn, hall, now))
                rows = repo.event_rows(hall_id, seq + 1, events)
                seq += len(rows)
                all_rows += rows
                wrote = wrote or bool(rows)
                audit += [AuditRecord(r.kind, job.who.actor, job.who.role, hall_id, None, job.who.device,
                                      {"event": r.seq}) for r in rows]
                job.outcome = rows
                continue
            memory_before = json.dumps(hall.tide_memory, sort_keys=True) if job.action == TICK else None
            try:
                result = job.command(hall, now)  # type: ignore[misc]
            except Refused as refused:
                hall.drain_events()  # a refusal emits nothing; drain defensively all the same
                job.outcome = Problem(refused.code, refused.zh, refused.en, refused_status(refused.code))
                job.failed = True
                continue
            events = hall.drain_events()
            if job.action == TICK and not events \
                    and json.dumps(hall.tide_memory, sort_keys=True) == memory_before:
                job.outcome = Answer(204, None)  # a tick that decided nothing writes nothing
                continue
            rows = repo.event_rows(hall_id, seq + 1, events)
            _attach_waiting(hall, rows)
            seq += len(rows)
            all_rows += rows
            changed = changed or bool(rows)
            wrote = True
            mine: dict[str, str] = {}
            for row in rows:
                _collect(row.data, tickets, windows)
                if row.kind == "ticket.issued" and (tid := _ticket_id(row.data)):
                    mine[tid] = tokens[tid] = secrets.token_urlsafe(16)
            for obj in _result_objects(result):
                if isinstance(obj, Ticket):
                    tickets[obj.id] = None
                elif isinstance(obj, WindowState):
                    windows[obj.number] = None
            if job.write is not None:
                job.write(conn, result, now)
            audit += self._audit(hall_id, job.who, job.action, job.window, rows, result, job.detail)
            status, body = job.render(Committed(result, rows, seq, mine))
            if job.idem is not None:
                remember.append((job.idem, StoredResponse(status, body)))
                stored[(job.idem.actor, job.idem.key)] = SimpleNamespace(
                    fingerprint=job.idem.fingerprint, status=status, body=json.dumps(body))
            job.outcome = Answer(status, body, events=tuple(rows))
        if not wrote:
            return None
        memory = json.dumps(hall.tide_memory, sort_keys=True)
        changed = changed or memory != memory_start
        rev = head.rev + 1 if changed else head.rev  # e.g. a call with nobody waiting changes nothing
        repo.upsert(conn, t.tickets, [repo.ticket_row(hall_id, hall.ticket(tid), rev, tokens.get(tid))
                                      for tid in tickets], keys=["id"], keep=["track_token"])
        repo.upsert(conn, t.window_states, [repo.window_row(hall_id, hall.window(n), rev) for n in windows],
                    keys=["hall", "number"])
        repo.insert_events(conn, all_rows)
        conn.execute(_ADVANCE_HALL, {"hall_id": hall_id, "seq": seq, "rev": rev, "day": cached.day,
                                     "tide_memory": memory, "updated_at": self.clock()})
        if self.postgres and all_rows:
            conn.execute(_NOTIFY, {"channel": PG_CHANNEL, "payload": f"{hall_id}:{seq}"})
        cached.rev = rev  # if the commit fails, _run_batch drops the cache
        self._new_tokens.update((token, (hall_id, tid)) for tid, token in tokens.items())
        return all_rows

    def _lock_hall(self, conn: Connection, hall_id: str, *, lock: bool = True) -> Any:
        q = _HALL_HEAD_LOCKED if self.postgres and lock else _HALL_HEAD
        row = conn.execute(q, {"hall_id": hall_id}).first()
        if row is None:
            raise Problem(
                "hall_not_initialised",
                f"数据库中没有大厅 {hall_id}，请先启动服务器或运行 hallq init",
                f"hall {hall_id} is not in the database: start the server or run hallq init",
                503,
            )
        return row

    def _current(self, conn: Connection, hall_id: str, head: Any, now: float) -> _Cached:
        """This process's Hall, brought up to the database's ``rev`` and to today's local date."""
        day = self.local_day(now)
        cached = self._cache.get(hall_id)
        if cached is not None and cached.rev == head.rev and cached.day == day:
            return cached
        memory = json.loads(conn.execute(_HALL_MEMORY, {"hall_id": hall_id}).scalar_one())
        if cached is not None and cached.day == day and head.day == day:
            # another process wrote: take the rows it changed into the Hall we hold (Hall.catch_up)
            cached.hall.catch_up(repo.load_tickets(conn, hall_id, day, cached.rev),
                                 repo.load_windows(conn, hall_id, cached.rev), memory)
            cached.rev = head.rev
            return cached
        ticket_list = repo.load_tickets(conn, hall_id, day)
        window_list = repo.load_windows(conn, hall_id)
        hall = Hall(
            self.configs[hall_id],
            self.calendar,
            self.tz,
            tickets=ticket_list,
            windows=window_list,
            tide_memory=memory,
        )
        cached = _Cached(hall, head.rev, day)
        self._cache[hall_id] = cached
        return cached

    def _audit(
        self,
        hall_id: str,
        who: Principal,
        action: str,
        window: int | None,
        rows: list[EventRow],
        result: Any,
        detail: dict[str, Any] | None,
    ) -> list[AuditRecord]:
        what: dict[str, Any] = dict(detail or {})
        what["events"] = [r.seq for r in rows]
        ticket = next((o for o in _result_objects(result) if isinstance(o, Ticket)), None)
        if ticket is not None:
            what.setdefault("ticket", ticket.id)
        if action == TICK:
            # automatic tide decisions: one record per event, by the system
            return [
                AuditRecord(
                    r.kind,
                    SYSTEM.actor,
                    SYSTEM.role,
                    hall_id,
                    _window_number(r.data),
                    None,
                    {"event": r.seq},
                )
                for r in rows
            ]
        return [AuditRecord(action, who.actor, who.role, hall_id, window, who.device, what)]

    def _publish(self, hall_id: str, rows: list[EventRow]) -> None:
        if not rows:
            return
        for listener in list(self.listeners):
            listener(hall_id, rows)

    # -- background work -----------------------------------------------------------------------------
    def tick(self, hall_id: str) -> Answer:
        """The tide controller, through the same path (writes only when something changed)."""
        return self.mutate(
            hall_id, lambda hall, now: hall.tick(now=now), who=SYSTEM, action=TICK
        )

    def append_events(self, hall_id: str, step: Step, *, who: Principal) -> list[EventRow]:
        """Events that change no ticket or window (supervision warnings, issue 9) into the hall's log.

        The same path as :meth:`mutate` — the hall's writer, hall lock, gap-free ``seq``, one audit record
        per event, ``pg_notify``, fan-out after the commit — but ``step(conn, hall, now)`` only *reads*
        the hall, writes its own rows in ``conn`` and returns its events (objects with ``kind``, ``at``
        and ``to_dict()``). ``rev`` is not bumped: the hall's state did not change. No events → rolled
        back, nothing written (a periodic check that finds nothing leaves no trace).
        """
        self.config(hall_id)
        return self._wait(_Job(hall_id, None, who, "events.append", step=step))

    def purge_idempotency_keys(self) -> int:
        with write_transaction(self.engine) as conn:
            return idempotency.purge(conn, now=self.clock())

    # -- reads -----------------------------------------------------------------------------------------
    @contextmanager
    def view(self, hall_id: str) -> Iterator[tuple[Hall, int, float]]:
        """The current Hall for queries (ahead, estimates), with its seq. Do not mutate it."""
        self.config(hall_id)
        with self._locks[hall_id], read_transaction(self.engine) as conn:
            head = self._lock_hall(conn, hall_id, lock=False)
            now = self.clock()
            try:
                cached = self._current(conn, hall_id, head, now)
            except BaseException:
                self._cache.pop(hall_id, None)
                raise
            yield cached.hall, head.seq, now

    def estimate(self, hall_id: str, ticket_id: str) -> Estimate | None:
        """The core's ``Estimate`` of a waiting ticket, from this process's Hall (the tracking page);
        None when the Hall does not know the ticket."""
        with self.view(hall_id) as (hall, _seq, now):
            try:
                return hall.estimate(ticket_id, now=now)
            except Refused:
                return None

    def busy(self) -> bool:
        """Whether mutations are waiting for a writer of this process right now."""
        return any(w.pending for w in self._writers.values())

    def try_estimate(self, hall_id: str, ticket_id: str) -> Estimate | None:
        """:meth:`estimate` without waiting and without the database, for the event loop: from the
        cached Hall if the writer is not using it right now (the Hall then holds only committed state);
        None otherwise (the caller falls back to :meth:`estimate` on a worker thread)."""
        lock = self._locks[hall_id]
        if not lock.acquire(blocking=False):
            return None
        try:
            cached = self._cache.get(hall_id)
            now = self.clock()
            if cached is None or cached.day != self.local_day(now):
                return None
            try:
                return cached.hall.estimate(ticket_id, now=now)
            except Refused:
                return None
        finally:
            lock.release()

    def drop_cache(self) -> None:
        self._cache.clear()


def _attach_waiting(hall: Hall, rows: list[EventRow]) -> None:
    """Give each ticket event the waiting counts, after this commit, of the services it touched.

    ``data["waiting"] = {"MA01": {"normal": 3, "priority": 1, "appointment": 0}}``: screens set their
    counts from these absolute numbers instead of re-deriving them from the ticket lifecycle (one rule,
    here). Several events of one commit carry the same final counts, which is what the screen ends on.
    """
    for row in rows:
        services = {t["service"] for k in ("ticket", "continuation")
                    if isinstance(t := row.data.get(k), dict) and "service" in t}
        if services:
            row.data["waiting"] = {
                svc: {lane.value: hall.waiting_count(svc, lane) for lane in Lane} for svc in sorted(services)
            }


def _ticket_id(data: dict[str, Any]) -> str | None:
    ticket = data.get("ticket")
    return ticket.get("id") if isinstance(ticket, dict) else None


def _window_number(data: dict[str, Any]) -> int | None:
    window = data.get("window")
    if isinstance(window, dict):
        return window.get("number")
    return window if isinstance(window, int) else None


def _collect(value: Any, tickets: dict[str, None], windows: dict[int, None]) -> None:
    """Find the ticket and window dicts an event payload carries (tickets have id+state, windows number+status)."""
    if isinstance(value, dict):
        if "id" in value and "state" in value and "service" in value:
            tickets[value["id"]] = None
            return  # a ticket's or a window's snapshot holds plain values only: nothing more inside
        if "number" in value and "status" in value:
            windows[value["number"]] = None
            return
        for v in value.values():
            if isinstance(v, dict | list):
                _collect(v, tickets, windows)
    elif isinstance(value, list):
        for v in value:
            _collect(v, tickets, windows)


def _result_objects(result: Any) -> list[Any]:
    if result is None:
        return []
    inner = getattr(result, "ticket", None)
    return [result] + ([inner] if inner is not None else [])

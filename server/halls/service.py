"""HallService: the one transaction path every hall mutation goes through.

For each mutation:

1. take this process's lock for the hall (threads of one process queue here, not on the database);
2. open a write transaction and take the hall's database lock (SQLite: ``BEGIN IMMEDIATE``;
   PostgreSQL: ``SELECT … FROM halls WHERE id = :id FOR UPDATE``) and read ``seq``/``rev``;
3. answer a retried request (same actor, same ``Idempotency-Key``) from the stored response;
4. if this process's cached ``Hall`` is at another ``rev`` (another process wrote) or another local day,
   bring it up to date from the database (changed rows only when possible);
5. run the core command with ``now`` from the injected clock; ``Refused`` → rollback, a 4xx Problem;
6. drain the events; upsert the touched tickets and windows; insert the events as ``seq+1…``; update the
   hall row; append the audit records; store the idempotent response; (PostgreSQL) ``pg_notify``;
7. commit; then hand the events to the listeners (the WebSocket fan-out).

Any other error rolls back and drops the cached Hall (it may have been mutated), so the next call
rebuilds it from the committed state. Two server processes on one database are correct because of 2 + 4.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, select, text, update

from config import Deployment, HallConfig
from server.audit import AuditRecord, append
from server.auth import Principal
from server.core import Hall, Lane, Refused, Ticket, WindowState, WorkCalendar
from server.storage import schema as t
from server.storage.db import is_sqlite, read_transaction, write_transaction

from . import idempotency, repo
from .errors import Problem, refused_status, unknown_hall
from .idempotency import IdempotencyKey, StoredResponse
from .repo import EventRow

T = TypeVar("T")
Clock = Callable[[], float]
Listener = Callable[[str, list[EventRow]], None]
PG_CHANNEL = "hallq_events"

SYSTEM = Principal(actor="system", role="system", hall=None)
TICK = "tide.tick"  # the background tide controller's action name

# statements built once (building costs more than executing them on the hot path)
_HALL_HEAD = select(t.halls.c.seq, t.halls.c.rev, t.halls.c.day).where(t.halls.c.id == bindparam("hall_id"))
_HALL_HEAD_LOCKED = _HALL_HEAD.with_for_update()
_ADVANCE_HALL = (
    update(t.halls).where(t.halls.c.id == bindparam("hall_id"))
    .values(seq=bindparam("seq"), rev=bindparam("rev"), day=bindparam("day"),
            tide_memory=bindparam("tide_memory"), updated_at=bindparam("updated_at"))
)


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
class Outcome:
    status: int
    body: Any
    replayed: bool = False  # answered from the idempotency store: nothing was applied
    events: tuple[EventRow, ...] = ()


Render = Callable[[Committed[Any]], tuple[int, Any]]
# Extra rows a mutation writes beside the hall's state, in the same transaction (step 6), e.g. a rating:
# ``write(conn, result, now)``; raising a Problem there rolls the whole mutation back.
Write = Callable[[Connection, Any, float], None]


def _default_render(done: Committed[Any]) -> tuple[int, Any]:
    return 200, None


class HallService:
    def __init__(self, engine: Engine, deployment: Deployment, *, clock: Clock = time.time) -> None:
        self.engine = engine
        self.deployment = deployment
        self.clock = clock
        self.tz = ZoneInfo(deployment.deployment.timezone)
        self.calendar = WorkCalendar(deployment.calendar)
        self.configs: dict[str, HallConfig] = {h.id: h for h in deployment.halls}
        self.listeners: list[Listener] = []
        self.postgres = not is_sqlite(engine)
        self._cache: dict[str, _Cached] = {}
        # SQLite has one write lock per database, so one lock per process; PostgreSQL locks per hall row
        shared = threading.RLock()
        self._locks = {h: (threading.RLock() if self.postgres else shared) for h in self.configs}

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

    def config(self, hall_id: str) -> HallConfig:
        try:
            return self.configs[hall_id]
        except KeyError:
            raise unknown_hall(hall_id) from None

    def local_day(self, now: float) -> str:
        return datetime.fromtimestamp(now, self.tz).date().isoformat()

    def track_url(self, token: str) -> str:
        return f"{self.deployment.deployment.public_base_url.rstrip('/')}/t/{token}"

    # -- the transaction path ------------------------------------------------------------------------
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
    ) -> Outcome:
        """Run ``command(hall, now)`` as one transaction; see the module docstring."""
        self.config(hall_id)
        with self._locks[hall_id]:
            try:
                outcome, committed = self._mutate_locked(
                    hall_id, command, who, action, window, render, idem, detail, write
                )
            except Problem:
                raise  # refused before anything changed: the cached Hall is still the committed state
            except BaseException:
                self._cache.pop(hall_id, None)
                raise
            if committed:  # under the lock, so that this process's events leave in seq order
                self._publish(hall_id, list(outcome.events))
        return outcome

    def _mutate_locked(
        self,
        hall_id: str,
        command: Callable[[Hall, float], T],
        who: Principal,
        action: str,
        window: int | None,
        render: Render,
        idem: IdempotencyKey | None,
        detail: dict[str, Any] | None,
        write: Write | None = None,
    ) -> tuple[Outcome, bool]:
        with write_transaction(self.engine) as conn:
            head = self._lock_hall(conn, hall_id)
            now = self.clock()
            if idem is not None:
                stored = idempotency.lookup(conn, idem, now=now)
                if stored is not None:
                    return Outcome(stored.status, stored.body, replayed=True), False
            cached = self._current(conn, hall_id, head, now)
            hall = cached.hall
            memory_before = json.dumps(hall.tide_memory, sort_keys=True)
            try:
                result = command(hall, now)
            except Refused as refused:
                hall.drain_events()  # a refusal emits nothing; drain defensively all the same
                raise Problem(
                    refused.code, refused.zh, refused.en, refused_status(refused.code)
                ) from None
            try:
                return self._record(conn, hall_id, cached, head, now, result, memory_before, who, action,
                                    window, render, idem, detail, write)
            except BaseException:
                self._cache.pop(hall_id, None)  # the Hall changed but the change was not committed
                raise

    def _record(self, conn: Connection, hall_id: str, cached: _Cached, head: Any, now: float, result: Any,
                memory_before: str, who: Principal, action: str, window: int | None, render: Render,
                idem: IdempotencyKey | None, detail: dict[str, Any] | None,
                write: Write | None = None) -> tuple[Outcome, bool]:
        """Step 6 of the transaction path: write what the command did, in the caller's transaction."""
        hall = cached.hall
        events = hall.drain_events()
        memory = json.dumps(hall.tide_memory, sort_keys=True)
        changed = bool(events) or memory != memory_before
        if not changed and action == TICK:
            conn.rollback()
            return Outcome(204, None), False
        rev = head.rev + 1 if changed else head.rev  # e.g. a call with nobody waiting changes nothing
        rows = repo.event_rows(hall_id, head.seq + 1, events)
        _attach_waiting(hall, rows)
        seq = head.seq + len(rows)
        tokens = self._write_state(conn, hall_id, hall, rows, result, rev)
        if write is not None:
            write(conn, result, now)
        conn.execute(_ADVANCE_HALL, {"hall_id": hall_id, "seq": seq, "rev": rev, "day": cached.day,
                                     "tide_memory": memory, "updated_at": now})
        append(conn, self._audit(hall_id, who, action, window, rows, result, detail), at=now)
        status, body = render(Committed(result, rows, seq, tokens))
        if idem is not None:
            idempotency.store(conn, idem, StoredResponse(status, body), now=now)
        if self.postgres and rows:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": PG_CHANNEL, "payload": f"{hall_id}:{seq}"},
            )
        cached.rev = rev  # if the commit fails, mutate() drops the cache
        return Outcome(status, body, events=tuple(rows)), True

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
        memory = json.loads(
            conn.execute(select(t.halls.c.tide_memory).where(t.halls.c.id == hall_id)).scalar_one()
        )
        if cached is not None and cached.day == day and head.day == day:
            # another process wrote: merge the rows it changed into what we hold
            tickets = {tk.id: tk for tk in cached.hall.tickets()}
            tickets.update((tk.id, tk) for tk in repo.load_tickets(conn, hall_id, day, cached.rev))
            wins = {w.number: w for w in cached.hall.windows()}
            wins.update((w.number, w) for w in repo.load_windows(conn, hall_id, cached.rev))
            ticket_list, window_list = list(tickets.values()), list(wins.values())
        else:
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

    def _write_state(
        self,
        conn: Connection,
        hall_id: str,
        hall: Hall,
        rows: list[EventRow],
        result: Any,
        rev: int,
    ) -> dict[str, str]:
        ticket_ids: dict[str, None] = {}
        window_numbers: dict[int, None] = {}
        for row in rows:
            _collect(row.data, ticket_ids, window_numbers)
        for obj in _result_objects(result):
            if isinstance(obj, Ticket):
                ticket_ids[obj.id] = None
            elif isinstance(obj, WindowState):
                window_numbers[obj.number] = None
        issued = {_ticket_id(r.data) for r in rows if r.kind == "ticket.issued"}
        tokens = {tid: secrets.token_urlsafe(16) for tid in issued if tid}
        repo.upsert(
            conn,
            t.tickets,
            [
                repo.ticket_row(hall_id, hall.ticket(tid), rev, tokens.get(tid))
                for tid in ticket_ids
            ],
            keys=["id"],
            keep=["track_token"],
        )
        repo.upsert(
            conn,
            t.window_states,
            [repo.window_row(hall_id, hall.window(n), rev) for n in window_numbers],
            keys=["hall", "number"],
        )
        repo.insert_events(conn, rows)
        return tokens

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
    def tick(self, hall_id: str) -> Outcome:
        """The tide controller, through the same path (writes only when something changed)."""
        return self.mutate(
            hall_id, lambda hall, now: hall.tick(now=now), who=SYSTEM, action=TICK
        )

    def append_events(
        self, hall_id: str, step: Callable[[Connection, Hall, float], list[Any]], *, who: Principal
    ) -> list[EventRow]:
        """Events that change no ticket or window (supervision warnings, issue 9) into the hall's log.

        The same path as :meth:`mutate` — process lock, hall lock, gap-free ``seq``, one audit record
        per event, ``pg_notify``, fan-out after the commit — but ``step(conn, hall, now)`` only *reads*
        the hall, writes its own rows in ``conn`` and returns its events (objects with ``kind``, ``at``
        and ``to_dict()``). ``rev`` is not bumped: the hall's state did not change. No events → rolled
        back, nothing written (a periodic check that finds nothing leaves no trace).
        """
        self.config(hall_id)
        with self._locks[hall_id]:
            with write_transaction(self.engine) as conn:
                head = self._lock_hall(conn, hall_id)
                now = self.clock()
                try:
                    hall = self._current(conn, hall_id, head, now).hall
                except BaseException:
                    self._cache.pop(hall_id, None)
                    raise
                events = list(step(conn, hall, now))
                if not events:
                    conn.rollback()
                    return []
                rows = repo.event_rows(hall_id, head.seq + 1, events)
                repo.insert_events(conn, rows)
                conn.execute(update(t.halls).where(t.halls.c.id == hall_id)
                             .values(seq=rows[-1].seq, updated_at=now))
                append(conn, [AuditRecord(r.kind, who.actor, who.role, hall_id, None, who.device,
                                          {"event": r.seq}) for r in rows], at=now)
                if self.postgres:
                    conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                                 {"channel": PG_CHANNEL, "payload": f"{hall_id}:{rows[-1].seq}"})
            self._publish(hall_id, rows)
        return rows

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
        elif "number" in value and "status" in value:
            windows[value["number"]] = None
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

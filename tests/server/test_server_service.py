"""HallService, the one transaction path, on SQLite and PostgreSQL: two service instances stand for two
server processes on one database (each with its own cached Hall)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select

import config
from server.audit import verify
from server.auth import Principal
from server.core import Lane, Outcome
from server.halls.errors import Problem
from server.halls.idempotency import IdempotencyKey
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage import schema as t

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

KIOSK = Principal(actor="device:1", role="kiosk", hall="test", device_id=1)
CLERK = Principal(actor="clerk:c1", role="clerk", hall="test", windows=frozenset({1, 2, 3}), staff_no="c1")
T0 = 1_772_413_200.0  # 2026-03-02 09:00 Asia/Shanghai, a Monday


class Clock:
    """An injected clock that moves only when told to."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(engine: Engine, deployment: config.Deployment, clock: Clock) -> tuple[HallService, HallService]:
    sync_config(engine, deployment, now=clock())
    return HallService(engine, deployment, clock=clock), HallService(engine, deployment, clock=clock)


def issue(svc: HallService, service: str = "GEN", lane: Lane = Lane.NORMAL, **kw):
    return svc.mutate("test", lambda h, now: h.issue(service, lane, now=now), who=KIOSK, action="ticket.issue",
                      render=lambda done: (201, {"id": done.result.ticket.id, "number": done.result.ticket.number,
                                                 "token": done.track_tokens.get(done.result.ticket.id)}), **kw)


def call(svc: HallService, window: int):
    return svc.mutate("test", lambda h, now: h.call_next(window, now=now), who=CLERK, action="window.call",
                      window=window,
                      render=lambda done: (204, None) if done.result is None else (200, done.result.ticket.id))


def sign_in(svc: HallService, window: int) -> None:
    svc.mutate("test", lambda h, now: h.sign_in(window, "c1", now=now), who=CLERK, action="window.sign_in",
               window=window)


def test_a_mutation_persists_ticket_events_and_audit_in_one_go(engine: Engine, services) -> None:
    a, _ = services
    out = issue(a)
    assert out.status == 201 and out.body["number"] == "A001" and out.body["token"]
    with engine.connect() as conn:
        row = conn.execute(select(t.tickets)).one()
        assert (row.id, row.state, row.track_token) == (out.body["id"], "waiting", out.body["token"])
        assert conn.execute(select(t.halls.c.seq).where(t.halls.c.id == "test")).scalar_one() == 1
        assert [e.kind for e in conn.execute(select(t.events))] == ["ticket.issued"]
        actions = [r.action for r in conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq))]
        assert actions == ["config.load", "ticket.issue"]
        assert verify(conn).ok


def test_two_processes_share_numbering_and_never_hand_one_ticket_to_two_windows(services) -> None:
    a, b = services
    numbers = [issue(a).body["number"], issue(b).body["number"], issue(a).body["number"]]
    assert numbers == ["A001", "A002", "A003"]
    sign_in(a, 1)
    first, second = call(b, 1), None  # b did not see a's sign-in in its cache: it must reload
    assert first.status == 200
    a.mutate("test", lambda h, now: h.start(1, now=now), who=CLERK, action="window.start", window=1)
    a.mutate("test", lambda h, now: h.finish(1, Outcome.COMPLETED, now=now), who=CLERK, action="window.finish",
             window=1)
    second = call(b, 1)
    assert second.status == 200 and second.body != first.body


def test_a_refusal_writes_nothing(engine: Engine, services) -> None:
    a, _ = services
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one()
    with pytest.raises(Problem) as exc:
        call(a, 1)  # window 1 is closed: nobody signed in
    assert exc.value.code == "window_closed" and exc.value.status == 409
    with pytest.raises(Problem) as unknown:
        issue(a, "NOPE")
    assert unknown.value.status == 422 and unknown.value.zh and unknown.value.en
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one() == before
        assert conn.execute(select(func.count()).select_from(t.events)).scalar_one() == 0


def test_a_retried_request_is_answered_from_the_store_and_applied_once(engine: Engine, services) -> None:
    a, b = services
    key = IdempotencyKey.of(KIOSK.actor, "k-1", "POST", "/api/v1/halls/test/tickets", b'{"service":"GEN"}')
    first = issue(a, idem=key)
    again = issue(b, idem=key)  # the retry may land on the other process
    assert again.replayed and again.body == first.body and again.status == 201
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.tickets)).scalar_one() == 1
    other = IdempotencyKey.of(KIOSK.actor, "k-1", "POST", "/api/v1/halls/test/tickets", b'{"service":"TAX"}')
    with pytest.raises(Problem) as exc:
        issue(a, "TAX", idem=other)
    assert exc.value.code == "idempotency_key_reused"


def test_a_restarted_process_finds_the_hall_as_it_was(engine: Engine, deployment, clock: Clock) -> None:
    sync_config(engine, deployment, now=clock())
    a = HallService(engine, deployment, clock=clock)
    for _ in range(3):
        issue(a)
    sign_in(a, 1)
    called = call(a, 1).body
    sign_in(a, 3)
    a.mutate("test", lambda h, now: h.pause(3, "午休", now + 1800, now=now), who=CLERK, action="window.pause",
             window=3)
    restarted = HallService(engine, deployment, clock=clock)
    with restarted.view("test") as (hall, seq, _now):
        assert seq == 7
        assert hall.window(1).current == called and hall.ticket(called).state == "called"
        assert hall.window(3).status == "paused" and hall.window(3).pause_reason == "午休"
        assert [tk.number for tk in hall.waiting("GEN")] == ["A002", "A003"]


def test_concurrent_issues_through_two_processes_are_unique_and_gap_free(engine: Engine, services) -> None:
    numbers: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(svc: HallService) -> None:
        try:
            for _ in range(15):
                n = issue(svc).body["number"]
                with lock:
                    numbers.append(n)
        except BaseException as exc:  # reported in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(services[i % 2],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    assert len(numbers) == 60 and not [n for n, c in Counter(numbers).items() if c > 1]
    with engine.connect() as conn:
        seqs = [r.seq for r in conn.execute(select(t.events.c.seq).where(t.events.c.hall == "test")
                                            .order_by(t.events.c.seq))]
        assert seqs == list(range(1, 61))


def test_a_tide_tick_that_changes_nothing_writes_nothing(engine: Engine, services) -> None:
    a, _ = services
    issue(a)
    out = a.tick("test")
    assert out.status == 204 and not out.events
    with engine.connect() as conn:
        assert conn.execute(select(t.halls.c.seq, t.halls.c.rev).where(t.halls.c.id == "test")).one() == (1, 1)
    assert issue(a).body["number"] == "A002"  # the service still works after the rolled-back tick

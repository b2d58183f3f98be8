"""The hall writer's group commit (issue 14), on SQLite and PostgreSQL: many requests queued at once are
committed together, and what a hall would notice stays as with one transaction per request — every
number once, a retried request (same Idempotency-Key, even inside the same batch) applied once and
answered the same, a refused or failing request leaving the others alone, gap-free event seq, an audit
chain that verifies."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine, func, select

import config
from server.audit import verify
from server.auth import Principal
from server.core import Lane
from server.halls.errors import Problem
from server.halls.idempotency import IdempotencyKey
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage import schema as t

pytestmark = pytest.mark.timeout(180)

HALL = "test"
KIOSK = Principal(actor="device:1", role="kiosk", hall=HALL, device_id=1)
T0 = 1_772_413_200.0  # 2026-03-02 09:00 Asia/Shanghai, a Monday


@pytest.fixture
def service(engine: Engine, deployment: config.Deployment) -> HallService:
    sync_config(engine, deployment, now=T0)
    return HallService(engine, deployment, clock=lambda: T0)


def _issue(svc: HallService, key: str | None = None, service: str = "GEN"):
    idem = IdempotencyKey.of(KIOSK.actor, key, "POST", "/tickets", b"GEN") if key else None
    return svc.submit(HALL, lambda h, now: h.issue(service, Lane.NORMAL, now=now), who=KIOSK,
                      action="ticket.issue", idem=idem,
                      render=lambda done: (201, {"number": done.result.ticket.number, "seq": done.seq}))


def test_a_burst_of_requests_and_their_retries_issues_every_number_once(engine: Engine, service) -> None:
    async def burst():
        # each request twice, the retry queued right behind the original: both land in one batch
        jobs = [_issue(service, key=f"k{i // 2}") for i in range(120)]
        return await asyncio.gather(*jobs)

    answers = asyncio.run(burst())
    firsts, retries = answers[0::2], answers[1::2]
    assert all(not a.replayed for a in firsts) and all(r.replayed for r in retries)
    assert [r.body for r in retries] == [a.body for a in firsts]  # the retry gets the same ticket
    numbers = [a.body["number"] for a in firsts]
    assert numbers == [f"A{n:03d}" for n in range(1, 61)]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.tickets)).scalar_one() == 60
        seqs = [s for (s,) in conn.execute(select(t.events.c.seq).order_by(t.events.c.seq))]
        assert seqs == list(range(1, 61))
        assert conn.execute(select(func.count()).select_from(t.idempotency_keys)).scalar_one() == 60
        assert verify(conn).ok


def test_a_refused_or_failing_request_in_a_batch_leaves_the_others_committed(engine: Engine, service) -> None:
    def broken(h, now):
        h.issue("GEN", Lane.NORMAL, now=now)  # changes the Hall, then fails: must not be committed
        raise RuntimeError("bug in a command")

    async def burst():
        jobs = [_issue(service) for _ in range(5)]
        jobs.append(_issue(service, service="NOPE"))  # refused by the core: unknown service
        jobs.append(service.submit(HALL, broken, who=KIOSK, action="ticket.issue"))
        jobs += [_issue(service) for _ in range(5)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    got = asyncio.run(burst())
    assert isinstance(got[5], Problem) and got[5].status in (404, 409, 422)
    assert isinstance(got[6], RuntimeError)
    ok = got[:5] + got[7:]
    assert [a.body["number"] for a in ok] == [f"A{n:03d}" for n in range(1, 11)]  # no number lost to the bug
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.tickets)).scalar_one() == 10
        assert conn.execute(select(func.max(t.events.c.seq))).scalar_one() == 10
        assert verify(conn).ok

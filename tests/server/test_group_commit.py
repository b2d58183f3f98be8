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


def _writer_after(service: HallService, *, last: int, linger_s: float) -> list[int]:
    """The writer as after a batch of ``last`` jobs, lingering up to ``linger_s``; returns the size of
    every batch it commits from now on."""
    writer = service._writers[HALL]
    writer.linger_s = linger_s
    writer._last = last
    sizes: list[int] = []
    run = service._run_batch

    def recording(jobs):
        sizes.append(len(jobs))
        run(jobs)

    service._run_batch = recording  # type: ignore[method-assign]
    return sizes


def test_under_load_the_writer_waits_for_the_next_batch_to_fill(engine: Engine, service) -> None:
    """After a batch of eight (a rush at the kiosks), the writer lingers until eight more are queued (or its
    linger runs out) and commits them as one: one commit's fixed cost for eight tickets."""
    sizes = _writer_after(service, last=8, linger_s=120)  # longer than the test: only a full queue ends it

    async def one_by_one():
        jobs = []
        for _ in range(8):
            jobs.append(asyncio.ensure_future(_issue(service)))
            await asyncio.sleep(0)  # each request queued on its own, as they come off the network
        return await asyncio.gather(*jobs)

    answers = asyncio.run(one_by_one())
    assert [a.body["number"] for a in answers] == [f"A{n:03d}" for n in range(1, 9)]
    assert sizes == [8]


def test_a_request_that_comes_alone_is_not_held(engine: Engine, service) -> None:
    """A quiet hall: the last batch held one request, so the next one is committed at once (with a linger of
    ten minutes, a held request would outlast the test's timeout)."""
    sizes = _writer_after(service, last=1, linger_s=600)
    answer = asyncio.run(_issue(service))
    assert answer.body["number"] == "A001" and sizes == [1]


def test_a_lingering_writer_still_commits_a_short_batch(engine: Engine, service) -> None:
    """The rush ends: after a batch of eight, a single request waits out the linger and is committed alone."""
    sizes = _writer_after(service, last=8, linger_s=0.05)
    answer = asyncio.run(_issue(service))
    assert answer.body["number"] == "A001" and sizes == [1]

"""The in-memory read models (issue 14) against the tables they stand for.

What a hall would notice if they went wrong: a lobby screen or a counter showing a window, a current
ticket or a waiting count the hall does not have; a phone's tracking page showing a stale state; a
display that polls with ``If-None-Match`` missing a change (or being sent the same snapshot again).

Two ``HallService`` instances on one database stand for two server processes (each with its own writer
and cached Hall); the read model lives in a third party's event loop and learns of the first one's commits
from its listener and of the second one's only from the events table — as a process behind the load
balancer does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

import config
from server.api import views
from server.auth import Principal
from server.core import Lane, Outcome
from server.halls.errors import Problem
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.readmodels import HallState, ReadModels
from server.storage import schema as t
from server.storage.db import read_transaction
from tests.server.conftest import ServerProcess

pytestmark = pytest.mark.timeout(300)

HALL = "test"
KIOSK = Principal(actor="device:1", role="kiosk", hall=HALL, device_id=1)
CLERK = Principal(actor="clerk:c1", role="clerk", hall=HALL, windows=frozenset({1, 2, 3}), staff_no="c1")
T0 = 1_772_413_200.0  # 2026-03-02 09:00 Asia/Shanghai, a Monday
SERVICES = ("GEN", "TAX", "SOC")
WINDOWS = (1, 2, 3)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        self.now += 7.0  # every reading moves time on: waits, service times and estimates change
        return self.now


def _command(op: tuple) -> tuple[str, Any, int | None]:
    """(action, command, window) of one generated operation."""
    kind = op[0]
    if kind == "issue":
        _, service, lane = op
        return "ticket.issue", lambda h, now: h.issue(service, Lane(lane), now=now), None
    if kind == "cancel":  # the k-th waiting ticket
        _, k = op

        def cancel(h, now):
            waiting = h.waiting()
            return h.cancel(waiting[k % len(waiting)].id, now=now) if waiting else None

        return "ticket.cancel", cancel, None
    if kind == "requeue":  # the k-th no-show
        _, k = op

        def requeue(h, now):
            gone = [tk for tk in h.tickets() if tk.state == "no_show"]
            return h.requeue(gone[k % len(gone)].id, now=now) if gone else None

        return "ticket.requeue", requeue, None
    _, window = op[:2]
    commands = {
        "sign_in": lambda h, now: h.sign_in(window, "c1", now=now),
        "sign_out": lambda h, now: h.sign_out(window, now=now),
        "call": lambda h, now: h.call_next(window, now=now),
        "recall": lambda h, now: h.recall(window, now=now),
        "start": lambda h, now: h.start(window, now=now),
        "finish": lambda h, now: h.finish(window, Outcome.COMPLETED, now=now),
        "no_show": lambda h, now: h.no_show(window, now=now),
        "transfer": lambda h, now: h.transfer(window, op[2], now=now),
        "pause": lambda h, now: h.pause(window, "到后台取件", None, now=now),
        "resume": lambda h, now: h.resume(window, now=now),
        "tide": lambda h, now: h.open_tide(window, op[2], now=now),
        "untide": lambda h, now: h.close_tide(window, now=now),
    }
    return f"window.{kind}", commands[kind], window


_window_ops = st.one_of(
    st.tuples(st.sampled_from(["sign_in", "sign_out", "call", "call", "recall", "start", "finish", "no_show",
                               "pause", "resume", "untide"]), st.sampled_from(WINDOWS)),
    st.tuples(st.sampled_from(["transfer", "tide"]), st.sampled_from(WINDOWS), st.sampled_from(SERVICES)),
)
OPS = st.lists(
    st.tuples(
        st.integers(0, 1),  # which "process"
        st.one_of(
            st.tuples(st.just("issue"), st.sampled_from(SERVICES), st.sampled_from(["normal", "normal", "priority"])),
            _window_ops, _window_ops,
            st.tuples(st.sampled_from(["cancel", "requeue"]), st.integers(0, 20)),
        ),
    ),
    min_size=1, max_size=40,
)


def _from_db(engine: Engine, cfg: config.HallConfig) -> tuple[dict, dict, dict]:
    """The reference: snapshot, every window's detail and every ticket's public state, from the tables."""
    with read_transaction(engine) as conn:
        snap = views.snapshot(conn, cfg)
        wins = {n: views.window_detail(conn, cfg, n) for n in WINDOWS}
        tickets = {r.id: (r.number, r.service, r.state, r.window, r.transferred_to)
                   for r in conn.execute(select(t.tickets).where(t.tickets.c.hall == HALL))}
    return snap, wins, tickets


async def _from_memory(rm: ReadModels, cfg: config.HallConfig, seq: int) -> tuple[dict, dict, dict]:
    model = await rm.model(HALL)
    model.want(seq)
    while model.seq < seq:  # the catch-up reads the rows the other "process" wrote
        await asyncio.sleep(0)
        if model._catching is not None:
            await model._catching
    state: HallState = model.state
    clerks = await rm.clerks({w["clerk"] for w in state.windows.values() if w["clerk"]})
    snap = views.snapshot_of(cfg, state.seq, state.windows, state.current_tickets(), clerks, state.counts())
    wins = {}
    for n in WINDOWS:
        w = state.windows.get(n)
        cur = state.tickets.get(w["current"]) if w and w["current"] else None
        wins[n] = views.window_detail_of(cfg, state.seq, n, w, cur, clerks, state.counts())
    tickets = {tid: (tk["number"], tk["service"], tk["state"], tk["window"], tk["transferred_to"])
               for tid, tk in state.tickets.items()}
    return snap, wins, tickets


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_read_model_equals_the_state_rebuilt_from_the_database(sqlite_url: str, deployment, ops) -> None:
    from server.storage.db import make_engine, upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    clock = Clock()
    sync_config(engine, deployment, now=T0)
    cfg = deployment.hall(HALL)
    one, two = HallService(engine, deployment, clock=clock), HallService(engine, deployment, clock=clock)

    async def run() -> None:
        rm = ReadModels(one, poll_interval=0)  # no poll: the second process's events come by want()
        one.listeners.append(rm.on_commit)
        await rm.start()
        await rm.model(HALL)  # loaded before the mutations: everything after is applied incrementally
        for which, op in ops:
            action, command, window = _command(op)
            svc = (one, two)[which]
            who = CLERK if window else KIOSK
            with contextlib.suppress(Problem):
                if which == 0:
                    await svc.submit(HALL, command, who=who, action=action, window=window)
                else:
                    await asyncio.to_thread(svc.mutate, HALL, command, who=who, action=action, window=window)
        with read_transaction(engine) as conn:
            seq = conn.execute(select(t.halls.c.seq).where(t.halls.c.id == HALL)).scalar_one()
        memory = await _from_memory(rm, cfg, seq)
        db = _from_db(engine, cfg)
        assert memory[0] == db[0]  # the lobby display's snapshot
        assert memory[1] == db[1]  # every counter's window view
        assert {k: v for k, v in db[2].items() if k in memory[2]} == memory[2]
        assert {tid for tid, v in db[2].items() if v[2] not in ("done", "no_show", "transferred", "cancelled")} \
            <= set(memory[2])  # every ticket still in play is held
        await rm.stop()

    try:
        asyncio.run(run())
    finally:
        engine.dispose()
        with contextlib.suppress(FileNotFoundError):
            import os
            from pathlib import Path

            path = Path(sqlite_url.removeprefix("sqlite:///"))
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                os.remove(p) if p.exists() else None


def test_a_display_polling_an_unchanged_seq_gets_304_and_a_change_gets_the_new_snapshot(
        sqlite_url: str, spawn_server) -> None:
    srv: ServerProcess = spawn_server(sqlite_url)
    display, kiosk = srv.add_device("display"), srv.add_device("kiosk")
    srv.add_clerk("a1", windows=(1,))
    with srv.client(display) as screen, srv.client(kiosk) as k, httpx.Client(base_url=srv.base_url) as phone:
        first = screen.get(f"/api/v1/halls/{HALL}/snapshot")
        assert first.status_code == 200 and first.headers["etag"]
        again = screen.get(f"/api/v1/halls/{HALL}/snapshot", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""

        issued = k.post(f"/api/v1/halls/{HALL}/tickets", json={"service": "GEN"})
        assert issued.status_code == 201
        changed = screen.get(f"/api/v1/halls/{HALL}/snapshot", headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200 and changed.json()["seq"] == first.json()["seq"] + 1
        gen = next(w for w in changed.json()["waiting"] if w["service"] == "GEN")
        assert gen["total"] == 1  # the kiosk's ticket, read right after its answer

        token = issued.json()["track_url"].rsplit("/", 1)[1]
        tracked = phone.get(f"/api/v1/track/{token}")
        assert tracked.status_code == 200 and tracked.json()["state"] == "waiting"
        assert tracked.json()["number"] == issued.json()["number"]
        assert "max-age" in tracked.headers["cache-control"]
        same = phone.get(f"/api/v1/track/{token}", headers={"If-None-Match": tracked.headers["etag"]})
        assert same.status_code == 304

        clerk = srv.client(srv.login("a1"))
        with clerk:
            assert clerk.post(f"/api/v1/halls/{HALL}/windows/1/sign-in").status_code == 200
            assert clerk.post(f"/api/v1/halls/{HALL}/windows/1/call").status_code == 200
            win = clerk.get(f"/api/v1/halls/{HALL}/windows/1")
            assert win.json()["current"]["number"] == issued.json()["number"]
        called = phone.get(f"/api/v1/track/{token}", headers={"If-None-Match": tracked.headers["etag"]})
        assert called.status_code == 200 and called.json()["state"] == "called" and called.json()["window"] == 1


def test_a_snapshot_built_across_a_configuration_reload_is_not_kept(sqlite_url: str, deployment, tmp_path) -> None:
    """A display asking while the manager saves a new notice: the answer rendered with the old
    configuration goes to that one request only; the next one shows the notice (it once stayed until the
    next ticket moved the seq, so the lobby kept the old notice line)."""
    from server.api import fastpath
    from server.storage.db import make_engine, upgrade
    from tests.server.conftest import TEST_CONFIG

    engine = make_engine(sqlite_url)
    upgrade(engine)
    sync_config(engine, deployment, now=T0)
    service = HallService(engine, deployment, clock=Clock())
    edited = tmp_path / "hall.toml"
    text = TEST_CONFIG.read_text(encoding="utf-8")
    edited.write_text(text.replace(f'id = "{HALL}"\n', f'id = "{HALL}"\nnotices = ["午间暂停 closed at noon"]\n', 1),
                      encoding="utf-8")
    new = config.load(edited)

    async def run() -> None:
        rm = ReadModels(service, poll_interval=0)
        service.reload_listeners.append(rm.on_reload)
        await rm.start()
        model = await rm.model(HALL)
        old_cfg = service.config(HALL)
        midway = asyncio.Event()
        go_on = asyncio.Event()
        real_clerks = rm.clerks

        async def slow_clerks(ids):  # the build is inside its one await when the reload lands
            midway.set()
            await go_on.wait()
            return await real_clerks(ids)

        rm.clerks = slow_clerks
        pending = asyncio.ensure_future(fastpath.snapshot(rm, old_cfg, model))
        await midway.wait()
        await asyncio.to_thread(service.reload, new)
        await asyncio.sleep(0)  # the loop runs the reload listener's callback
        go_on.set()
        stale = await pending
        rm.clerks = real_clerks
        assert json.loads(stale.body)["notices"] == []
        assert stale.etag != rm.etag(model, "snapshot")  # a 304 can never confirm the stale one

        fresh = await fastpath.snapshot(rm, service.config(HALL), model)
        assert json.loads(fresh.body)["notices"] == ["午间暂停 closed at noon"]
        assert fresh.etag == rm.etag(model, "snapshot")
        await rm.stop()

    try:
        asyncio.run(run())
    finally:
        engine.dispose()

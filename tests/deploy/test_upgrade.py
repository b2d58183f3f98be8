"""Upgrading a hall (issue 15 §7): a database at the previous schema revision with a day of data — tickets
issued, called, served, a no-show, a transfer, staff and devices, the audit trail — is upgraded to head by
a newly started server, which finds everything: every ticket with its history, the staff's PINs and the
devices' tokens, gap-free events, the audit chain intact, and numbering that goes on from the day's last.
SQLite and PostgreSQL. (This release's revisions: ``server/storage/migrations/versions``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

import config
from server.auth import Principal, add_clerk, add_device
from server.core import Lane, Outcome
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage import schema as t
from server.storage.db import _alembic_config, current_revision, head_revision, make_engine
from tests.server.conftest import TEST_CONFIG, start_server, stop_server

T0 = 1_772_413_200.0  # 2026-03-02 09:00 Asia/Shanghai, a Monday
KIOSK = Principal(actor="device:1", role="kiosk", hall="test", device_id=1)


def previous_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    down = script.get_revision(head_revision()).down_revision
    assert isinstance(down, str), "the test expects one previous revision"
    return down


def migrate_to(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def a_day(engine: Engine) -> list[dict]:
    """A morning at two windows through the one transaction path, as the previous release wrote it."""
    deployment = config.load(TEST_CONFIG)
    clock = Clock()
    sync_config(engine, deployment, now=clock())
    add_clerk(
        engine,
        staff_no="c1",
        name="张三",
        pin="246813",
        role="clerk",
        windows=(1, 3),
        hall="test",
        now=clock(),
        by="test",
    )
    add_clerk(
        engine,
        staff_no="m1",
        name="王主任",
        pin="135792",
        role="manager",
        windows=(1, 2, 3),
        hall="test",
        now=clock(),
        by="test",
    )
    svc = HallService(engine, deployment, clock=clock)
    clerk = Principal(actor="clerk:c1", role="clerk", hall="test", windows=frozenset({1, 3}), staff_no="c1")

    def do(fn, who=clerk, action="x", window=None):
        clock.now += 60
        return svc.mutate("test", fn, who=who, action=action, window=window)

    issued = []
    for i in range(30):
        service = ("GEN", "SOC", "GEN")[i % 3]
        out = svc.mutate(
            "test",
            lambda h, now, s=service: h.issue(s, Lane.NORMAL, now=now),
            who=KIOSK,
            action="ticket.issue",
            render=lambda d: (201, {"id": d.result.ticket.id, "number": d.result.ticket.number}),
        )
        issued.append(out.body)
        clock.now += 45
    for window in (1, 3):
        do(lambda h, now, w=window: h.sign_in(w, "c1", now=now), action="window.sign_in", window=window)
    for n in range(16):
        window = (1, 3)[n % 2]
        do(lambda h, now, w=window: h.call_next(w, now=now), action="window.call", window=window)
        if n == 5:
            do(lambda h, now, w=window: h.no_show(w, now=now), action="window.no_show", window=window)
            continue
        do(lambda h, now, w=window: h.start(w, now=now), action="window.start", window=window)
        if n == 7:
            do(
                lambda h, now, w=window: h.transfer(w, "GEN" if w == 3 else "SOC", now=now),
                action="window.transfer",
                window=window,
            )
            continue
        do(lambda h, now, w=window: h.finish(w, Outcome.COMPLETED, now=now), action="window.finish", window=window)
    return issued


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_day_at_the_previous_revision_upgrades_to_head(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("pg_url") if kind == "postgres" else f"sqlite:///{tmp_path / 'hallq.db'}"
    previous = previous_revision()
    engine = make_engine(url)
    try:
        migrate_to(engine, previous)
        assert current_revision(engine) == previous
        issued = a_day(engine)
        kiosk = add_device(engine, kind="kiosk", name="大厅1号机", hall="test", now=T0, by="test").token
        with engine.connect() as db:
            events_before = db.execute(select(func.count()).select_from(t.events)).scalar_one()
            audit_before = db.execute(select(func.count()).select_from(t.audit_log)).scalar_one()
    finally:
        engine.dispose()

    srv = start_server(tmp_path, url)  # the new release: upgrades at start
    try:
        assert current_revision(srv.engine) == head_revision()
        manager = srv.login("m1", "135792")  # staff and their PINs survived
        with srv.client(manager) as m:
            states = {}
            for ticket in issued:
                got = m.get(f"/api/v1/halls/test/tickets/{ticket['id']}")
                assert got.status_code == 200, f"{ticket['number']} lost: {got.text}"
                assert got.json()["number"] == ticket["number"]
                states[ticket["number"]] = got.json()["state"]
        assert {"done", "no_show", "waiting"} <= set(states.values()), states
        with srv.engine.connect() as db:
            seqs = [
                r.seq
                for r in db.execute(select(t.events.c.seq).where(t.events.c.hall == "test").order_by(t.events.c.seq))
            ]
            assert seqs == list(range(1, len(seqs) + 1))  # gap-free
            assert len(seqs) == events_before
            assert db.execute(select(func.count()).select_from(t.audit_log)).scalar_one() >= audit_before
        with srv.client(kiosk) as k:  # the device token survived; a new day starts its numbering afresh
            nxt = k.post("/api/v1/halls/test/tickets", json={"service": "GEN"})
            assert nxt.status_code == 201, nxt.text
    finally:
        stop_server(srv)
    verified = subprocess.run(
        [sys.executable, "-m", "hallq.cli", "audit", "verify", "--db", url, "--config", str(TEST_CONFIG)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

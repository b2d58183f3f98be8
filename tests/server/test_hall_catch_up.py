"""A server process keeps its Hall current with another process's commits by taking in the rows they changed
(``Hall.catch_up``), not by rebuilding the day (issue 14, item 3). What a hall would notice if that went
wrong: a counter calling a ticket the other process already called or cancelled, a number issued twice, a
waiting count or a window that differs between the two processes.

Two ``HallService`` instances on one SQLite file stand for two processes behind the load balancer; after
every step of random work by either, each one's Hall must equal a Hall rebuilt from the tables.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import select

from server.core import Hall
from server.halls import repo
from server.halls.errors import Problem
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.storage import schema as t
from server.storage.db import make_engine, read_transaction, upgrade
from tests.server.test_readmodels import CLERK, HALL, KIOSK, OPS, SERVICES, T0, Clock, _command

pytestmark = pytest.mark.timeout(300)


def _state(hall: Hall) -> dict:
    """What the two processes must agree on: every ticket, every window, the call order per service and lane,
    the next number per service, the tide controller's memory."""
    return {
        "tickets": sorted((tk.to_dict() for tk in hall.tickets()), key=lambda d: d["id"]),
        "windows": [w.to_dict() for w in hall.windows()],
        "waiting": {code: [tk.id for tk in hall.waiting(code)] for code in SERVICES},
        "numbers": dict(hall._numbers._last),
        "tide": hall.tide_memory,
        "tide_windows": hall._tide_by_service,
    }


@settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_a_hall_kept_current_from_the_other_process_equals_the_hall_rebuilt(tmp_path_factory, deployment,
                                                                             ops) -> None:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('catch-up') / 'hallq.db'}")
    upgrade(engine)
    sync_config(engine, deployment, now=T0)
    clock = Clock()
    processes = HallService(engine, deployment, clock=clock), HallService(engine, deployment, clock=clock)
    caught_up = 0
    try:
        for which, op in ops:
            action, command, window = _command(op)
            with contextlib.suppress(Problem):
                processes[which].mutate(HALL, command, who=CLERK if window else KIOSK, action=action,
                                        window=window)
            for svc in processes:
                held = svc._cache.get(HALL)
                with svc.view(HALL) as (hall, _seq, now):
                    caught_up += held is not None and hall is held.hall  # taken in, not rebuilt
                    with read_transaction(engine) as conn:
                        memory = conn.execute(select(t.halls.c.tide_memory).where(t.halls.c.id == HALL)).scalar_one()
                        rebuilt = Hall(svc.config(HALL), svc.calendar, svc.tz,
                                       tickets=repo.load_tickets(conn, HALL, svc.local_day(now)),
                                       windows=repo.load_windows(conn, HALL), tide_memory=json.loads(memory))
                    assert _state(hall) == _state(rebuilt)
        assert caught_up >= len(ops)  # each process mostly kept its Hall
    finally:
        engine.dispose()

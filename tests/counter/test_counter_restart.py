"""A server restart mid-shift: the terminal says it is offline, disables what needs the server, keeps
the clerk's press and the visitor's rating, reconnects by itself, and applies each exactly once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from counter_helpers import (
    CLERK_A,
    HALL,
    add_staff,
    current,
    finish,
    serve,
    settle,
    shoot,
    signed_in,
    start_counter_server,
    wait_until,
)
from sqlalchemy import func, select

from client import HallClient
from counter import Act
from drivers.pad import open_pad
from drivers.pad.simulator import PadSimulator
from drivers.terminal import Devices
from server.storage import schema as t
from tests.server.conftest import ServerProcess, stop_server

pytestmark = pytest.mark.timeout(300)


class Restartable:
    """One server on one SQLite file and one port, stopped and started again by the test."""

    def __init__(self, workdir) -> None:
        self.workdir = workdir
        self.srv: ServerProcess = start_counter_server(workdir)
        add_staff(self.srv)

    def stop(self) -> None:
        stop_server(self.srv)

    def start(self) -> None:
        port = int(self.srv.base_url.rsplit(":", 1)[1])
        tokens = self.srv.tokens
        self.srv = start_counter_server(self.workdir, port=port)
        self.srv.tokens.update(tokens)

    def close(self) -> None:
        if self.srv.proc.poll() is None:
            stop_server(self.srv)


@pytest.fixture
def hall_server(tmp_path) -> Iterator[Restartable]:
    server = Restartable(tmp_path)
    yield server
    server.close()


@pytest.fixture
def pad_sim() -> Iterator[PadSimulator]:
    with PadSimulator() as sim:
        yield sim


def count(srv: ServerProcess, table, **where) -> int:
    with srv.engine.connect() as conn:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return conn.execute(query).scalar_one()


def test_a_server_restart_mid_shift_loses_and_repeats_nothing(qtbot, tmp_path, hall_server, pad_sim,
                                                             make_counter) -> None:
    counter = make_counter(hall_server.srv, 1, Devices(pad=open_pad(pad_sim.url_for(1, timeout=2))))
    ctrl, main = counter.controller, counter.window.main
    signed_in(qtbot, counter, CLERK_A)
    with HallClient(hall_server.srv.base_url, hall_server.srv.tokens["kiosk"]) as kiosk:
        first, second = kiosk.issue(HALL, "GEN"), kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, first.number)
    finish(qtbot, counter)
    assert pad_sim.wait_for(lambda: pad_sim.lights(), timeout=20)

    hall_server.stop()  # the GUI thread is busy here: the terminal has not noticed yet
    pad_sim.press(3)  # the visitor rates while the server is down …
    main.buttons[Act.CALL].click()  # … and the clerk calls the next visitor
    wait_until(qtbot, lambda: not ctrl.online and ctrl.outbox.held)
    wait_until(qtbot, lambda: len(ctrl.outbox.pending) == 2)
    texts = main.banners.texts()
    assert any("与服务器的连接已断开" in s for s in texts)
    assert any(s.startswith("待发送：叫号、提交评价") for s in texts)
    assert not any(b.isEnabled() for b in main.buttons.values())  # nothing that needs the server
    assert main.link.text() == "● 离线"
    shoot(counter, tmp_path, "offline")

    hall_server.start()  # same database, same port: the terminal finds it by itself
    srv = hall_server.srv
    wait_until(qtbot, lambda: ctrl.online and not ctrl.outbox.busy)
    settle(qtbot, counter)
    assert current(counter) is not None and current(counter).id == second.id
    assert main.number.text() == second.number
    assert not any("断开" in s or "待发送" in s for s in main.banners.texts())
    # exactly once: one call of the second visitor, one rating of the first
    assert count(srv, t.events, ticket=second.id, kind="ticket.called") == 1
    assert count(srv, t.tickets, hall=HALL, state="called") == 1
    with srv.engine.connect() as conn:
        scores = conn.execute(select(t.ratings.c.score).where(t.ratings.c.ticket_id == first.id)).scalars().all()
    assert scores == [3]
    wait_until(qtbot, lambda: main.rating.text() == f"{first.number}：评价结果已记录")
    press_on = main.buttons[Act.START]
    assert press_on.isEnabled()
    press_on.click()
    settle(qtbot, counter)
    finish(qtbot, counter)
    assert count(srv, t.tickets, id=second.id, state="done") == 1

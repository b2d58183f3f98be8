"""Fixtures for the counter terminal tests: a real ``hallq server`` process (the server tests' own start-up
code, with the counter test hall config), clerks and device tokens, sim devices, and the real terminal,
offscreen, driven with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from counter_helpers import FAST, HALL, MANAGER, add_staff, start_counter_server, wait_until

from client import HallClient
from counter import Counter, Timings
from drivers.terminal import Devices
from tests.server.conftest import ServerProcess, stop_server
from tests.support.inputs import inputs  # noqa: F401  (fixture: the rating tests' /dev/input)
from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)
from tests.support.windows import serve_out


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per test session (per xdist worker): starting one costs seconds; ``clean_hall`` keeps
    the tests apart."""
    srv = start_counter_server(tmp_path_factory.mktemp("counter-server"))
    add_staff(srv)
    try:
        yield srv
    finally:
        stop_server(srv)


def client(srv: ServerProcess, token: str | None) -> HallClient:
    return HallClient(srv.base_url, token, timeout=30, backoff=FAST)


@pytest.fixture
def kiosk(server: ServerProcess) -> Iterator[HallClient]:
    """Issues the visitors' tickets."""
    with client(server, server.tokens["kiosk"]) as c:
        yield c


@pytest.fixture
def manager(server: ServerProcess) -> Iterator[HallClient]:
    with client(server, server.tokens["manager"]) as c:
        yield c


def reset_hall(mgr: HallClient) -> None:
    """Leave every window closed and nobody waiting: serve whatever a test left (as the manager)."""
    for n in (1, 2, 3, 4):
        info = mgr.window(HALL, n)
        if info.tide_service:
            mgr.close_tide(HALL, n)
        if info.status == "closed":
            mgr.sign_in(HALL, n)
        elif info.clerk is None or info.clerk.staff_no != MANAGER:
            mgr.takeover(HALL, n)
        serve_out(mgr, HALL, n)
        mgr.sign_out(HALL, n)


@pytest.fixture
def clean_hall(manager: HallClient) -> Iterator[None]:
    """Each test leaves an empty hall, whatever happened in it (the tests share one server)."""
    yield
    reset_hall(manager)


@pytest.fixture
def make_counter(qtbot: Any) -> Iterator[Callable[..., Counter]]:
    """``make_counter(server, window=1, devices=None, **create_kwargs)``: a started terminal with its own
    counter device token, shown offscreen, online. Closed after the test (devices too)."""
    made: list[Counter] = []

    def make(srv: ServerProcess, window: int = 1, devices: Devices | None = None, *,
             size: tuple[int, int] = (1366, 768), wait_online: bool = True, **kwargs: Any) -> Counter:
        token = srv.add_device("counter", hall=HALL, window=window)
        kwargs.setdefault("timings", Timings(probe_ms=100))
        kwargs.setdefault("stream_options", {"backoff": FAST})
        kwargs.setdefault("heartbeat", False)
        counter = Counter.create(srv.base_url, token, window, devices or Devices(), hall=HALL, **kwargs)
        made.append(counter)
        counter.window.resize(*size)
        counter.window.show()
        counter.start()
        if wait_online:
            wait_until(qtbot, lambda: counter.controller.online and counter.controller.info is not None)
        return counter

    yield make
    for counter in made:
        counter.close()

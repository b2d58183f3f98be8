"""Fixtures for the kiosk tests: a real ``hallq server`` process (the server tests' own start-up code,
with the kiosk test hall config), real sim devices (printer, announcer folder, touch) and the real
kiosk app, offscreen, driven with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk_helpers import CLERK_STAFF, MAINT_STAFF, PIN, WAIT_MS, start_kiosk_server, support

from drivers.announcer import open_announcer
from drivers.printer import open_printer
from drivers.terminal import Devices
from drivers.touch import open_touch


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One server process per test process (an xdist worker runs whole files): tests use tickets and
    services so that they do not depend on each other's (daily caps are taken "at the latest" twice)."""
    srv = start_kiosk_server(tmp_path_factory.mktemp("kiosk-server"))
    srv.add_clerk(MAINT_STAFF, pin=PIN, role="maintenance", hall=None, name="维护员甲")
    srv.add_clerk(CLERK_STAFF, pin=PIN, role="clerk", windows=(1,), hall="kiosk", name="工作人员乙")
    srv.tokens["kiosk"] = srv.add_device("kiosk", hall="kiosk")
    srv.tokens["shut"] = srv.add_device("kiosk", hall="shut")
    try:
        yield srv
    finally:
        support.stop_server(srv)


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[Devices]:
    voice = tmp_path / "voice"
    devs = Devices(printer=open_printer("sim://"), announcer=open_announcer(f"sim://?dir={voice}&synth=0"),
                   touch=open_touch("sim://"))
    yield devs
    devs.close()


@pytest.fixture
def make_kiosk(qtbot, devices: Devices) -> Iterator[Callable]:
    """``make_kiosk(server, hall="kiosk", size=(1920, 1080), **create_kwargs)``: a started kiosk, shown
    offscreen, with the categories loaded. Closed after the test."""
    from kiosk.app import Kiosk

    made: list[Kiosk] = []

    def make(server, hall: str = "kiosk", size: tuple[int, int] = (1920, 1080), load: bool = True,
             **kwargs):
        kiosk = Kiosk.create(server.base_url, server.tokens[hall], devices, hall=hall, **kwargs)
        made.append(kiosk)
        kiosk.window.resize(*size)
        kiosk.window.show()
        if load:
            with qtbot.waitSignal(kiosk.controller.catalog_ready, timeout=WAIT_MS):
                kiosk.start()
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()

"""Fixtures for the display tests: a real ``hallq server`` process with the display test hall (one per
module), its people, real ``sim://`` announcers (espeak-ng WAVs or text only) and the real display app,
offscreen, driven with pytest-qt."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client.appkit import apply_cjk_font
from drivers.announcer import open_announcer
from drivers.terminal import Devices
from tests.display.display_support import FAST_LINK, HALL, WAIT_MS, People, make_people, start_display_server
from tests.server.conftest import ServerProcess, stop_server


@pytest.fixture(autouse=True)
def cjk_font(qapp) -> None:
    apply_cjk_font(qapp)  # what `hallq display` does through make_application()


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Every stream, announcer and heartbeat thread of the app ends with its test."""
    before = set(threading.enumerate())
    yield
    started = [t for t in threading.enumerate() if t not in before and t.name.startswith(("hallq-", "test-"))]
    for thread in started:
        thread.join(timeout=15)
    assert [t.name for t in started if t.is_alive()] == []


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = start_display_server(tmp_path_factory.mktemp("display-server"))
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def people(server: ServerProcess) -> People:
    return make_people(server)


@pytest.fixture
def staff(people: People) -> Iterator:
    with people.client(people.manager_token) as client:
        yield client


@pytest.fixture
def kiosk(people: People) -> Iterator:
    with people.client(people.kiosk) as client:
        yield client


@pytest.fixture
def announcer_url(tmp_path: Path) -> Callable[..., str]:
    """``announcer_url("a", synth=True)`` → a ``sim://`` URL writing into its own folder."""

    def url(name: str = "voice", *, synth: bool = False, **options: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in options.items())
        return f"sim://?dir={tmp_path / name}&synth={int(synth)}{extra}"

    return url


@pytest.fixture
def make_display(qtbot, people: People) -> Iterator[Callable]:
    """``make_display(announcer_url, server_url=None, **create_kwargs)``: a started display, shown
    offscreen at 1920×1080, with the hall's snapshot on the board. Closed after the test."""
    from display.app import Display

    made: list[Display] = []

    def make(announcer: str | None = None, *, base_url: str | None = None, wait_ready: bool = True,
             size: tuple[int, int] = (1920, 1080), token: str | None = None, **kwargs):
        devices = Devices(announcer=open_announcer(announcer) if announcer else None)
        kwargs.setdefault("hall", HALL)
        kwargs.setdefault("stream_options", FAST_LINK)
        display = Display.create(base_url or people.server.base_url, token or people.display_token(), devices,
                                 **kwargs)
        made.append(display)
        display.window.resize(*size)
        display.window.show()
        if wait_ready:
            with qtbot.waitSignal(display.board.ready, timeout=WAIT_MS):
                display.start()
        else:
            display.start()
        return display

    yield make
    for display in made:
        display.close()

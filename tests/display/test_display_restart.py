"""A server killed (SIGKILL) and restarted mid-stream: the board loses no call and speaks each once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.display.display_support import (
    HALL,
    WAIT_MS,
    WAIT_S,
    clear_windows,
    spoken,
    start_display_server,
    voice_texts,
)
from tests.server.conftest import ServerProcess, stop_server

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def incarnations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """The server this module kills; every incarnation is stopped at the end."""
    servers = [start_display_server(tmp_path_factory.mktemp("display-restart"))]
    try:
        yield servers
    finally:
        for srv in servers:
            stop_server(srv)


@pytest.fixture(scope="module")
def server(incarnations: list[ServerProcess]) -> ServerProcess:
    return incarnations[0]


def test_a_server_restart_mid_stream_loses_no_call(qtbot, make_display, announcer_url, incarnations,
                                                   staff, kiosk) -> None:
    first = incarnations[0]
    clear_windows(staff, [1, 2, 3])
    display = make_display(announcer_url())
    for _ in range(5):
        kiosk.issue(HALL, "MA01")
    calls = [staff.call(HALL, 1).ticket, staff.call(HALL, 2).ticket]
    qtbot.waitUntil(lambda: len([c for c in display.board.calls.calls() if c.seq]) == 2, timeout=WAIT_MS)

    staff.start(HALL, 1)
    staff.finish(HALL, 1, "completed")
    calls.append(staff.call(HALL, 1).ticket)  # the board may or may not have this one when …
    first.proc.kill()  # … the server dies without a goodbye
    first.proc.wait(timeout=WAIT_S)
    incarnations.append(start_display_server(first.workdir, port=int(first.base_url.rsplit(":", 1)[1])))

    # the clients reconnect by themselves; the board replays whatever it missed
    staff.start(HALL, 2)
    staff.finish(HALL, 2, "completed")
    calls.append(staff.call(HALL, 2).ticket)
    calls.append(staff.call(HALL, 3).ticket)
    expected = [(calls[0].number, 1), (calls[1].number, 2), (calls[2].number, 1), (calls[3].number, 2),
                (calls[4].number, 3)]

    def board_calls() -> list[tuple[str, int]]:
        return [(c.number, c.window) for c in display.board.calls.calls() if c.seq][::-1]

    qtbot.waitUntil(lambda: board_calls() == expected and not display.board.catchup.holding, timeout=WAIT_MS)
    assert voice_texts(display.devices.announcer) == [spoken(number, window) for number, window in expected]
    assert display.board.online and not display.board.offline

"""Kiosk and counter started as deploy/kiosk starts them: on a bare X server, no window manager, no --size.

Before show_window took the screen's geometry they opened at their size hint (kiosk 828×752, counter
905×606) in the corner of a 1366×768 screen, tile titles one character per line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.conftest import need
from tests.deploy.xserver import bare_fraction, bare_x, grab_root, top_windows
from tests.server.conftest import ServerProcess, start_server, stop_server

SCREEN = (1366, 768)  # the most common lobby/counter panel
APPEAR_DEADLINE_S = 60
SHOTS = os.environ.get("HALLQ_DEPLOY_SHOTS")  # a directory to keep the screenshots in (docs/img)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> ServerProcess:
    workdir = tmp_path_factory.mktemp("bare-x")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    yield srv
    stop_server(srv)


def _run_app(display: str, args: list[str], title: str, shot: Path) -> tuple[tuple[int, int], float]:
    """Start ``hallq <args>`` on ``display``; once its window is mapped and painted, grab the screen."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    log = shot.with_suffix(".log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hallq.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + APPEAR_DEADLINE_S
        while True:  # polls the X server for the app's window, then for its paint: not a timing assumption
            assert proc.poll() is None, f"hallq {args[0]} exited {proc.returncode}:\n{log.read_text()}"
            sizes = [(w, h) for t, w, h in top_windows(display) if title in t]
            answered = b"200 OK" in log.read_bytes()  # the app's first answer from the server (httpx log)
            if sizes and sizes[0] != (1, 1) and answered:
                image = grab_root(display, shot)
                again = grab_root(display, shot.with_name("again.png"))
                if bare_fraction(image) < 0.01 and image.tobytes() == again.tobytes():  # painted and settled
                    return sizes[0], bare_fraction(image)
            if time.monotonic() > deadline:
                image = grab_root(display, shot)
                return (sizes[0] if sizes else (0, 0)), bare_fraction(image)
            time.sleep(0.2)  # polling interval
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, Path(SHOTS) / shot.name)


@pytest.mark.parametrize("role", ["kiosk", "counter"])
def test_app_fills_a_bare_x_screen(role: str, server: ServerProcess, tmp_path: Path) -> None:
    need("Xvfb", "xvfb")
    need("xwininfo", "x11-utils")
    need("import", "imagemagick")
    if role == "kiosk":
        token = server.add_device("kiosk")
        args = ["kiosk", "--server", server.base_url, "--token", token, "--hall", "test"]
        title = "kiosk"
    else:
        token = server.add_device("counter", window=1)
        args = ["counter", "--server", server.base_url, "--token", token, "--window", "1", "--hall", "test"]
        title = "counter"
    with bare_x(*SCREEN) as display:
        assert not any("wm" in t.lower() for t, _w, _h in top_windows(display))  # nothing but the app
        size, bare = _run_app(display, args, title, tmp_path / f"deploy-{role}-bare-x.png")
    assert size == SCREEN, f"{role} window is {size[0]}×{size[1]} on a {SCREEN[0]}×{SCREEN[1]} screen"
    assert bare < 0.01, f"{bare:.0%} of the screen still shows the bare root window"

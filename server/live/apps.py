"""With a screen (``DISPLAY`` / ``WAYLAND_DISPLAY``), ``hallq run`` also opens the kiosk, one counter
terminal and the lobby display — each its own ``hallq kiosk|counter|display`` process, as in a hall —
on the demo's server. Apps whose command this installation lacks are skipped quietly.

The counter opens at the window of the shipped counter terminal file (window 3): the simulated clerks
leave that window to the person at the screen (log in as ``D03``, PIN ``135790``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from client.appkit import has_display

from .site import Accounts

APPS = ("kiosk", "counter", "display")
STOP_TIMEOUT_S = 5


def available() -> list[str]:
    from hallq.cli import COMMANDS

    return [a for a in APPS if a in COMMANDS]


def wanted(enabled: bool) -> bool:
    return enabled and has_display() and bool(available())


def human_window() -> int | None:
    """The window the counter app serves (its shipped terminal file's ``window``)."""
    from config.errors import ConfigError
    from drivers.terminal import load_terminal, shipped_terminal_config

    try:
        return load_terminal(shipped_terminal_config("counter")).window
    except (ConfigError, OSError):
        return None


def launch(url: str, hall: str, acc: Accounts, window: int | None, root: Path) -> list[subprocess.Popen]:
    """Start the apps; their output goes to ``var/live-apps.log``."""
    from drivers.terminal import shipped_terminal_config

    log = open(root / "var" / "live-apps.log", "ab")  # noqa: SIM115 - shared by the children, closed by them
    procs = []
    tokens = {"kiosk": acc.screen_kiosk, "display": acc.display,
              "counter": acc.counters.get(window) if window is not None else None}
    for app in available():
        token = tokens[app]
        if not token:
            continue
        cmd = [sys.executable, "-m", "hallq.cli", app, "--server", url, "--token", token, "--hall", hall,
               "--windowed", "--config", str(shipped_terminal_config(app))]
        if app == "counter":
            cmd += ["--window", str(window)]
        procs.append(subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1"}))
    log.close()
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

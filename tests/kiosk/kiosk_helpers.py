"""Helpers shared by the kiosk tests (a module with its own name: ``conftest`` is ambiguous)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt

from drivers.terminal import Devices

HERE = Path(__file__).parent
KIOSK_CONFIG = HERE / "hall_kiosk.toml"
WAIT_MS = 20_000  # generous: a loaded CI machine must not fail a test on time
MAINT_STAFF, CLERK_STAFF, PIN = "9001", "9002", "2468"


def _server_support():
    """tests/server/conftest.py, loaded under its own name: its ``start_server`` / ``stop_server`` are
    the one way the test suite runs a server process (a conftest cannot be imported by name)."""
    name = "hallq_server_test_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "server" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _server_support()


def start_kiosk_server(workdir: Path, port: int | None = None):
    # a repeated --config wins over the server tests' config (argparse keeps the last value)
    return support.start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--config", str(KIOSK_CONFIG),
                                port=port)


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def take(qtbot, kiosk, *taps) -> None:
    """Tap the widgets in order; the last tap must produce a printed ticket."""
    for widget in taps[:-1]:
        tap(qtbot, widget)
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, taps[-1])


def voice_texts(devices: Devices) -> list[str]:
    """What the announcer was asked to say so far (sim:// writes one .txt per item)."""
    announcer = devices.announcer
    assert announcer is not None
    assert announcer.wait_idle(WAIT_MS / 1000)
    folder = Path(announcer.url.split("dir=", 1)[1].split("&", 1)[0])
    return [p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.txt"))]


def wait_until(qtbot, predicate: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    """Process events until ``predicate()`` holds (qtbot.waitUntil polls the event loop, no sleeps)."""
    qtbot.waitUntil(predicate, timeout=timeout_ms)

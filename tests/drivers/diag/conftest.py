"""Fixtures for the diagnostics tests: terminal config files, and a real hall server process
started with the server tests' own helper (tests/server/conftest.py)."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

SERVER_TESTS = Path(__file__).resolve().parents[2] / "server"


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Every check, heartbeat, simulator and device thread ends with its test."""
    before = set(threading.enumerate())
    yield
    started = [t for t in threading.enumerate() if t not in before]
    for thread in started:
        thread.join(timeout=10)
    assert [t.name for t in started if t.is_alive()] == []


@pytest.fixture
def terminal_file(tmp_path: Path) -> Callable[..., Path]:
    """``terminal_file(printer="sim://", …, role=…, window=…)`` → a terminal TOML in tmp_path."""

    def write(role: str = "counter", hall: str = "test", window: int | None = 1, name: str = "terminal.toml",
              **devices: str) -> Path:
        lines = [f'role = "{role}"', f'hall = "{hall}"']
        if window is not None:
            lines.append(f"window = {window}")
        lines.append("[devices]")
        lines += [f'{kind} = "{url}"' for kind, url in devices.items()]
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def _server_helpers() -> ModuleType:
    """tests/server/conftest.py as a module of its own (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("hallq_server_test_helpers", SERVER_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up there
    spec.loader.exec_module(sys.modules[spec.name])
    return module


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One real ``hallq server`` per test module on a fresh SQLite file (hall ``test``)."""
    helpers = _server_helpers()
    workdir = tmp_path_factory.mktemp("diag-server")
    srv = helpers.start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    try:
        yield srv
    finally:
        helpers.stop_server(srv)

"""Fixtures for the diagnostics tests: terminal config files, and a real hall server process
started with the server tests' own helper (tests/server/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server.conftest import start_server, stop_server
from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)


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


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One real ``hallq server`` per test module on a fresh SQLite file (hall ``test``)."""
    workdir = tmp_path_factory.mktemp("diag-server")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    try:
        yield srv
    finally:
        stop_server(srv)

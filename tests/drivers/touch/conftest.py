from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from drivers import evdevinput
from drivers.evdevinput import PipeInputDirectory


@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeInputDirectory]:
    """/dev/input with pipe-backed devices: the only mocked seam (no /dev/uinput here)."""
    directory = PipeInputDirectory()
    monkeypatch.setattr(evdevinput, "InputDevice", directory.open)
    monkeypatch.setattr(evdevinput, "list_devices", directory.list_devices)
    yield directory
    directory.close()


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    started = [t for t in threading.enumerate() if t not in before]
    for thread in started:
        thread.join(timeout=5)
    assert [t.name for t in started if t.is_alive()] == []

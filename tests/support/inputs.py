"""/dev/input for the touch panel and rating pad tests."""

from __future__ import annotations

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

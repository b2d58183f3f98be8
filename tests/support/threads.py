"""The one check that a test leaves no Python thread of its own running."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

JOIN_S = 10  # how long a thread the test started may take to end after it (only a leak waits this long)


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Every reader, dispatcher, simulator, stream and heartbeat thread ends with its test.

    Qt's pool threads are not ours: once Python code (logging) ran on one it shows up as a
    ``_DummyThread``, which cannot be joined, so those are passed over.
    """
    before = set(threading.enumerate())
    yield
    started = [t for t in threading.enumerate()
               if t not in before and not isinstance(t, threading._DummyThread)]
    for thread in started:
        thread.join(timeout=JOIN_S)
    assert [t.name for t in started if t.is_alive()] == []

"""Fixtures for the announcer tests: announcers that are always closed, so no worker thread or
synthesis process outlives a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from drivers.announcer import Announcer, open_announcer


@pytest.fixture
def announcer() -> Iterator[Callable[[str], Announcer]]:
    """``announcer(url)`` opens an announcer that is closed at the end of the test."""
    opened: list[Announcer] = []

    def _open(url: str) -> Announcer:
        ann = open_announcer(url)
        opened.append(ann)
        return ann

    yield _open
    for ann in opened:
        ann.close()

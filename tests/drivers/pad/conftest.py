"""Fixtures for the rating pad tests: pipe-backed /dev/input, the pad simulator; no thread outlives a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.pad.simulator import PadSimulator
from tests.support.inputs import inputs  # noqa: F401  (fixture)
from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)


@pytest.fixture
def pad_sim() -> Iterator[PadSimulator]:
    with PadSimulator() as sim:
        yield sim

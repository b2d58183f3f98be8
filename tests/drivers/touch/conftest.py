"""Fixtures for the touch panel tests: pipe-backed /dev/input; no thread outlives a test."""

from tests.support.inputs import inputs  # noqa: F401  (fixture)
from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)

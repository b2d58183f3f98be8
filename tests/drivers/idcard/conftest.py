"""Fixtures for the ID card reader tests: every port reader, watcher and simulator thread ends with its test."""

from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)

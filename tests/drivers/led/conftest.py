"""Fixtures for the window LED tests: every bus reader, dispatcher and simulator thread ends with its test."""

from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)

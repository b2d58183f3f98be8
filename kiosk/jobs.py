"""Blocking calls (HTTP, printer, speaker, device checks) off the GUI thread, results back on it.

``submit(fn, *args, on_done=…, on_error=…)``: ``fn`` runs on a ``QThreadPool`` worker; ``on_done(result)``
or ``on_error(exc)`` then run on the thread that owns this object (the GUI thread), through a queued
signal. This is the shape of ``server.client.qt.QtHallLink.submit``, so the kiosk's controller takes
either. ``close()`` waits (bounded) for running jobs, so no worker outlives the app or a test.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, owner: Jobs, fn: Callable[..., Any], args: tuple, on_done, on_error) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._owner, self._fn, self._args = owner, fn, args
        self._on_done, self._on_error = on_done, on_error

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except Exception as exc:  # delivered to on_error on the GUI thread
            self._owner._finished.emit(self._on_error, exc, True)
        else:
            self._owner._finished.emit(self._on_done, result, False)


class Jobs(QObject):
    _finished = Signal(object, object, bool)  # callback, value, is_error

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._finished.connect(self._deliver)
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], object] | None = None,
               on_error: Callable[[BaseException], object] | None = None) -> None:
        if self._closed:
            return
        self.pool.start(_Job(self, fn, args, on_done, on_error))

    def _deliver(self, callback, value: object, is_error: bool) -> None:
        if self._closed:
            return
        if callback is None:
            if is_error:
                log.error("background job failed: %r", value)
            return
        callback(value)

    def close(self, timeout_ms: int = 15_000) -> bool:
        """Stop delivering results and wait for running jobs; False if some are still running."""
        self._closed = True
        return self.pool.waitForDone(timeout_ms)

"""Helpers shared by the announcer tests (a unique module name: ``conftest`` is not importable
reliably when several test folders have one)."""

from __future__ import annotations

import threading

from drivers.announcer import Announcement, Announcer

# the call every test speaks (DOMAIN.md: the lobby display says "请 A012 号到 3 号窗口办理")
CALL_NUMBER, CALL_WINDOW = "A012", 3
WAIT = 60.0  # generous: waits end on events, this is only the give-up point


class Events:
    """Records ("start"|"finish", seq) in the order the worker reports them."""

    def __init__(self, announcer: Announcer) -> None:
        self.log: list[tuple[str, int]] = []
        self.finished: list[Announcement] = []
        self._cond = threading.Condition()
        announcer.on_started(self._started)
        announcer.on_finished(self._finished)

    def _started(self, item: Announcement) -> None:
        with self._cond:
            self.log.append(("start", item.seq))
            self._cond.notify_all()

    def _finished(self, item: Announcement) -> None:
        with self._cond:
            self.log.append(("finish", item.seq))
            self.finished.append(item)
            self._cond.notify_all()

    def wait_finished(self, count: int, timeout: float = WAIT) -> list[Announcement]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.finished) >= count, timeout), self.log
            return list(self.finished)

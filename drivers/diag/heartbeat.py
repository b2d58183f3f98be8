"""The terminal's heartbeat: every N seconds, each device's health goes to the hall server.

Issue 4 §7: every terminal reports its devices' health so that ``hallq devices`` lists the fleet
and a device that fails or falls silent shows up (001 第十四条: real-time monitoring).

A round checks every device concurrently, each within its own time limit
(:func:`~drivers.diag.checks.check_terminal`), then posts once. A failed post (server down,
network cut, token refused) is logged and the next round simply tries again; nothing is raised
into the app and a dead device or server never delays the round by more than the limits (the
client's own timeout and retries bound the post: give the heartbeat a client with ``retries=0``,
the next round is its retry).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from drivers.health import Health

from .checks import check_terminal
from .report import heartbeat_reports

__all__ = ["Heartbeat", "HeartbeatClient"]

log = logging.getLogger(__name__)


class HeartbeatClient(Protocol):
    """Where beats go: the apps' :class:`client.HallClient` (a device token) does it over HTTP."""

    def heartbeat(self, reports: list[dict[str, Any]]) -> None: ...


class Heartbeat:
    """``Heartbeat(client, devices, interval_s)``: a daemon thread posting every ``interval_s``.

    ``devices`` is a :class:`~drivers.terminal.Devices` (anything with ``opened()``, ``kinds`` and
    ``failed``). ``start()`` beats at once, then every interval; ``stop()`` ends the thread.
    ``beat()`` does one round on the caller's thread (``hallq diag --send``) and says whether the
    server took it. ``limit_s`` overrides every device's check limit.
    """

    def __init__(self, client: HeartbeatClient, devices: Any, interval_s: float, *,
                 limit_s: float | None = None) -> None:
        if not interval_s > 0:
            raise ValueError(f"interval_s must be > 0, got {interval_s!r}")
        self.client = client
        self.devices = devices
        self.interval_s = interval_s
        self.limit_s = limit_s
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0  # rounds the server took
        self.failed = 0  # rounds whose post failed
        self.last_health: list[Health] = []
        self.last_error: Exception | None = None

    def beat(self) -> bool:
        """One round: check every device, post. True if the server accepted it; never raises."""
        try:
            healths = check_terminal(self.devices, limit_s=self.limit_s)
        except Exception as exc:  # a bug in a check must not stop the heartbeat
            log.exception("heartbeat: checking devices failed")
            return self._done(False, exc, [])
        try:
            self.client.heartbeat(heartbeat_reports(healths))
        except Exception as exc:
            log.warning("heartbeat not sent, next try in %.0f s: %s", self.interval_s, exc)
            return self._done(False, exc, healths)
        return self._done(True, None, healths)

    def _done(self, ok: bool, error: Exception | None, healths: list[Health]) -> bool:
        with self._cv:
            self.last_health = healths
            self.last_error = error
            if ok:
                self.sent += 1
            else:
                self.failed += 1
            self._cv.notify_all()
        return ok

    def wait_rounds(self, count: int, timeout: float) -> bool:
        """Block until ``count`` rounds (sent or failed) have been done in total."""
        with self._cv:
            return self._cv.wait_for(lambda: self.sent + self.failed >= count, timeout)

    def start(self) -> Heartbeat:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hallq-heartbeat", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.beat()
            self._stop.wait(self.interval_s)

    def stop(self, timeout: float = 60.0) -> None:
        """End the thread, after the round in progress (bounded by the check limits). Idempotent."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("heartbeat thread did not stop within %.0f s", timeout)

    def __enter__(self) -> Heartbeat:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

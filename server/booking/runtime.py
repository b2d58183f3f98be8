"""Wiring of the booking parts into a running server (I/O): policy and notifier from the environment,
the BookingService, the NoticeWatcher as a HallService listener, and the periodic sweep.

Environment: ``HALLQ_NOTIFY`` (notifier URL, default ``log:``; see ``server.notify``),
``HALLQ_BOOKING_<FIELD>`` (``BookingPolicy`` overrides), ``HALLQ_BOOKING_SWEEP_S`` (default 30 s:
no-shows written down, reminders checked for calls made by other processes).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from server.halls.service import HallService
from server.notify import Notifier, open_notifier

from .policy import BookingPolicy
from .service import BookingService
from .watcher import NoticeWatcher

log = logging.getLogger("hallq.booking")


@dataclass
class BookingRuntime:
    service: BookingService
    watcher: NoticeWatcher
    notifier: Notifier
    sweep_interval_s: float = 30.0

    @classmethod
    def start(cls, halls: HallService, secret: bytes, env: Mapping[str, str]) -> BookingRuntime:
        """Raises ``ValueError`` (``NotifierError`` included) for a bad setting, before anything starts."""
        policy = BookingPolicy.from_env(env)
        notifier = open_notifier(env.get("HALLQ_NOTIFY", "log:"))
        try:
            interval = float(env.get("HALLQ_BOOKING_SWEEP_S", "30"))
        except ValueError:
            raise ValueError("HALLQ_BOOKING_SWEEP_S 应为秒数（HALLQ_BOOKING_SWEEP_S must be seconds）") from None
        watcher = NoticeWatcher(halls, notifier, policy.notify_ahead)
        halls.listeners.append(watcher.on_commit)
        return cls(BookingService(halls, secret, policy), watcher, notifier, interval)

    def sweep(self) -> None:
        """One round of background work; errors are logged, never raised."""
        try:
            n = self.service.sweep()
            if n:
                log.info("%d bookings recorded as no-shows", n)
        except Exception:
            log.exception("no-show sweep failed")
        try:
            self.watcher.check_all()
        except Exception:
            log.exception("reminder check failed")

    def close(self) -> None:
        listeners = self.service.halls.listeners
        if self.watcher.on_commit in listeners:
            listeners.remove(self.watcher.on_commit)
        self.notifier.close()

"""Putting the kiosk together: client, devices, heartbeat, controller, window — and taking it apart.

:class:`Kiosk` is what ``hallq kiosk`` runs and what the tests and the benchmark build, so all three
exercise the same assembly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from client.appkit import tear_down
from client.http import HallClient
from client.i18n import Lang
from client.qt import QtHallLink
from drivers.diag.heartbeat import Heartbeat
from drivers.terminal import Devices

from .cardflow import CardFlow
from .controller import KioskController
from .timings import Timings
from .window import KioskWindow

log = logging.getLogger("hallq.kiosk")

# A visitor waits for the answer: fail fast to the "暂停取号" banner rather than retry for long.
# Worst case ≈ (retries + 1) × timeout + backoff ≈ 6.3 s; a refused connection fails in ~0.3 s.
HTTP_TIMEOUT_S = 3.0
HTTP_RETRIES = 1
# Workers for blocking calls: HTTP, printing and the heartbeat's device checks run side by side, so a
# slow check (up to its limit) never holds a visitor's ticket back. Order between them does not matter.
WORKERS = 4


STREAM_STOP_S = 1.0  # close(): how long the hall.config event stream may take to stop


@dataclass
class Kiosk:
    client: HallClient
    devices: Devices
    link: QtHallLink
    controller: KioskController
    window: KioskWindow
    extra: list[Any] = field(default_factory=list)
    cards: CardFlow | None = None  # the ID card reader's flow (issue 18), when the kiosk has one

    @classmethod
    def create(cls, server: str, token: str | None, devices: Devices | None = None, *, hall: str | None = None,
               lang: Lang = "zh", timings: Timings | None = None, tz: str = "Asia/Shanghai") -> Kiosk:
        """Build (not start) a kiosk; a ``QApplication`` must exist (``appkit.make_application``)."""
        from PySide6.QtWidgets import QApplication

        from client.appkit import apply_cjk_font

        apply_cjk_font(QApplication.instance())  # also when the app was made elsewhere (tests, embedding)
        timings = timings or Timings()
        devices = devices or Devices()
        client = HallClient(server, token, timeout=HTTP_TIMEOUT_S, retries=HTTP_RETRIES)
        link = QtHallLink(client, hall or "", max_workers=WORKERS)  # requests; events only for hall.config
        # rounds are started by the controller's timer (faster while a fault lasts), not the thread
        heartbeat = Heartbeat(client, devices, timings.heartbeat_ms / 1000)
        controller = KioskController(client, devices, submit=link.submit, hall=hall, heartbeat=heartbeat,
                                     timings=timings, tz=tz)
        window = KioskWindow(controller, timings=timings, lang=lang, default_lang=lang)
        cards = CardFlow(controller, window, devices.idcard) if devices.idcard is not None else None
        return cls(client, devices, link, controller, window, cards=cards)

    def start(self) -> None:
        self.controller.start()
        if self.cards is not None:
            self.cards.start()
        if self.client.token:  # follow the hall's events for one kind: a live configuration change
            self.link.event.connect(self._on_event)
            self.controller.catalog_ready.connect(self._follow_events)

    def _follow_events(self, _catalog: object) -> None:
        if not self.link.hall:
            self.link.hall = self.controller.hall or ""
        self.link.start()  # once: a running stream is left alone

    def _on_event(self, message: dict) -> None:
        # issue 15: services, names, caps or hours changed without a restart → show the new ones
        if message.get("kind") == "hall.config":
            self.controller.load_catalog()

    def close(self) -> None:
        """Stop timers, wait for running jobs (bounded), close the client and the devices."""
        self.window.close_kiosk()
        if self.cards is not None:
            self.cards.close()
        self.controller.close()
        # the hall.config event stream first, briefly: a connection attempt in flight must not hold up a
        # SIGTERM (systemd stop); tear_down then waits for the kiosk's own jobs as before
        self.link.stop(timeout=STREAM_STOP_S)
        tear_down(self.controller, links=[self.link], clients=[self.client], devices=self.devices,
                  window=self.window)

"""Putting the counter terminal together: clients, devices, links, heartbeat, controller, window — and
taking it apart. :class:`Counter` is what ``hallq counter`` runs and what the tests build, so both
exercise the same assembly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from client.appkit import tear_down
from client.http import HallClient
from client.i18n import Lang
from client.qt import QtHallLink
from drivers.diag.heartbeat import Heartbeat
from drivers.terminal import Devices

from .controller import CounterController
from .timings import Timings
from .window import CounterWindow

log = logging.getLogger("hallq.counter")

# A clerk's press waits for its answer, and an unanswered one is held and retried by the terminal itself
# (counter.outbox), so the client's own retries only need to ride out a blip: worst case per attempt
# ≈ (retries + 1) × timeout + backoff ≈ 15.3 s; a refused connection fails in ~0.3 s.
HTTP_TIMEOUT_S = 5.0
HTTP_RETRIES = 2


@dataclass
class Counter:
    device: HallClient  # the counter's device token: events, reads, ratings, heartbeat
    clerk: HallClient  # the logged-in clerk's token: window actions
    devices: Devices
    link: QtHallLink  # the hall's events, and HTTP calls on one worker (in order)
    jobs: QtHallLink  # used only as a job runner: LED, pad and printer calls off the GUI thread
    heartbeat: Heartbeat | None
    controller: CounterController
    window: CounterWindow

    @classmethod
    def create(cls, server: str, token: str | None, window: int, devices: Devices | None = None, *,
               hall: str | None = None, lang: Lang = "zh", timings: Timings | None = None,
               tz: str = "Asia/Shanghai", heartbeat: bool = True, stream_options: dict[str, Any] | None = None,
               http_timeout: float = HTTP_TIMEOUT_S, http_retries: int = HTTP_RETRIES,
               transport: httpx.BaseTransport | None = None) -> Counter:
        """Build (not start) a counter terminal for ``window``; a ``QApplication`` must exist.

        ``transport`` replaces the clerk client's network transport (a proxy; tests that lose answers).

        Raises ValueError for a malformed server URL.
        """
        timings = timings or Timings()
        devices = devices or Devices()
        device = HallClient(server, token, timeout=http_timeout, retries=http_retries)
        clerk = HallClient(server, None, timeout=http_timeout, retries=http_retries, transport=transport)
        link = QtHallLink(device, hall or "", max_workers=1, stream_options=stream_options)
        # the devices' own pool: a slow LED must not hold up a call, nor a call the LED
        jobs = QtHallLink(device, hall or "", max_workers=2)

        def start_stream(hall_id: str) -> None:
            link.hall = hall_id
            link.start()

        controller = CounterController(device, clerk, devices, window=window, hall=hall, submit=link.submit,
                                       device_submit=jobs.submit, start_stream=start_stream, timings=timings,
                                       tz=tz, lang=lang)
        link.event.connect(controller.on_event)
        link.snapshot.connect(controller.on_snapshot)
        link.connection_changed.connect(controller.on_connection)
        link.stream_failed.connect(controller.on_stream_failed)
        beat = Heartbeat(device, devices, timings.heartbeat_s) if heartbeat else None
        return cls(device, clerk, devices, link, jobs, beat, controller, CounterWindow(controller, lang=lang))

    def start(self) -> None:
        self.controller.start()
        if self.heartbeat is not None:
            self.heartbeat.start()

    def close(self) -> None:
        """Stop timers and threads (bounded), close the clients and the devices.

        The clerk stays signed in at the window: a restarted terminal (or the B post) carries on.
        """
        self.controller.close()
        tear_down(self.controller, links=[self.link, self.jobs], clients=[self.device, self.clerk],
                  devices=self.devices, window=self.window, heartbeat=self.heartbeat, heartbeat_timeout=30)

"""Putting the lobby display together: client, link, voice, board, window, heartbeat — and taking it apart.

:class:`Display` is what ``hallq display`` runs and what the tests and the benchmark build, so all three
exercise the same assembly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from client import logs
from client.appkit import tear_down
from client.http import HallClient
from client.i18n import Lang
from client.qt import QtHallLink
from drivers.diag.heartbeat import Heartbeat
from drivers.terminal import Devices

from .board import Board
from .filter import WindowFilter
from .timings import Timings
from .voice import CallVoice
from .window import BoardWindow

log = logging.getLogger("hallq.display")

# Snapshots are background reads (nobody waits at the screen): a longer timeout, one retry.
HTTP_TIMEOUT_S = 5.0
HTTP_RETRIES = 1
# Two workers: a snapshot refresh stuck on a dead server must not hold back the one after a reconnect.
WORKERS = 2


@dataclass
class Display:
    client: HallClient
    devices: Devices
    link: QtHallLink
    voice: CallVoice
    board: Board
    window: BoardWindow
    heartbeat: Heartbeat | None = None
    ask_zone: bool = False  # no zone given: the hall's, as the server names it (GET /halls)

    @classmethod
    def create(
        cls,
        server: str,
        token: str | None,
        devices: Devices | None = None,
        *,
        hall: str | None = None,
        window_filter: WindowFilter | None = None,
        notices: list[str] | None = None,
        timings: Timings | None = None,
        lang: Lang = "zh",
        tz: str | None = None,
        heartbeat_s: float | None = None,
        stream_options: dict[str, Any] | None = None,
    ) -> Display:
        """Build (not start) a display; a ``QApplication`` must exist. ``devices.announcer`` speaks the
        calls (none: a silent screen); ``heartbeat_s`` posts device health that often (None: never).
        ``tz``: the zone of the board's clock and pause times; None: the hall's, asked of the server at
        start (issue 15 §6), the deployment default until it answers."""
        devices = devices or Devices()
        timings = timings or Timings()
        zone = ZoneInfo(tz or "Asia/Shanghai")
        client = HallClient(server, token, timeout=HTTP_TIMEOUT_S, retries=HTTP_RETRIES)
        link = QtHallLink(client, hall or "", max_workers=WORKERS, stream_options=stream_options)
        voice = CallVoice(devices.announcer)
        board = Board(link, voice, window_filter=window_filter, notices=notices, timings=timings, lang=lang, tz=zone)
        window = BoardWindow(board, timings=timings, lang=lang, tz=zone)
        heartbeat = Heartbeat(client, devices, heartbeat_s) if heartbeat_s else None
        return cls(client, devices, link, voice, board, window, heartbeat, ask_zone=tz is None)

    def start(self) -> None:
        self.board.start()
        if self.ask_zone:
            self.link.submit(self.client.halls, on_done=lambda listing: self.use_zone(ZoneInfo(listing.timezone)),
                             on_error=lambda exc: log.warning("hall zone not known yet: %s", exc))
        if self.heartbeat is not None:
            self.heartbeat.start()

    def use_zone(self, zone: ZoneInfo) -> None:
        """The board's clock, its pause-until times and the log lines in ``zone``."""
        self.board.windows.tz = zone
        self.window.header.tz = zone
        logs.use_zone(zone)
        self.window.header.update()

    def close(self) -> None:
        """Stop timers and the stream, wait for running requests (bounded), close client and devices."""
        self.window.stop()
        self.board.close()
        tear_down(self.board, links=[self.link], clients=[self.client], devices=self.devices, window=self.window,
                  heartbeat=self.heartbeat)

"""The terminals' log lines, with their times in the hall's zone (issue 15 §6: every human-facing time,
logs' local-time fields included, in the hall's zone from its config — not the box's clock zone, which on
a terminal PC is often left at UTC by the installer image).

A terminal learns the hall's zone from the server (``GET /halls`` → ``timezone``: the kiosk at start) or
from its command line (the display's and counter's ``tz``); until then the deployment default.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import IO
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")  # config.models' default deployment zone
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class HallTimeFormatter(logging.Formatter):
    """``%(asctime)s`` as ISO 8601 with the offset, in ``tz`` (``2026-12-02T18:40:05.120+08:00``)."""

    def __init__(self, fmt: str = FORMAT, tz: tzinfo = DEFAULT_ZONE) -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.tz).isoformat(timespec="milliseconds")


def configure(level: int = logging.INFO, stream: IO[str] | None = None, *, force: bool = False) -> None:
    """The terminal apps' logging to ``stream`` (standard error), once, never at import time. Like
    ``logging.basicConfig``, it leaves a root logger that already has handlers alone unless ``force``:
    an app started inside another program (a test run) keeps that program's handlers, and no handler is
    left writing to a stream that program closes."""
    root = logging.getLogger()
    if root.handlers and not force:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(HallTimeFormatter())
    root.handlers[:] = [handler]
    root.setLevel(level)


def use_zone(tz: tzinfo | str) -> None:
    """The hall's zone, once known, for every handler ``configure`` made."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, HallTimeFormatter):
            handler.formatter.tz = zone

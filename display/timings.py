"""How long the board waits for things, in milliseconds: one object, so tests shorten them instead of
sleeping."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timings:
    offline_after_ms: int = 3_000  # link down this long → the "连接中断" indicator ("a few seconds")
    flash_ms: int = 500  # the newest call flashes: one half-period …
    flash_count: int = 12  # … this many times (6 s), then stays highlighted
    refresh_ms: int = 300_000  # a fresh snapshot now and then: clerk names, waiting counts
    retry_ms: int = 5_000  # hall list not loaded yet (server down at start): try again after
    page_ms: int = 8_000  # the window list and the waiting counts turn to their next page after …
    ticker_ms: int = 40  # notice line: one step every … (25 frames a second)
    ticker_step: float = 2.5  # … of this many pixels at 1080p (scaled with the screen)

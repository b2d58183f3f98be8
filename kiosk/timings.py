"""How long each kiosk screen stays up before it goes home by itself, in milliseconds.

One object, passed to the window, so a test can shorten any of them (or call the timeout slot
directly) instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timings:
    ticket_ms: int = 10_000        # the ticket on screen, then home ("for a few seconds")
    ticket_photo_ms: int = 45_000  # printer fault: the visitor needs time to photograph the ticket
    notice_ms: int = 12_000        # closed / daily cap / not available: read, then home
    ticket_elder_ms: int = 30_000  # elder mode: three times as long to read the number and take the slip
    ticket_photo_elder_ms: int = 90_000
    notice_elder_ms: int = 30_000
    idle_ms: int = 45_000          # no touch on any screen but home → home
    probe_ms: int = 5_000          # while the server is unreachable: how often to try again
    heartbeat_ms: int = 30_000     # device health to the server (and printer recovery check)
    gesture_window_s: float = 3.0  # maintenance: 5 taps in the corner within this many seconds
    gesture_taps: int = 5

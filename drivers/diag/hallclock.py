"""The hall's clock for maintenance prints: the test ticket shows the time of the hall, not of this machine.

Issue 15 §6: every human-facing time in the hall's zone from its config. A terminal box's clock zone is
whatever its installer left (Debian's default is UTC), so a test ticket printed with the machine's zone read
01:23 when it was 09:23 in the hall. The zone comes from the server (``GET /api/v1/halls`` names it, as the
kiosk reads it in kiosk/controller.py); terminals never import ``server.*``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["HallClock", "hall_clock"]


@dataclass(frozen=True, slots=True)
class HallClock:
    """``zone``: the hall's zone, or None when the server did not say (then ``now`` is this machine's
    clock zone, and ``why_zh``/``why_en`` say why)."""

    zone: ZoneInfo | None
    why_zh: str = ""
    why_en: str = ""

    def now(self) -> datetime:
        return datetime.now(self.zone) if self.zone is not None else datetime.now().astimezone()


def hall_clock(server: str, *, timeout_s: float = 5.0) -> HallClock:
    """Ask ``server`` for the hall's zone (public, no token); never raises."""
    from client import ClientError, HallClient

    try:
        with HallClient(server, timeout=timeout_s, retries=1) as client:
            name = client.halls().timezone
        return HallClock(ZoneInfo(name))
    except (ClientError, ValueError, ZoneInfoNotFoundError) as exc:  # ValueError: not an http(s):// URL
        zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))
        return HallClock(None, zh, en)

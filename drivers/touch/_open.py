"""Opening a touch panel (for its health) by URL."""

from __future__ import annotations

from ..urls import open_by_scheme
from ._base import TouchPanel
from ._evdev import EvdevTouch
from ._sim import SimTouch

__all__ = ["open_touch"]

_PANELS = {"sim": SimTouch.from_url, "evdev": EvdevTouch.from_url}


def open_touch(url: str) -> TouchPanel:
    """Open the touch panel at ``url``: ``sim://``, ``evdev:///dev/input/by-path/…`` or
    ``evdev://?name=ILITEK%20ILITEK-TP`` (``retry`` = seconds between reopen attempts)."""
    return open_by_scheme("触摸屏 / touch panel", url, _PANELS)

"""Opening a rating pad by URL."""

from __future__ import annotations

from ..urls import open_by_scheme
from ._base import RatingPad
from ._evdev import EvdevPad
from ._serial import SerialPad
from ._sim import SimPad

__all__ = ["open_pad"]

_PADS = {"sim": SimPad.from_url, "evdev": EvdevPad.from_url, "serial": SerialPad.from_url}


def open_pad(url: str) -> RatingPad:
    """Open the rating pad at ``url``.

    * ``sim://`` — in process; ``press(score)``
    * ``evdev:///dev/input/by-path/…`` or ``evdev://?name=USB%20Keypad`` — USB keypad
    * ``serial:///dev/ttyUSB0?baud=9600&addr=1`` — framed serial pad (``timeout``, ``retries``)

    Every backend takes ``debounce_ms`` (default 80).
    """
    return open_by_scheme("评价器 / rating pad", url, _PADS)

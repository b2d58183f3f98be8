"""Opening a window LED by URL."""

from __future__ import annotations

from ..urls import open_by_scheme
from ._base import WindowLed
from ._serial import SerialLed
from ._sim import SimLed

__all__ = ["open_led"]

_LEDS = {"sim": SimLed.from_url, "serial": SerialLed.from_url}


def open_led(url: str) -> WindowLed:
    """Open the window LED at ``url``.

    * ``sim://`` — in process; ``.current`` is what it shows
    * ``serial:///dev/ttyUSB1?baud=9600&addr=3&timeout=0.3&retries=2`` — RS-485 LED at bus
      address 3; LEDs on the same port share it
    """
    return open_by_scheme("窗口屏 / window LED", url, _LEDS)

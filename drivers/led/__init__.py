"""Window LED (窗口屏) over RS-485: window number, current ticket, state text.

>>> from drivers.led import open_led
>>> led = open_led("sim://")
>>> led.show(3, "A012", "A012 请到3号窗口")
>>> led.current
LedState(window_no=3, ticket='A012', text='A012 请到3号窗口')

Backends: ``sim://`` and ``serial://…?addr=N`` (several LEDs per port); a pty bus simulator is
in :mod:`drivers.led.simulator`.
"""

from ._base import WindowLed
from ._open import open_led
from ._protocol import LedState, decode_show, encode_show
from ._serial import SerialLed
from ._sim import SimLed

__all__ = ["LedState", "SerialLed", "SimLed", "WindowLed", "decode_show", "encode_show", "open_led"]

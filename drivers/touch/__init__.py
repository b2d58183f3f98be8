"""Touch-panel health (present, touch-capable, touched since start).

>>> from drivers.touch import open_touch
>>> panel = open_touch("sim://")
>>> panel.health().level.value
'WARN'
>>> panel.touch(512, 300); panel.health().level.value
'OK'
"""

from ._base import POSITION_AXES, TouchPanel, is_touch_device
from ._evdev import EvdevTouch
from ._open import open_touch
from ._sim import SimTouch

__all__ = ["POSITION_AXES", "EvdevTouch", "SimTouch", "TouchPanel", "is_touch_device", "open_touch"]

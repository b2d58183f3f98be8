"""``sim://`` touch panel: :meth:`SimTouch.touch` feeds real InputEvents to the same counting."""

from __future__ import annotations

import time
from collections.abc import Mapping

from evdev import InputEvent, ecodes

from ..urls import DeviceUrl
from ._base import TouchPanel

__all__ = ["SimTouch"]

_CAPABILITIES = {
    ecodes.EV_KEY: [ecodes.BTN_TOUCH],
    ecodes.EV_ABS: [ecodes.ABS_MT_POSITION_X, ecodes.ABS_MT_POSITION_Y],
}


class SimTouch(TouchPanel):
    """A present multi-touch panel until :meth:`unplug`."""

    def __init__(self) -> None:
        super().__init__("模拟触摸屏")
        self.present = True

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SimTouch:
        url.check_options(set())
        return cls()

    def touch(self, x: int, y: int) -> None:
        """One tap at (x, y): the event sequence a multi-touch panel sends."""
        now = time.time()
        sec, usec = int(now), int((now % 1) * 1_000_000)

        def ev(type_: int, code: int, value: int) -> InputEvent:
            return InputEvent(sec, usec, type_, code, value)

        self.handle_events(
            [
                ev(ecodes.EV_ABS, ecodes.ABS_MT_TRACKING_ID, 1),
                ev(ecodes.EV_ABS, ecodes.ABS_MT_POSITION_X, x),
                ev(ecodes.EV_ABS, ecodes.ABS_MT_POSITION_Y, y),
                ev(ecodes.EV_KEY, ecodes.BTN_TOUCH, 1),
                ev(ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
                ev(ecodes.EV_ABS, ecodes.ABS_MT_TRACKING_ID, -1),
                ev(ecodes.EV_KEY, ecodes.BTN_TOUCH, 0),
                ev(ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
            ]
        )

    def unplug(self) -> None:
        self.present = False

    def plug(self) -> None:
        self.present = True

    def _presence(self) -> tuple[bool, Mapping[int, list[int]], dict[str, object]]:
        return (
            self.present,
            _CAPABILITIES if self.present else {},
            {
                "backend": "sim",
                "present": self.present,
                "error": None if self.present else "模拟拔出 / simulated unplug",
            },
        )

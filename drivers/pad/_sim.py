"""``sim://`` rating pad: in process, pressed by :meth:`SimPad.press` (tests, simulated hall)."""

from __future__ import annotations

import threading
import time

from ..health import Health, Level
from ..urls import DeviceUrl
from ._base import RatingPad
from ._debounce import DEFAULT_DEBOUNCE_S

__all__ = ["SimPad"]


class SimPad(RatingPad):
    """A pad with no hardware. ``lights_on`` shows what a real pad's lights would do.

    >>> pad = SimPad.from_url(DeviceUrl.parse("sim://"))
    >>> pad.open_rating("V1", 30); pad.press(4); pad.wait_rating().label_zh
    '满意'
    >>> pad.close()
    """

    OPTIONS = frozenset({"debounce_ms"})

    def __init__(self, *, debounce_s: float = DEFAULT_DEBOUNCE_S) -> None:
        super().__init__("模拟评价器", debounce_s=debounce_s)
        self.lights_on = False
        self._lights = threading.Lock()

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SimPad:
        url.check_options(set(cls.OPTIONS))
        return cls(debounce_s=url.int_option("debounce_ms", round(DEFAULT_DEBOUNCE_S * 1000)) / 1000)

    def press(self, score: int, timestamp_s: float | None = None) -> None:
        """Press the key for ``score`` (keys that are no score are ignored, as on a real pad)."""
        self._key(score, time.monotonic() if timestamp_s is None else timestamp_s)

    def health(self) -> Health:
        return Health(
            "pad",
            Level.OK,
            "模拟评价器正常",
            "simulated rating pad OK",
            {"backend": "sim", "lights_on": self.lights_on, **self._rating_facts()},
        )

    def _set_prompt(self, on: bool) -> None:
        with self._lights:
            self.lights_on = on

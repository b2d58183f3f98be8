"""``sim://`` window LED: remembers what it was told to show."""

from __future__ import annotations

import threading

from ..health import Health, Level
from ..urls import DeviceUrl
from ._base import WindowLed
from ._protocol import LedState, encode_show

__all__ = ["SimLed"]


class SimLed(WindowLed):
    """An LED with no hardware; :attr:`current` is what it shows (``None`` = blank).

    It refuses the same input a real LED's frame cannot carry (one rule, in ``encode_show``).
    """

    def __init__(self) -> None:
        self.current: LedState | None = None
        self.history: list[LedState | None] = []
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SimLed:
        url.check_options(set())
        return cls()

    def _show(self, state: LedState) -> None:
        encode_show(state)
        with self._lock:
            self.current = state
            self.history.append(state)

    def clear(self) -> None:
        with self._lock:
            self.current = None
            self.history.append(None)

    def health(self) -> Health:
        return Health(
            "led",
            Level.OK,
            "模拟窗口屏正常",
            "simulated window LED OK",
            {"backend": "sim", "showing": None if self.current is None else self.current.text},
        )

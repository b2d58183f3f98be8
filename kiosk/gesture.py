"""The hidden maintenance gesture: N taps in a screen corner within a time window.

Pure and clock-injected, so it is tested without waiting:

>>> t = iter([0.0, 0.5, 1.0, 1.5, 2.0])
>>> taps = CornerTaps(count=5, window_s=3.0, clock=lambda: next(t))
>>> [taps.tap() for _ in range(5)]
[False, False, False, False, True]
>>> t = iter([0.0, 1.0, 2.0, 3.0, 4.0, 4.5])
>>> taps = CornerTaps(count=5, window_s=3.0, clock=lambda: next(t))
>>> [taps.tap() for _ in range(6)]   # the first taps are too old by the fifth
[False, False, False, False, False, False]
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class CornerTaps:
    """Counts taps; :meth:`tap` is True on the tap that completes ``count`` taps within ``window_s``."""

    def __init__(self, count: int = 5, window_s: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if count < 2 or window_s <= 0:
            raise ValueError(f"need count >= 2 and window_s > 0, got {count}, {window_s}")
        self.count = count
        self.window_s = window_s
        self._clock = clock
        self._taps: deque[float] = deque(maxlen=count)

    def tap(self) -> bool:
        now = self._clock()
        self._taps.append(now)
        if len(self._taps) == self.count and now - self._taps[0] <= self.window_s:
            self._taps.clear()
            return True
        return False

    def reset(self) -> None:
        self._taps.clear()

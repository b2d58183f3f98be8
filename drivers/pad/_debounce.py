"""Key debouncing by event timestamps (device time, never the wall clock of the reader)."""

from __future__ import annotations

__all__ = ["DEFAULT_DEBOUNCE_S", "Debouncer"]

# Mechanical keys bounce for 5-20 ms; a person cannot press the same key twice within 80 ms.
DEFAULT_DEBOUNCE_S = 0.080


class Debouncer:
    """Counts each press of a key once.

    A key-down of the same key less than ``window_s`` after that key's previous key-down is
    a bounce, and it extends the quiet period: a key chattering for a while counts once.
    A timestamp that goes backwards (device clock reset or wrapped) starts afresh.

    >>> d = Debouncer(0.08)
    >>> [d.accept(4, t) for t in (10.000, 10.010, 10.070, 10.200)]
    [True, False, False, True]
    >>> d.accept(5, 10.201)         # another key is another press
    True
    """

    def __init__(self, window_s: float = DEFAULT_DEBOUNCE_S) -> None:
        self.window_s = window_s
        self._last_down: dict[int, float] = {}

    def accept(self, key: int, timestamp_s: float) -> bool:
        previous = self._last_down.get(key)
        self._last_down[key] = timestamp_s
        return previous is None or not 0 <= timestamp_s - previous < self.window_s

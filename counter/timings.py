"""The counter terminal's timers and clock, in one object so tests shorten them instead of sleeping.

``clock`` gives POSIX seconds for what the clerk reads (time waited, the default return time of a
pause); tests pass a fixed clock to get a stable screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Timings:
    rating_s: float = 30.0        # the pad stays open this long for the visitor; then 未评价 (004 第三十三条)
    probe_ms: int = 3_000         # offline: how often a pending action is tried again
    tick_ms: int = 1_000          # the "time waited" and rating countdown refresh
    pause_default_min: int = 30   # the return time offered for a pause
    heartbeat_s: float = 30.0     # device health to the server (issue 4 §7)
    clock: Callable[[], float] = field(default=time.time, compare=False)

"""The estimated wait as people read it: a range of minutes, the same on the screen and on the paper.

Issue 16: for D001 the kiosk screen said "前面没有人在等候" with no estimate while the paper said
"预计等候约 9 分钟" — two renderings of one answer. Both now come from here, from the server's issue
answer (``ahead`` and ``estimated_wait_s``; ``estimated_wait_low_s`` / ``estimated_wait_high_s`` when
the server sends a range of its own).

The range: a point estimate is a queueing guess, not a promise, so it is shown as −50 % … +50 % of
the point, each end rounded to the nearest 5 minutes (the nearer end at least 5 minutes apart from
the farther). A range starting at 0 reads "N 分钟以内". A server range is rounded the same way.

>>> wait_range(7 * 60), wait_range(610), wait_range(9 * 60), wait_range(120), wait_range(0)
((5, 10), (5, 15), (5, 15), (0, 5), (0, 5))
>>> wait_range(3600), wait_range(600, low_s=300, high_s=1500)
((30, 90), (5, 25))
>>> print(wait_text(9 * 60).zh, "|", wait_text(120).en)
预计等候约 5～15 分钟 | Estimated wait: under 5 min
>>> wait_text(None) is None
True
"""

from __future__ import annotations

from .i18n import T

STEP_MIN = 5  # both ends are rounded to this many minutes
SPREAD = 0.5  # a point estimate p becomes p × (1 − SPREAD) … p × (1 + SPREAD)

# "～" (GB2312 A1AB) and ASCII "-": every thermal printer's font has them (an en dash is not in GB2312,
# and an English ticket is printed in plain ASCII)
WAIT_RANGE = T("预计等候约 {lo}～{hi} 分钟", "Estimated wait: about {lo}-{hi} min")
WAIT_UNDER = T("预计等候 {hi} 分钟以内", "Estimated wait: under {hi} min")


def _round(minutes: float) -> int:
    return round(minutes / STEP_MIN) * STEP_MIN


def wait_range(point_s: float, *, low_s: float | None = None, high_s: float | None = None) -> tuple[int, int]:
    """(low, high) minutes, multiples of STEP_MIN, high ≥ low + STEP_MIN."""
    point_min = max(0.0, point_s) / 60
    low_min = low_s / 60 if low_s is not None else point_min * (1 - SPREAD)
    high_min = high_s / 60 if high_s is not None else point_min * (1 + SPREAD)
    low = max(0, _round(low_min))
    high = max(low + STEP_MIN, _round(high_min))
    return low, high


def wait_text(point_s: float | None, *, low_s: float | None = None, high_s: float | None = None) -> T | None:
    """The line the screen shows and the ticket prints (None: the server gave no estimate)."""
    if point_s is None:
        return None
    low, high = wait_range(point_s, low_s=low_s, high_s=high_s)
    return WAIT_UNDER.format(hi=high) if low == 0 else WAIT_RANGE.format(lo=low, hi=high)

"""The estimated wait as people read it: a range of minutes, the same on the screen and on the paper.

Issue 16: for D001 the kiosk screen said "前面没有人在等候" with no estimate while the paper said
"预计等候约 9 分钟" — two renderings of one answer. Both now come from here, from the server's issue
answer: its printed range ``wait_low_min``–``wait_high_min`` (the core's Estimate, docs/dispatch.md),
or, from a server that does not send one, a range derived from ``estimated_wait_s``.

Derived: a point estimate is a queueing guess, not a promise, so it is shown as −50 % … +50 % of the
point, each end rounded to the nearest 5 minutes (the ends at least 5 minutes apart). A range that
starts at 0 reads "N 分钟以内".

>>> wait_range(7 * 60), wait_range(610), wait_range(9 * 60), wait_range(120), wait_range(0)
((5, 10), (5, 15), (5, 15), (0, 5), (0, 5))
>>> wait_range(3600), wait_range(600, low_min=2, high_min=11), wait_range(0, low_min=0, high_min=0)
((30, 90), (2, 11), (0, 1))
>>> print(wait_text(9 * 60).zh, "|", wait_text(120).en, "|", wait_text(600, low_min=2, high_min=11).zh)
预计等候约 5～15 分钟 | Estimated wait: under 5 min | 预计等候约 2～11 分钟
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


def wait_range(point_s: float, *, low_min: int | None = None, high_min: int | None = None) -> tuple[int, int]:
    """(low, high) minutes: the server's range as it is (high at least 1), else derived from the point
    (multiples of STEP_MIN, high ≥ low + STEP_MIN)."""
    if low_min is not None and high_min is not None:
        return max(0, low_min), max(1, high_min, low_min)
    point_min = max(0.0, point_s) / 60
    low = max(0, _round(point_min * (1 - SPREAD)))
    high = max(low + STEP_MIN, _round(point_min * (1 + SPREAD)))
    return low, high


def wait_text(point_s: float | None, *, low_min: int | None = None, high_min: int | None = None) -> T | None:
    """The line the screen shows and the ticket prints (None: the server gave no estimate)."""
    if point_s is None:
        return None
    low, high = wait_range(point_s, low_min=low_min, high_min=high_min)
    return WAIT_UNDER.format(hi=high) if low == 0 else WAIT_RANGE.format(lo=low, hi=high)

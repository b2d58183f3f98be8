"""Report figures from visits (pure): grouped by period (day / ISO week / month / all) and by one
dimension (service, window, clerk, lane, channel). Definitions, per group:

* ``visitors``       tickets taken (transfer continuations are not new visitors)
* ``tickets``        tickets handled, continuations included (a transfer is a new ticket in the new service)
* ``served``         tickets finished (DONE, any outcome)
* ``no_shows``       tickets that ended as 过号 (NO_SHOW); ``no_show_rate`` = no_shows / tickets called
* ``transfers``      tickets handed on to another service (TRANSFERRED); ``cancelled`` likewise
* ``wait_*``         mean, p90, max of the wait (server.supervision.measures) over tickets called, seconds
* ``service_*``      mean, p90, max of the service time over served tickets with a start, seconds
* ``good``, ``bad``  ratings 3–5 (非常满意, 满意, 基本满意) and 1–2 (不满意, 非常不满意);
  ``unrated`` = served − good − bad (no rating, or 未评价); each ``*_rate`` is over ``served``, so
  好评率 + 差评率 + 未评价率 = 100 %

p90 is the nearest-rank percentile: the smallest value with at least 90 % of the values at or below it
(``sorted(v)[ceil(0.9 n) − 1]``), so every figure is one of the measured values and checkable by hand.
Empty groups' means and percentiles are None.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass


class Period(enum.StrEnum):
    ALL = "all"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class By(enum.StrEnum):
    NONE = "none"
    SERVICE = "service"
    WINDOW = "window"
    CLERK = "clerk"
    LANE = "lane"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Visit:
    """One ticket as the reports see it."""

    id: str
    day: str  # local date, YYYY-MM-DD
    service: str
    window: int | None
    clerk: str | None
    lane: str
    channel: str
    state: str
    continuation: bool  # a transfer continuation (not a new visitor)
    called: bool
    wait_s: float | None
    service_s: float | None
    score: int | None  # 1–5; None: no rating or 未评价


@dataclass(frozen=True, slots=True)
class Figures:
    visitors: int
    tickets: int
    served: int
    no_shows: int
    no_show_rate: float | None
    transfers: int
    cancelled: int
    wait_mean: float | None
    wait_p90: float | None
    wait_max: float | None
    service_mean: float | None
    service_p90: float | None
    service_max: float | None
    good: int
    bad: int
    unrated: int
    good_rate: float | None
    bad_rate: float | None
    unrated_rate: float | None


@dataclass(frozen=True, slots=True)
class Row:
    period: str
    key: str  # the group's value ("" when not grouped; "-" when the visit has none, e.g. never called)
    figures: Figures

    def to_dict(self) -> dict:
        return {"period": self.period, "key": self.key, **asdict(self.figures)}


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(visits: Iterable[Visit]) -> Figures:
    vs = list(visits)
    served = [v for v in vs if v.state == "done"]
    called = sum(1 for v in vs if v.called)
    no_shows = sum(1 for v in vs if v.state == "no_show")
    waits = [v.wait_s for v in vs if v.wait_s is not None]
    times = [v.service_s for v in served if v.service_s is not None]
    good = sum(1 for v in served if v.score is not None and v.score >= 3)
    bad = sum(1 for v in served if v.score is not None and v.score <= 2)
    unrated = len(served) - good - bad
    return Figures(
        visitors=sum(1 for v in vs if not v.continuation), tickets=len(vs), served=len(served),
        no_shows=no_shows, no_show_rate=_rate(no_shows, called),
        transfers=sum(1 for v in vs if v.state == "transferred"),
        cancelled=sum(1 for v in vs if v.state == "cancelled"),
        wait_mean=_mean(waits), wait_p90=p90(waits), wait_max=max(waits, default=None),
        service_mean=_mean(times), service_p90=p90(times), service_max=max(times, default=None),
        good=good, bad=bad, unrated=unrated, good_rate=_rate(good, len(served)),
        bad_rate=_rate(bad, len(served)), unrated_rate=_rate(unrated, len(served)),
    )


def period_of(day: str, period: Period, whole: str = "") -> str:
    """>>> period_of("2026-09-21", Period.WEEK), period_of("2026-09-21", Period.MONTH)
    ('2026-W39', '2026-09')
    """
    if period is Period.DAY:
        return day
    if period is Period.MONTH:
        return day[:7]
    if period is Period.WEEK:
        year, week, _ = dt.date.fromisoformat(day).isocalendar()
        return f"{year}-W{week:02d}"
    return whole


def key_of(visit: Visit, by: By) -> str:
    if by is By.NONE:
        return ""
    value = {By.SERVICE: visit.service, By.WINDOW: visit.window, By.CLERK: visit.clerk, By.LANE: visit.lane,
             By.CHANNEL: visit.channel}[by]
    return "-" if value is None else str(value)


def _sort_key(key: str) -> tuple[int, int, str]:
    return (1, 0, key) if key == "-" else (0, int(key), "") if key.isdigit() else (0, 0, key)


def aggregate(visits: Iterable[Visit], period: Period = Period.ALL, by: By = By.NONE,
              whole: str = "") -> list[Row]:
    """Rows sorted by period, then key (windows numerically, "-" last). ``whole`` names the ALL period."""
    groups: dict[tuple[str, str], list[Visit]] = {}
    for v in visits:
        groups.setdefault((period_of(v.day, period, whole), key_of(v, by)), []).append(v)
    ordered = sorted(groups, key=lambda pk: (pk[0], _sort_key(pk[1])))
    return [Row(p, k, figures(groups[(p, k)])) for p, k in ordered]

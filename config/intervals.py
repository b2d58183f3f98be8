"""Opening intervals written "HH:MM-HH:MM" in local time; "24:00" may end one (001 第五条: 24-hour
self-service areas)."""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, PlainSerializer, PlainValidator

from .errors import BilingualValueError

_PATTERN = re.compile(r"^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$")
DAY_MINUTES = 24 * 60


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Interval(NamedTuple):
    """Minutes after local midnight, ``start`` included, ``end`` excluded.

    >>> Interval.parse("08:30-12:00")
    Interval(start=510, end=720)
    >>> str(Interval.parse("00:00-24:00"))
    '00:00-24:00'
    """

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Interval:
        m = _PATTERN.match(text)
        if not m:
            raise BilingualValueError(
                f"时间段 {text!r} 格式应为 HH:MM-HH:MM（如 08:30-12:00）",
                f"interval {text!r} must look like HH:MM-HH:MM (e.g. 08:30-12:00)")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise BilingualValueError(
                f"时间段 {text!r} 中的时刻无效（时 00–23，分 00–59，结束可为 24:00）",
                f"interval {text!r} has an invalid time (hours 00–23, minutes 00–59, "
                "24:00 allowed as an end)")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise BilingualValueError(f"时间段 {text!r} 的结束时间应晚于开始时间",
                                      f"interval {text!r} must end after it starts")
        return cls(start, end)

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _validate(value: Any) -> Interval:
    if isinstance(value, Interval):
        return value
    if not isinstance(value, str):
        raise BilingualValueError(f"时间段应为字符串 \"HH:MM-HH:MM\"，实为 {value!r}",
                                  f"an interval must be a string \"HH:MM-HH:MM\", got {value!r}")
    return Interval.parse(value)


def _check_sorted(intervals: list[Interval]) -> list[Interval]:
    for before, after in itertools.pairwise(intervals):
        if after.start < before.end:
            raise BilingualValueError(
                f"时间段 {before} 与 {after} 重叠或未按时间顺序排列",
                f"intervals {before} and {after} overlap or are not in time order")
    return intervals


IntervalField = Annotated[Interval, PlainValidator(_validate, json_schema_input_type=str),
                          PlainSerializer(str, return_type=str)]
# a day's intervals: each well-formed, sorted, non-overlapping
Intervals = Annotated[list[IntervalField], AfterValidator(_check_sorted)]


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """Sort and join overlapping or touching intervals: 08:30-12:00 + 12:00-13:30 is one stretch
    (no issue stop at noon; one booking span; one staffed shift).

    >>> [str(i) for i in merge_intervals([Interval(780, 900), Interval(510, 720), Interval(720, 750)])]
    ['08:30-12:30', '13:00-15:00']
    """
    out: list[Interval] = []
    for iv in sorted(intervals):
        if out and iv.start <= out[-1].end:
            out[-1] = Interval(out[-1].start, max(out[-1].end, iv.end))
        else:
            out.append(Interval(*iv))
    return out


def format_intervals(intervals: list[Interval], sep: str = "、") -> str:
    """``[08:30-12:00, 13:30-17:30]`` → ``"08:30-12:00、13:30-17:30"``."""
    return sep.join(str(i) for i in intervals)

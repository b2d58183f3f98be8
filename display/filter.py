"""Which windows one lobby screen shows and speaks: ``--zone A`` and/or ``--windows 1-8,12``.

A hall may hang several screens, each over its own zone (issue 7: "a zone display for windows 1–8").
Zones are the hall configuration's ``windows.zone``; window lists are numbers and ranges. Given both,
a window must match both. No filter: every window.

>>> WindowFilter.parse(zone="A").matches(3, "A"), WindowFilter.parse(zone="A").matches(9, "B")
(True, False)
>>> f = WindowFilter.parse(windows="1-8, 12")
>>> [n for n in range(1, 14) if f.matches(n, "")]
[1, 2, 3, 4, 5, 6, 7, 8, 12]
>>> str(WindowFilter.parse(zone="a,b", windows="3-4"))
'zone A,B windows 3-4'
>>> WindowFilter.parse(windows="8-1")
Traceback (most recent call last):
display.filter.FilterError: 窗口范围 '8-1' 起点大于终点 (window range '8-1' starts after it ends)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WINDOW = 999  # config.models.WindowConfig.number's bound
_RANGE = re.compile(r"(\d{1,3})(?:\s*-\s*(\d{1,3}))?")


class FilterError(ValueError):
    """A ``--zone`` / ``--windows`` value that cannot be understood; Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en


def _parse_windows(text: str) -> frozenset[int]:
    numbers: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = _RANGE.fullmatch(part)
        if match is None:
            raise FilterError(f"窗口范围 {part!r} 应为数字或 起-止，如 1-8,12",
                              f"window range {part!r} must be a number or first-last, e.g. 1-8,12")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first > last:
            raise FilterError(f"窗口范围 {part!r} 起点大于终点", f"window range {part!r} starts after it ends")
        if first < 1 or last > MAX_WINDOW:
            raise FilterError(f"窗口号 {part!r} 应在 1–{MAX_WINDOW} 之间",
                              f"window numbers {part!r} must be within 1–{MAX_WINDOW}")
        numbers.update(range(first, last + 1))
    return frozenset(numbers)


def _parse_zones(text: str) -> frozenset[str]:
    zones = {z.strip().upper() for z in text.split(",")}
    if "" in zones or any(len(z) > 20 or not z.isprintable() for z in zones):
        raise FilterError(f"区域 {text!r} 应为区域名，多个用逗号分隔，如 A 或 A,B",
                          f"zone {text!r} must be zone names separated by commas, e.g. A or A,B")
    return frozenset(zones)


@dataclass(frozen=True, slots=True)
class WindowFilter:
    zones: frozenset[str] = frozenset()  # upper case; empty: any zone
    windows: frozenset[int] = frozenset()  # empty: any number
    text: str = ""  # as given, for messages

    @classmethod
    def parse(cls, zone: str | None = None, windows: str | None = None) -> WindowFilter:
        """From the command line's ``--zone`` and ``--windows``; raises :class:`FilterError`."""
        zones = _parse_zones(zone) if zone is not None else frozenset()
        numbers = _parse_windows(windows) if windows is not None else frozenset()
        parts = []
        if zones:
            parts.append("zone " + ",".join(sorted(zones)))
        if windows is not None:
            parts.append("windows " + ",".join(p.strip() for p in windows.split(",")))
        return cls(zones, numbers, " ".join(parts))

    @property
    def active(self) -> bool:
        return bool(self.zones or self.windows)

    def matches(self, number: int, zone: str) -> bool:
        if self.zones and zone.upper() not in self.zones:
            return False
        return not self.windows or number in self.windows

    def __str__(self) -> str:
        return self.text or "all windows"

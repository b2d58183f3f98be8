"""The live summary ``hallq run`` prints: the hall as ``hallq status`` shows it (from the API's snapshot,
the one a lobby display reads), under a line with the demo clock and what the simulated people did."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.commands.status import render

# (stats key, Chinese, English) in the order shown
COUNTS = (("issued", "取号", "issued"), ("called", "叫号", "called"), ("started", "受理", "started"),
          ("finished", "办结", "finished"), ("transferred", "转办", "transferred"),
          ("no_shows", "过号", "no-shows"), ("requeued", "重排", "requeued"), ("rated", "评价", "rated"),
          ("pauses", "暂停", "pauses"))


def stats_line(stats: dict[str, int]) -> str:
    parts = [f"{zh} {en} {stats.get(key, 0)}" for key, zh, en in COUNTS]
    for prefix, zh, en in (("refused:", "未取到号", "refused"), ("errors:", "意外拒绝", "unexpected refusals")):
        total = sum(n for k, n in stats.items() if k.startswith(prefix))
        if total:
            codes = ", ".join(f"{k.split(':', 1)[1]} {n}" for k, n in sorted(stats.items()) if k.startswith(prefix))
            parts.append(f"{zh} {en} {total} ({codes})")
    return " | ".join(parts)


def clock_line(now: float, tz: ZoneInfo, speed: float) -> str:
    when = datetime.fromtimestamp(now, tz).strftime("%Y-%m-%d %a %H:%M:%S")
    pace = "实时 real time" if speed == 1 else f"×{speed:g}"
    return f"演示时钟 demo clock {when} ({pace})"


def frame(snapshot: dict[str, Any], stats: dict[str, int], *, now: float, tz: ZoneInfo, speed: float,
          url: str, errors: int = 0, banner: str = "") -> str:
    """One screen: what is simulated and where to look (``banner``, first: a newcomer reads it), the demo
    clock — the only time shown: the hall lives on it — the totals, and the hall as ``hallq status``."""
    lines = [f"hallq run — {url}  (Ctrl-C 退出 / to stop)", *([banner] if banner else []),
             clock_line(now, tz, speed), stats_line(stats)]
    if errors:
        lines.append(f"模拟动作出错 failed actions: {errors} (var/live-server.log)")
    return "\n".join(lines) + "\n\n" + render(snapshot, tz, now=now)

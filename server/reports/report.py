"""A report: a hall, a date range, a grouping, and its rows with bilingual labels for each key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from config import HallConfig
from server.halls.errors import Problem

from . import query
from .figures import By, Period, Row, aggregate

LANE_NAMES = {"normal": ("普通", "normal"), "priority": ("优先", "priority"), "appointment": ("预约", "appointment")}
CHANNEL_NAMES = {"kiosk": ("取号机", "kiosk"), "phone": ("电话", "phone"), "web": ("网上", "web"),
                 "counter": ("窗口", "counter"), "appointment": ("预约", "appointment")}


@dataclass(frozen=True, slots=True)
class Report:
    hall: str
    first: dt.date
    last: dt.date
    period: Period
    by: By
    rows: list[Row]
    labels: dict[str, tuple[str, str]]  # key → (zh, en)

    def label(self, key: str) -> tuple[str, str]:
        return self.labels.get(key, (key, key))

    def to_dict(self) -> dict[str, Any]:
        return {"hall": self.hall, "from": self.first.isoformat(), "to": self.last.isoformat(),
                "period": self.period.value, "by": self.by.value,
                "rows": [{**r.to_dict(), "label_zh": self.label(r.key)[0], "label_en": self.label(r.key)[1]}
                         for r in self.rows]}


def parse_range(first: str, last: str) -> tuple[dt.date, dt.date]:
    """Dates as YYYY-MM-DD; ``first`` ≤ ``last``; at most :data:`query.MAX_DAYS` days."""
    try:
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        raise Problem("invalid_request", f"日期应为 YYYY-MM-DD：{first!r}、{last!r}",
                      f"dates must be YYYY-MM-DD: {first!r}, {last!r}", 422) from None
    if a > b:
        raise Problem("invalid_request", f"起始日期 {a} 晚于结束日期 {b}", f"start {a} is after end {b}", 422)
    if (b - a).days + 1 > query.MAX_DAYS:
        raise Problem("invalid_request", f"一次最多统计 {query.MAX_DAYS} 天",
                      f"a report covers at most {query.MAX_DAYS} days", 422)
    return a, b


def _labels(conn: Connection, cfg: HallConfig, by: By, rows: list[Row]) -> dict[str, tuple[str, str]]:
    keys = {r.key for r in rows}
    out: dict[str, tuple[str, str]] = {"": ("全部", "all"), "-": ("无", "none")}
    for key in keys - {"", "-"}:
        if by is By.SERVICE and cfg.has_service(key):
            svc = cfg.service(key)
            out[key] = (f"{key} {svc.name_zh}", f"{key} {svc.name_en}")
        elif by is By.WINDOW and key.isdigit() and cfg.has_window(int(key)):
            w = cfg.window(int(key))
            out[key] = (w.name_zh, w.name_en)
        elif by is By.LANE and key in LANE_NAMES:
            out[key] = LANE_NAMES[key]
        elif by is By.CHANNEL and key in CHANNEL_NAMES:
            out[key] = CHANNEL_NAMES[key]
    if by is By.CLERK:
        for staff_no, name in query.clerk_names(conn, keys - {"", "-"}).items():
            out[staff_no] = (f"{staff_no} {name}", f"{staff_no} {name}")
    return out


def build(conn: Connection, cfg: HallConfig, first: dt.date, last: dt.date, period: Period = Period.ALL,
          by: By = By.NONE) -> Report:
    visits = query.visits(conn, cfg.id, first, last)
    whole = first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}"
    rows = aggregate(visits, period, by, whole)
    return Report(cfg.id, first, last, period, by, rows, _labels(conn, cfg, by, rows))

"""The quick form: ``hallq simulate --windows 4 --arrivals-per-hour 21 --mean-service-min 10 …``.

An M/M/c queue built from a real hall configuration: c identical windows, Poisson arrivals,
exponential service, open around the clock, no no-shows, breaks or transfers, no tide. The
textbook answer (Erlang C) comes with the report, so the two can be compared.

Ticket numbers are prefix + 3 digits (at most 999 per service per day), so a rate above
``PER_SERVICE_HOUR`` is spread over several identical services, all in every window's single
tier: a tier is served by effective wait across its services, so this is still one FCFS queue.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from typing import Any

from config import ConfigError, Problem, validate
from server.core import WorkCalendar, erlang

from .distributions import sampler
from .engine import SimSetup, Stream
from .rates import RateProfile
from .variants import Policy, variant

PER_SERVICE_HOUR = 30.0  # 720 expected a day: numbering (≤ 999/day) stays clear of the cap
START = dt.date(2026, 1, 5)  # a Monday; no day of the quick form is ever closed anyway
TIMEZONE = "Asia/Shanghai"


def fcfs_wait_quantile(q: float, servers: int, arrival_rate: float, mean_service: float) -> float:
    """The q-quantile of the wait in an M/M/c queue served first come, first served.

    P(W > t) = C(c, a)·e^(−(c·μ − λ)·t), so t_q = ln(C / (1 − q)) / (c·μ − λ), or 0 when fewer than
    1 − q of the visitors wait at all. Lane bonuses change the distribution (not the mean): this is
    the FCFS reference only.

    >>> round(fcfs_wait_quantile(0.9, 4, 21 / 60, 10), 2)    # minutes
    39.97
    """
    load = arrival_rate * mean_service
    if load >= servers:
        return math.inf
    c = erlang.erlang_c(servers, load)
    return max(0.0, math.log(c / (1 - q)) / (servers / mean_service - arrival_rate)) if c > 1 - q else 0.0


def quick_problem(option: str, zh: str, en: str) -> ConfigError:
    return ConfigError([Problem("hallq simulate", option, zh, en)])


def quick_hall(windows: int, services: int, mean_service_min: float) -> dict[str, Any]:
    codes = [f"Q{i + 1:02d}" for i in range(services)]
    hours = ["00:00-24:00"]
    return {
        "id": "quick", "name_zh": "快速模拟大厅", "name_en": "Quick simulation hall",
        "hours": {"weekdays": hours, "saturday": hours, "sunday": hours, "holiday": hours,
                  "issue_stop_before_close_min": 0},
        "tide": {"enabled": False},
        "categories": [{"id": "all", "name_zh": "全部业务", "name_en": "All services"}],
        "services": [{"code": code, "name_zh": f"业务{code}", "name_en": f"Service {code}",
                      "category": "all", "prefix": string.ascii_uppercase[i],
                      "minutes": mean_service_min, "daily_cap": 999, "extended": True, "holiday": True}
                     for i, code in enumerate(codes)],
        "windows": [{"number": n, "name_zh": f"{n}号窗口", "name_en": f"Window {n}", "kind": "general",
                     "profile": [{"services": codes}]} for n in range(1, windows + 1)],
    }


def plan_quick(*, windows: int, arrivals_per_hour: float, mean_service_min: float, hours: float,
               priority_share: float = 0.0, seed: int = 1,
               policy: Policy = "bounded") -> tuple[SimSetup, dict[str, Any]]:
    """The run's setup, and the quick-form section of the report (parameters and Erlang C)."""
    checks = [("--windows", windows >= 1, "至少 1 个窗口", "at least 1 window"),
              ("--arrivals-per-hour", arrivals_per_hour > 0, "应 > 0", "must be > 0"),
              ("--mean-service-min", mean_service_min > 0, "应 > 0", "must be > 0"),
              ("--hours", hours > 0, "应 > 0", "must be > 0"),
              ("--priority-share", 0 <= priority_share <= 1, "应在 0 到 1 之间", "must be between 0 and 1")]
    bad = [Problem("hallq simulate", opt, zh, en) for opt, ok, zh, en in checks if not ok]
    if bad:
        raise ConfigError(bad)
    services = math.ceil(arrivals_per_hour / PER_SERVICE_HOUR)
    if services > len(string.ascii_uppercase):
        raise quick_problem("--arrivals-per-hour", f"每小时最多 {PER_SERVICE_HOUR * 26:g} 人",
                            f"at most {PER_SERVICE_HOUR * 26:g} per hour")
    if windows > 999:
        raise quick_problem("--windows", "最多 999 个窗口", "at most 999 windows")
    deployment = validate({"deployment": {"name": "快速模拟 quick simulation", "timezone": TIMEZONE},
                           "halls": [quick_hall(windows, services, mean_service_min)]},
                          source="hallq simulate")
    hall = variant(deployment.halls[0], tide=False, policy=policy)
    tz = deployment.tz
    start = dt.datetime.combine(START, dt.time(), tz).timestamp()
    end = start + hours * 3600
    per_service = RateProfile.constant(arrivals_per_hour / services)
    mean_s = mean_service_min * 60
    setup = SimSetup(
        hall=hall, calendar=WorkCalendar(deployment.calendar), tz=tz, day_start=start,
        arrivals_end=end, cutoff=math.inf, seed=seed,
        streams=[Stream(s.code, per_service, priority_share=priority_share) for s in hall.services],
        service_time={s.code: sampler("exponential", mean_s) for s in hall.services},
        shifts={w.number: [(start, end)] for w in hall.windows},
        overtime_s=math.inf,  # serve everyone who arrived: every visitor has a wait
        tick_s=3600.0, tide=False, check_hours=False)
    load = arrivals_per_hour * mean_service_min / 60
    wq = erlang.mean_wait(windows, arrival_rate=arrivals_per_hour / 60, mean_service=mean_service_min)
    p90 = fcfs_wait_quantile(0.9, windows, arrivals_per_hour / 60, mean_service_min)
    theory = {"load": round(load / windows, 4), "p_wait": round(erlang.erlang_c(windows, load), 4),
              "mean_wait_min": round(wq, 4) if math.isfinite(wq) else None,  # None: overloaded
              "p90_wait_min_fcfs": round(p90, 4) if math.isfinite(p90) else None}
    params = {"windows": windows, "arrivals_per_hour": arrivals_per_hour,
              "mean_service_min": mean_service_min, "hours": hours, "priority_share": priority_share}
    return setup, {"quick": params, "theory": theory}

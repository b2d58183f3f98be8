"""From a validated scenario and its hall configuration to a :class:`~server.sim.engine.SimSetup`:
rates per service, service-time samplers, shifts and breaks at absolute virtual times.

Every reference from the scenario into the hall (services, categories, windows, shapes) is
checked here, each problem with its key path, in the configuration's error format.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from config import ConfigError, Deployment, HallConfig, Problem, default_config_path, load, merge_intervals
from server.core import WorkCalendar

from .distributions import sampler
from .engine import Behaviour, Break, SimSetup, Stream
from .rates import RateProfile, clock_seconds
from .scenario import Arrivals, Scenario
from .variants import variant

Found = tuple[str, str, str]  # key path, zh, en
DEFAULT_DIST = ("lognormal", 0.6)  # right-skewed service times unless the scenario says otherwise


def config_path(scenario: Scenario, scenario_path: Path, override: str | Path | None = None) -> Path:
    if override is not None:
        return Path(override)
    if scenario.config is not None:
        return scenario_path.parent / scenario.config
    return default_config_path()


def load_hall(scenario: Scenario, source: str, deployment: Deployment) -> HallConfig:
    if scenario.hall is None:
        return deployment.halls[0]
    try:
        return deployment.hall(scenario.hall)
    except KeyError:
        ids = ", ".join(h.id for h in deployment.halls)
        raise ConfigError([Problem(source, "hall", f"配置中没有大厅 \"{scenario.hall}\"（已有：{ids}）",
                                   f"no hall \"{scenario.hall}\" in the configuration (halls: {ids})")]) from None


def cross_check(scenario: Scenario, hall: HallConfig) -> Iterator[Found]:
    """References from the scenario into the hall configuration."""
    codes = {s.code for s in hall.services}
    categories = {c.id for c in hall.categories}
    windows = {w.number for w in hall.windows}

    def service(path: str, code: str) -> Iterator[Found]:
        if code not in codes:
            yield path, f"大厅 {hall.id} 没有业务代码 \"{code}\"", f"hall {hall.id} has no service code \"{code}\""

    def window(path: str, number: int) -> Iterator[Found]:
        if number not in windows:
            yield path, f"大厅 {hall.id} 没有 {number} 号窗口", f"hall {hall.id} has no window {number}"

    for i, a in enumerate(scenario.arrivals):
        at = f"arrivals[{i}]"
        if a.service is not None:
            yield from service(f"{at}.service", a.service)
        if a.category is not None:
            if a.category not in categories:
                yield (f"{at}.category", f"大厅 {hall.id} 没有业务类别 \"{a.category}\"",
                       f"hall {hall.id} has no category \"{a.category}\"")
            for code in a.split or {}:
                yield from service(f"{at}.split.{code}", code)
                if code in codes and hall.service(code).category != a.category:
                    yield (f"{at}.split.{code}", f"业务 {code} 不属于类别 {a.category}",
                           f"service {code} is not in category {a.category}")
        if a.shape is not None and a.shape not in scenario.shapes:
            yield (f"{at}.shape", f"[shapes] 中没有 \"{a.shape}\"", f"no \"{a.shape}\" in [shapes]")
    for code in scenario.service_time.by_service:
        yield from service(f"service_time.by_service.{code}", code)
    shares: dict[str, float] = defaultdict(float)
    for i, t in enumerate(scenario.transfers):
        yield from service(f"transfers[{i}].from", t.from_)
        yield from service(f"transfers[{i}].to", t.to)
        if t.from_ == t.to:
            yield f"transfers[{i}].to", "不能转办到同一业务", "cannot transfer to the same service"
        shares[t.from_] += t.share
        if shares[t.from_] > 1 + 1e-9:
            yield (f"transfers[{i}].share", f"业务 {t.from_} 的转办比例合计超过 1",
                   f"transfer shares from {t.from_} add up to more than 1")
    for i, number in enumerate(scenario.staffing.absent):
        yield from window(f"staffing.absent[{i}]", number)
    seen: set[int] = set()
    for i, shift in enumerate(scenario.staffing.shifts):
        yield from window(f"staffing.shifts[{i}].window", shift.window)
        if shift.window in seen:
            yield (f"staffing.shifts[{i}].window", f"{shift.window} 号窗口的班次重复，请合并到一个 hours 列表",
                   f"window {shift.window} is listed twice: put all its hours in one list")
        seen.add(shift.window)
    for i, b in enumerate(scenario.breaks):
        for j, number in enumerate(b.windows or []):
            yield from window(f"breaks[{i}].windows[{j}]", number)


def _product(a: RateProfile, b: RateProfile) -> RateProfile:
    starts = sorted(set(a.starts) | set(b.starts))
    return RateProfile(tuple(starts), tuple(a.rate(s) * b.rate(s) for s in starts))


def stream_profile(a: Arrivals, scenario: Scenario) -> RateProfile:
    """The stream's arrivals per hour through the day (before any category split)."""
    if isinstance(a.per_hour, dict):
        base = RateProfile.from_table(a.per_hour)
    else:
        base = RateProfile.constant(a.per_hour if a.per_hour is not None else 1.0)
    if a.shape is not None:
        base = _product(base, RateProfile.from_table(scenario.shapes[a.shape]))
    if a.per_day is not None:
        expected = base.expected()
        base = base.scaled(a.per_day / expected) if expected > 0 else base
    return base


def streams(scenario: Scenario, hall: HallConfig) -> list[Stream]:
    v = scenario.visitors
    out = []
    for a in scenario.arrivals:
        profile = stream_profile(a, scenario)
        if a.service is not None:
            split = {a.service: 1.0}
        else:
            split = a.split or {s.code: 1.0 for s in hall.services if s.category == a.category}
        total = sum(split.values())
        for code, weight in split.items():
            out.append(Stream(code, profile.scaled(weight / total),
                              priority_share=v.priority_share if a.priority_share is None else a.priority_share,
                              appointment_share=v.appointment_share if a.appointment_share is None
                              else a.appointment_share))
    return out


def service_times(scenario: Scenario, hall: HallConfig) -> dict[str, Any]:
    st = scenario.service_time
    out = {}
    for s in hall.services:
        own = st.by_service.get(s.code)
        dist = (own and own.dist) or st.dist or DEFAULT_DIST[0]
        mean = (own and own.mean_min) or st.mean_min or s.minutes
        cv = (own and own.cv) or st.cv or DEFAULT_DIST[1]
        out[s.code] = sampler(dist, mean * 60, cv)
    return out


def shifts(scenario: Scenario, hall: HallConfig, calendar: WorkCalendar,
           day_start: float) -> dict[int, list[tuple[float, float]]]:
    """Who works when: by default each window is staffed while any service of its profile is open
    that day (so "5+X" Saturdays and 午间不打烊 lunch hours staff only the windows they concern)."""
    own = {s.window: [(i.start, i.end) for i in s.hours] for s in scenario.staffing.shifts}
    out: dict[int, list[tuple[float, float]]] = {}
    for w in hall.windows:
        if w.number in scenario.staffing.absent:
            continue
        if w.number in own:
            minutes = own[w.number]
        else:
            minutes = merge_intervals([i for code in w.services()
                                       for i in calendar.intervals(hall.hours, hall.service(code), scenario.date)])
        if minutes:
            out[w.number] = [(day_start + a * 60, day_start + b * 60) for a, b in minutes]
    return out


def breaks(scenario: Scenario, shifts_of: dict[int, list[tuple[float, float]]],
           day_start: float) -> dict[int, list[Break]]:
    rng = random.Random(f"{scenario.seed}/breaks")
    out: dict[int, list[Break]] = defaultdict(list)
    for b in scenario.breaks:
        for number in b.windows if b.windows is not None else sorted(shifts_of):
            at = day_start + clock_seconds(b.at) + rng.uniform(0, b.spread_min * 60)
            if any(start <= at < end for start, end in shifts_of.get(number, ())):
                out[number].append(Break(at, b.minutes * 60, b.reason))
    return dict(out)


def plan_day(scenario: Scenario, deployment: Deployment, *, source: str) -> SimSetup:
    """The setup of one simulated day; ``source`` names the scenario file in error messages."""
    hall = load_hall(scenario, source, deployment)
    found = list(cross_check(scenario, hall))
    if found:
        raise ConfigError([Problem(source, path, zh, en) for path, zh, en in found])
    tz = deployment.tz
    calendar = WorkCalendar(deployment.calendar)
    day_start = dt.datetime.combine(scenario.date, dt.time(), tz).timestamp()
    day_shifts = shifts(scenario, hall, calendar, day_start)
    v = scenario.visitors
    staffing = scenario.staffing
    return SimSetup(
        hall=variant(hall, tide=scenario.tide, policy=scenario.policy),
        calendar=calendar, tz=tz, day_start=day_start, arrivals_end=day_start + 86400,
        cutoff=day_start + 86400 + staffing.overtime_min * 60 + 3600, seed=scenario.seed,
        streams=streams(scenario, hall), service_time=service_times(scenario, hall),
        shifts=day_shifts, breaks=breaks(scenario, day_shifts, day_start),
        transfers={code: [(t.to, t.share) for t in scenario.transfers if t.from_ == code]
                   for code in {t.from_ for t in scenario.transfers}},
        behaviour=Behaviour(no_show_share=v.no_show_share, return_share=v.return_share,
                            return_after_s=v.return_after_min * 60, walk_s=v.walk_s,
                            recall_after_s=v.recall_after_s),
        overtime_s=staffing.overtime_min * 60, tick_s=scenario.tick_s, tide=scenario.tide)


def load_deployment(scenario: Scenario, scenario_path: Path, override: str | Path | None) -> Deployment:
    return load(config_path(scenario, scenario_path, override))

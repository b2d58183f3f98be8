"""Running a scenario file or the quick form, end to end: plan, simulate, report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import SimSetup, simulate
from .plan import load_deployment, plan_day
from .plot import plot
from .quick import plan_quick
from .record import SimLog
from .report import summarize
from .scenario import load_scenario
from .variants import Policy


@dataclass(slots=True)
class SimResult:
    setup: SimSetup
    log: SimLog
    report: dict[str, Any]  # JSON-able; the shape is documented in docs/simulation.md

    @property
    def title(self) -> str:
        run = self.report["run"]
        if run.get("quick"):
            q = run["quick"]
            return (f"快速模式 quick form: {q['windows']} 窗口 windows, {q['arrivals_per_hour']}/h, "
                    f"{q['mean_service_min']} min, 优先 priority {q['priority_share']:.0%}, {run['policy']}")
        tide = "有潮汐窗口 with tide" if run["tide"] else "无潮汐窗口 without tide"
        return f"{run['name']} · {run['hall_name']} · {run['date']} · {tide} · seed {run['seed']}"

    def plot(self, path: str | Path) -> Path:
        names = {s.code: (s.name_zh, s.name_en) for s in self.setup.hall.services}
        return plot(self.log, path, title=self.title, names=names)


def _finish(setup: SimSetup, run: dict[str, Any], *, stationary: bool) -> SimResult:
    started = time.perf_counter()
    log = simulate(setup)
    wall = time.perf_counter() - started
    names = {s.code: (s.name_zh, s.name_en) for s in setup.hall.services}
    report = {"run": {**run, "wall_s": round(wall, 3)}, **summarize(log, stationary=stationary, names=names)}
    return SimResult(setup, log, report)


def run_scenario(path: str | Path, *, seed: int | None = None, config: str | Path | None = None,
                 tide: bool | None = None, policy: Policy | None = None) -> SimResult:
    """Simulate the day a scenario file describes; the keyword arguments override the file.

    Raises :class:`config.ConfigError` for a bad scenario or hall configuration.
    """
    path = Path(path)
    scenario = load_scenario(path)
    update: dict[str, Any] = {k: v for k, v in (("seed", seed), ("tide", tide), ("policy", policy))
                              if v is not None}
    if update:
        scenario = scenario.model_copy(update=update)
    deployment = load_deployment(scenario, path, config)
    setup = plan_day(scenario, deployment, source=str(path))
    run = {"scenario": str(path), "name": scenario.name or path.stem, "hall": setup.hall.id,
           "hall_name": setup.hall.name_zh, "date": scenario.date.isoformat(), "seed": scenario.seed,
           "tide": scenario.tide, "policy": scenario.policy}
    return _finish(setup, run, stationary=False)


def run_quick(*, windows: int, arrivals_per_hour: float, mean_service_min: float, hours: float,
              priority_share: float = 0.0, seed: int = 1, policy: Policy = "bounded") -> SimResult:
    """The quick form (see :mod:`server.sim.quick`)."""
    setup, extra = plan_quick(windows=windows, arrivals_per_hour=arrivals_per_hour,
                              mean_service_min=mean_service_min, hours=hours,
                              priority_share=priority_share, seed=seed, policy=policy)
    run = {"scenario": "quick", "name": "快速模式 quick form", "seed": seed, "tide": False, "policy": policy,
           "quick": extra["quick"]}
    result = _finish(setup, run, stationary=True)
    result.report["theory"] = extra["theory"]
    return result

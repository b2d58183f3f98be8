"""Issue 17's last unexplained miss: an upper bound for the Monday peak-hour p90 gain of tide windows.

The target: the whole hall's p90 wait of the visitors who queue between 08:30 and 10:30 on the
Monday peak (config/scenarios/monday-peak.toml, hall "county" of config/hall.toml) at least 30 %
lower with tide windows than without. The shipped controller reaches about −27 %. This script asks
whether *any* tide rule could reach −30 % in this hall, by running the same simulator, on the same
seeds (common random numbers: every variant meets the same visitors), on **idealised halls** that
lend more than any real tide rule can:

* ``no tide``           the shipped hall, tide controller off (the reference);
* ``tide (shipped)``    the shipped hall and controller;
* ``a1``                every tide-eligible window (3, 6, 9, 11, 12) can serve, all day long, every
                        service the shipped controller lent a window to during the peak on any of the
                        seeds (the *moved* services, printed), as one tier right after the window's own
                        first tier — as if its tide window were open from the first ticket, for every
                        moved service at once, with no controller delay and no limit per service;
* ``a1s``               the same for the surge services only (MA01, RE01, RE02);
* ``a2``                as a1, the moved services inside the window's first tier (served with its own
                        first services by ticket time);
* ``a3``                as a1, the moved services ahead of the window's own first tier (the window lent
                        outright: its own visitors only when no moved visitor waits);
* ``b``                 full pooling among the tide-eligible windows: each serves every service of every
                        tide-eligible window and every moved service as one tier, FIFO by ticket time
                        (priority first, as the bounded rule does);
* ``b+``                every window of the hall, dedicated ones included, serves its first tier and
                        the moved services as one tier, FIFO: no tide rule may move those windows, so
                        this is pooling beyond any tide rule (it shows what the hall's capacity allows);
* ``c``                 not idealised, a real rule for comparison: the shipped controller and dispatch
                        with eager thresholds (open at 6 waiting or 12 min, sustained 1 min, up to 5
                        windows a service, on any net gain).

The idealised variants are HallConfig objects with changed work profiles and the controller off
(``tide.enabled = false``); the dispatch rule (bounded, server/core/dispatch.py) is the shipped one
and staffing, breaks and visitors (shifts and breaks planned from the shipped hall) are those of
the scenario. They are not rules: they ignore the donors' own queues. Nor are they a proof over
every conceivable order — more lending does not always lower a p90 (a1s lends less than a1 and does
better), and no order aimed at the p90 itself is tried — but they span how much, when and in which
order a tide rule over the tide-eligible windows can lend: any such rule lends a subset of what a2
or a3 lend, later.

For each variant: the peak-hour p90 (mean over seeds of the per-seed p90, as bench/bench_dispatch.py
and ``hallq simulate --compare`` compute it), its change against no tide with the paired standard
error, the whole hall's mean wait, and the worst service's mean wait against no tide (means over
seeds; the same figure as the compare table's ``worst_service_tide_ratio``).

Run: ``.venv/bin/python bench/bound_tide.py --seeds 20 [--jobs 2] [--json out.json]``
(9 variants × seeds simulated days: 20 seeds about 1.5 min on 2 cores; docs/dispatch.md keeps the table).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from config import Deployment, HallConfig
from server.sim.compare import PEAK
from server.sim.engine import simulate
from server.sim.plan import load_deployment, plan_day
from server.sim.report import p90, summarize
from server.sim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "config" / "scenarios" / "monday-peak.toml"
TARGET = -0.30

Tiers = list[dict[str, Any]]


# ── idealised halls ──────────────────────────────────────────────────────────────────────────────
def _without(tiers: Iterable[dict[str, Any]], drop: set[str]) -> Tiers:
    """Tiers with some services taken out (empty tiers dropped), limits kept."""
    out = []
    for tier in tiers:
        kept = [s for s in tier["services"] if s not in drop]
        if kept:
            out.append({**tier, "services": kept})
    return out


def _lent(tiers: Tiers, moved: list[str], where: str) -> Tiers:
    """A window's profile with the moved services added ``after``, ``in`` or ``before`` its first tier
    (taken out of its later tiers, as :func:`server.core.dispatch._with_tide` does for a tide service)."""
    first = tiers[0]
    extra = [s for s in moved if s not in first["services"]]
    rest = _without(tiers[1:], set(extra))
    if not extra:
        return tiers
    if where == "after":
        return [first, {"services": extra, "after_wait_min": None}, *rest]
    if where == "in":
        return [{**first, "services": [*first["services"], *extra]}, *rest]
    return [{"services": extra, "after_wait_min": None}, first, *rest]


def _rebuilt(hall: HallConfig, profile: Callable[[dict[str, Any]], Tiers | None]) -> HallConfig:
    """The hall with the tide controller off and ``profile(window)`` (None: unchanged) as work profiles;
    validated again so the model's lookups are rebuilt."""
    data = hall.model_dump()
    data["tide"] = {**data["tide"], "enabled": False}
    for w in data["windows"]:
        new = profile(w)
        if new is not None:
            w["profile"] = new
    return HallConfig.model_validate(data)


def always_lent(hall: HallConfig, moved: list[str], where: str) -> HallConfig:
    """(a) every tide-eligible window can always serve every moved service."""
    return _rebuilt(hall, lambda w: _lent(w["profile"], moved, where) if w["tide_eligible"] else None)


def pooled(hall: HallConfig, moved: list[str]) -> HallConfig:
    """(b) full pooling among the tide-eligible windows: each of them serves, as one tier FIFO by
    ticket time, every service of every tide-eligible window and every moved service."""
    eligible = [w for w in hall.windows if w.tide_eligible]
    pool = list(dict.fromkeys([*(s for w in eligible for s in w.services()), *moved]))
    return _rebuilt(hall, lambda w: [{"services": pool, "after_wait_min": None}] if w["tide_eligible"] else None)


def whole_hall(hall: HallConfig, moved: list[str]) -> HallConfig:
    """(b+) every window of the hall, tide-eligible or not, serves its own first tier and every moved
    service as one tier, FIFO by ticket time (its later tiers after, the moved services taken out)."""
    return _rebuilt(hall, lambda w: _lent(w["profile"], moved, "in"))


def eager(hall: HallConfig, moved: list[str]) -> HallConfig:
    """(c) not idealised: the shipped controller and rule with eager thresholds (open at 6 waiting or
    12 min, after 1 min, up to 5 windows a service, on any net gain)."""
    data = hall.model_dump()
    data["tide"] = {
        **data["tide"],
        "enabled": True,
        "open_waiting": 6,
        "open_wait_min": 12,
        "open_sustain_min": 1,
        "close_waiting": 3,
        "close_wait_min": 5,
        "max_per_service": 5,
        "gain_ratio": 1.0,
    }
    return HallConfig.model_validate(data)


SURGE = ["MA01", "RE01", "RE02"]  # the Monday's surging services (config/scenarios/monday-peak.toml)

VARIANTS: dict[str, tuple[bool, Callable[[HallConfig, list[str]], HallConfig] | None]] = {
    # name → (scenario's tide flag, hall transform; None: the hall as shipped)
    "no tide": (False, None),
    "tide (shipped)": (True, None),
    "a1 always lent, after first tier": (False, lambda h, m: always_lent(h, m, "after")),
    "a1s same, surge services only": (False, lambda h, m: always_lent(h, SURGE, "after")),
    "a2 always lent, in first tier": (False, lambda h, m: always_lent(h, m, "in")),
    "a3 always lent, ahead of own": (False, lambda h, m: always_lent(h, m, "before")),
    "b pooled FIFO over tide-eligible windows": (False, pooled),
    "b+ whole hall serves moved services": (False, whole_hall),
    "c shipped controller, eager thresholds": (True, eager),
}


# ── runs ─────────────────────────────────────────────────────────────────────────────────────────
@cache
def _base(path: str) -> tuple[Scenario, Deployment]:
    scenario = load_scenario(Path(path))
    return scenario, load_deployment(scenario, Path(path), None)


def _run(job: tuple[str, str, int, tuple[str, ...]]) -> dict[str, Any]:
    path, name, seed, moved = job
    tide, transform = VARIANTS[name]
    scenario, deployment = _base(path)
    scenario = scenario.model_copy(update={"seed": seed, "tide": tide})
    setup = plan_day(scenario, deployment, source=path)  # shifts and breaks from the shipped hall
    if transform is not None:
        setup.hall = transform(setup.hall, list(moved))
    log = simulate(setup)
    report = summarize(log)
    peak = [
        v.wait_s / 60
        for v in log.visits
        if v.kind != "requeued" and v.wait_s is not None and PEAK[0] <= v.queued_at - log.start < PEAK[1]
    ]
    moved_now = sorted({s.service for s in log.tide if s.opened_at - log.start < PEAK[1]})
    return {
        "variant": name,
        "seed": seed,
        "peak_p90": p90(peak),
        "mean": report["mean_wait_min"],
        "by_service": {k: v["mean_wait_min"] for k, v in report["by_service"].items()},
        "moved_in_peak": moved_now,
    }


def _mean(values: Iterable[float | None]) -> float:
    vs = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.fmean(vs) if vs else math.nan


def summarise(runs: list[dict[str, Any]], seeds: int) -> list[dict[str, Any]]:
    by = {(r["variant"], r["seed"]): r for r in runs}
    ref = [by["no tide", s] for s in range(1, seeds + 1)]
    ref_p90 = _mean(r["peak_p90"] for r in ref)
    services = sorted({k for r in ref for k in r["by_service"]})
    ref_service = {k: _mean(r["by_service"].get(k) for r in ref) for k in services}
    rows = []
    for name in VARIANTS:
        mine = [by[name, s] for s in range(1, seeds + 1)]
        peak = _mean(r["peak_p90"] for r in mine)
        diffs = [m["peak_p90"] - r["peak_p90"] for m, r in zip(mine, ref, strict=True)]
        se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else math.nan
        ratios = {
            k: (_mean(r["by_service"].get(k) for r in mine), ref_service[k]) for k in services if ref_service[k] > 0
        }
        worst = max(ratios, key=lambda k: ratios[k][0] / ratios[k][1])
        on, off = ratios[worst]
        rows.append(
            {
                "variant": name,
                "peak_p90": round(peak, 2),
                "change": round(peak / ref_p90 - 1, 4),
                "change_se": round(se / ref_p90, 4),
                "hall_mean": round(_mean(r["mean"] for r in mine), 3),
                "worst_service": worst,
                "worst_ratio": round(on / off, 3),
                "worst_min": [round(off, 2), round(on, 2)],
            }
        )
    return rows


def render(rows: list[dict[str, Any]], seeds: int, moved: list[str]) -> str:
    out = [
        f"Monday peak (08:30–10:30) p90, {seeds} seeds (common random numbers); target {TARGET:+.0%}",
        f"moved services (lent a window during the peak by the shipped controller): {', '.join(moved)}",
        "",
        f"{'variant':46} {'peak p90':>8} {'vs none':>15} {'hall mean':>9}  worst service vs none",
    ]
    for r in rows:
        change = "" if r["variant"] == "no tide" else f"{r['change']:+.1%} ± {r['change_se']:.1%}"
        off, on = r["worst_min"]
        worst = "" if r["variant"] == "no tide" else f"{r['worst_service']} {r['worst_ratio']:.2f}× ({off} → {on})"
        out.append(f"{r['variant']:46} {r['peak_p90']:8.1f} {change:>15} {r['hall_mean']:9.2f}  {worst}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    t0 = time.perf_counter()
    path, seeds = str(SCENARIO), range(1, args.seeds + 1)
    with ProcessPoolExecutor(args.jobs) as pool:
        # 1. the two shipped halls, which also tell which services the controller moves in the peak
        runs = list(pool.map(_run, [(path, n, s, ()) for n in ("no tide", "tide (shipped)") for s in seeds]))
        moved = sorted({m for r in runs for m in r["moved_in_peak"]})
        # 2. the idealised halls, lending all of them
        ideal = [n for n in VARIANTS if VARIANTS[n][1] is not None]
        runs += list(pool.map(_run, [(path, n, s, tuple(moved)) for n in ideal for s in seeds]))
    rows = summarise(runs, args.seeds)
    print(render(rows, args.seeds, moved))
    print(f"wall {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(
            json.dumps({"seeds": args.seeds, "moved": moved, "rows": rows}, ensure_ascii=False, indent=1)
        )


if __name__ == "__main__":
    main()

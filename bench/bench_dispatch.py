"""Issue 17: the dispatch rules and tide windows on the shipped scenarios, 20 seeds each, and the
quick form (4 windows, 21/h, 10 min, 10 % priority) against Cobham. Writes the compare table that
docs/dispatch.md keeps, and the plots.

Run: ``.venv/bin/python bench/bench_dispatch.py [--seeds 20] [--json out.json] [--plots docs/img]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from server.sim import run_quick, run_scenario
from server.sim.compare import compare, render

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "config" / "scenarios").glob("*.toml"))


def quick(job: tuple[str, int]) -> dict:
    policy, seed = job
    r = run_quick(
        windows=4, arrivals_per_hour=21, mean_service_min=10, hours=500, priority_share=0.1, seed=seed, policy=policy
    ).report
    return {
        "policy": policy,
        "priority": r["by_lane"]["priority"]["mean_wait_min"],
        "normal": r["by_lane"]["normal"]["mean_wait_min"],
        "normal_max": r["by_lane"]["normal"]["max_wait_min"],
        "mean": r["mean_wait_min"],
        "coverage": r["ewt"]["coverage"],
        "mae_share": r["ewt"]["mae_share"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--plots", type=Path)
    args = ap.parse_args()
    t0 = time.perf_counter()
    table = compare(SCENARIOS, seeds=args.seeds)
    print(render(table))
    with ProcessPoolExecutor() as pool:
        runs = list(pool.map(quick, [(p, s) for p in ("fifo", "lanes", "bounded") for s in range(1, args.seeds + 1)]))
    print(f"快速模式 quick form: 4 windows, 21/h, 10 min, 10 % priority, 500 h × {args.seeds} seeds (means)")
    quick_out = {}
    for policy in ("fifo", "lanes", "bounded"):
        mine = [r for r in runs if r["policy"] == policy]
        quick_out[policy] = {k: round(statistics.fmean(r[k] for r in mine), 3) for k in mine[0] if k != "policy"}
        print(f"  {policy:8}", "  ".join(f"{k} {v}" for k, v in quick_out[policy].items()))
    print(f"wall {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"compare": table, "quick": quick_out}, ensure_ascii=False, indent=1))
    if args.plots:
        for name in ("monday-peak", "monday-peak-no-tide"):
            run_scenario(ROOT / "config" / "scenarios" / f"{name}.toml").plot(args.plots / f"sim-{name}.png")


if __name__ == "__main__":
    main()

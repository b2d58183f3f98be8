"""How long the simulator takes for a big hall day: 60 windows, 20 services, 15,000 visitors.

The hall and the scenario are generated here: services S00–S19 (8 % priority, 8 % appointment,
2 % no-shows of whom half come back, 3 % transfers), each window serving 3 services first and 5
after 20 minutes, 3 green-channel and 10 tide-eligible windows, hours 08:30–17:30, a morning and
an afternoon peak, two 10-minute breaks per clerk, the tide controller every 60 s. To serve
15,000 visitors in 9 hours with 60 windows each visit averages 1.8 minutes (utilisation ≈ 0.85).

Run: ``.venv/bin/python bench/bench_sim.py [--profile]``.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import string
import sys
import time

import config
from server.sim.engine import simulate
from server.sim.plan import plan_day
from server.sim.report import summarize
from server.sim.scenario import Scenario

SERVICES, WINDOWS, VISITORS = 20, 60, 15_000


def big_deployment() -> config.Deployment:
    letters = [c for c in string.ascii_uppercase if c not in "IO"]
    services = [{"code": f"S{i:02d}", "name_zh": f"业务{i}", "name_en": f"Service {i}", "category": "c",
                 "prefix": letters[i], "minutes": 1.8, "daily_cap": 999} for i in range(SERVICES)]
    windows = [{"number": n, "name_zh": f"{n}号", "name_en": f"W{n}", "green_channel": n % 20 == 0,
                "tide_eligible": n % 6 == 0,
                "profile": [{"services": [f"S{(n + k) % SERVICES:02d}" for k in range(3)]},
                            {"services": [f"S{(n + k) % SERVICES:02d}" for k in range(3, 8)], "after_wait_min": 20}]}
               for n in range(1, WINDOWS + 1)]
    return config.validate({"deployment": {"name": "bench"}, "halls": [{
        "id": "big", "name_zh": "大厅", "name_en": "Big hall", "hours": {"weekdays": ["08:30-17:30"]},
        "tide": {"enabled": True}, "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
        "services": services, "windows": windows}]}, source="bench")


def big_scenario(seed: int) -> Scenario:
    return Scenario.model_validate({
        "date": "2026-03-11", "seed": seed, "hall": "big",
        "shapes": {"day": {"08:30": 1.3, "10:00": 1.1, "11:30": 0.7, "13:00": 0.9, "14:30": 1.1, "16:30": 0.6,
                           "17:15": 0}},
        "arrivals": [{"service": f"S{i:02d}", "per_day": VISITORS / SERVICES, "shape": "day"}
                     for i in range(SERVICES)],
        "service_time": {"dist": "lognormal", "cv": 0.8},
        "visitors": {"priority_share": 0.08, "appointment_share": 0.08, "no_show_share": 0.02,
                     "return_share": 0.5, "walk_s": 0, "recall_after_s": 30},
        "transfers": [{"from": f"S{i:02d}", "to": f"S{(i + 7) % SERVICES:02d}", "share": 0.03}
                      for i in range(SERVICES)],
        "breaks": [{"at": "10:30", "minutes": 10, "spread_min": 60}, {"at": "15:00", "minutes": 10, "spread_min": 60}],
    })


def run(seed: int, deployment: config.Deployment) -> dict[str, float]:
    t0 = time.perf_counter()
    setup = plan_day(big_scenario(seed), deployment, source="bench")
    t1, c1 = time.perf_counter(), time.process_time()
    log = simulate(setup)
    t2, c2 = time.perf_counter(), time.process_time()
    report = summarize(log)
    t3 = time.perf_counter()
    return {"plan_s": t1 - t0, "simulate_s": t2 - t1, "simulate_cpu_s": c2 - c1, "report_s": t3 - t2,
            "visitors": report["visitors"], "visits": len(log.visits), "p90_wait_min": report["p90_wait_min"],
            "utilization": report["utilization"], "tide_openings": report["tide"]["openings"]}


if __name__ == "__main__":
    deployment = big_deployment()
    if "--profile" in sys.argv:
        cProfile.run("run(1, deployment)", "/tmp/bench_sim.prof")
        pstats.Stats("/tmp/bench_sim.prof").sort_stats("tottime").print_stats(20)
        sys.exit(0)
    rounds = [run(seed, deployment) for seed in (1, 2, 3)]
    print(f"{WINDOWS} windows, {SERVICES} services, {VISITORS} visitors expected, seeds 1–3")
    for key in rounds[0]:
        print(f"{key:>14}: " + "  ".join(f"{r[key]:10.3f}" for r in rounds))
    day = statistics.median(r["plan_s"] + r["simulate_s"] + r["report_s"] for r in rounds)
    print(f"{'median day':>14}: {day:.2f} s")

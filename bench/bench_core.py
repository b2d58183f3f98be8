"""How fast the dispatcher core runs a big hall day: 60 windows, 20 services, 15,000 visitors.

No simulator around it: a bare event loop (heapq) drives ``Hall`` so that the figures are the
core's own. Run: ``.venv/bin/python bench/bench_core.py``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import statistics
import string
import time
from zoneinfo import ZoneInfo

import config
from server.core import Hall, Lane, Outcome, WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 9, 21, 8, 30, tzinfo=TZ).timestamp()
SERVICES = 20
WINDOWS = 60
VISITORS = 15_000
DAY_S = 8 * 3600


def big_hall() -> config.HallConfig:
    letters = [c for c in string.ascii_uppercase if c not in "IO"]
    services = [{"code": f"S{i:02d}", "name_zh": f"业务{i}", "name_en": f"Service {i}", "category": "c",
                 "prefix": letters[i], "minutes": 8, "daily_cap": 999} for i in range(SERVICES)]
    windows = []
    for n in range(1, WINDOWS + 1):
        first = [f"S{(n + k) % SERVICES:02d}" for k in range(3)]
        second = [f"S{(n + k) % SERVICES:02d}" for k in range(3, 8)]
        windows.append({"number": n, "name_zh": f"{n}号", "name_en": f"W{n}", "zone": "A",
                        "green_channel": n % 20 == 0, "tide_eligible": n % 6 == 0,
                        "profile": [{"services": first},
                                    {"services": second, "after_wait_min": 20}]})
    data = {"deployment": {"name": "bench"}, "halls": [{
        "id": "big", "name_zh": "大厅", "name_en": "Big hall",
        "hours": {"weekdays": ["08:30-17:30"]}, "tide": {"enabled": True},
        "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
        "services": services, "windows": windows}]}
    return config.validate(data).hall("big")


def run(seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    hall = Hall(big_hall(), WorkCalendar(), TZ)
    timings: dict[str, list[float]] = {"issue": [], "call_next": [], "finish": [], "tick": []}
    agenda: list[tuple[float, int, str, int]] = []  # (time, seq, what, window)
    seq = 0
    for _ in range(VISITORS):
        seq += 1
        heapq.heappush(agenda, (START + rng.uniform(0, DAY_S - 1800), seq, "arrive", 0))
    for n in range(1, WINDOWS + 1):
        hall.sign_in(n, f"c{n}", now=START)
        seq += 1
        heapq.heappush(agenda, (START + 1, seq, "free", n))
    for k in range(DAY_S // 30):
        seq += 1
        heapq.heappush(agenda, (START + 30 * k, seq, "tick", 0))
    idle: set[int] = set()
    wall = time.perf_counter()
    while agenda:
        now, _, what, n = heapq.heappop(agenda)
        if what == "arrive":
            lane = Lane.PRIORITY if rng.random() < 0.1 else Lane.NORMAL
            t0 = time.perf_counter()
            hall.issue(f"S{rng.randrange(SERVICES):02d}", lane, now=now, check_hours=False)
            timings["issue"].append(time.perf_counter() - t0)
            woken, idle = idle, set()
            for w in sorted(woken):
                seq += 1
                heapq.heappush(agenda, (now, seq, "free", w))
        elif what == "tick":
            t0 = time.perf_counter()
            hall.tick(now=now)
            timings["tick"].append(time.perf_counter() - t0)
        else:
            if hall.window(n).current is not None:
                t0 = time.perf_counter()
                hall.finish(n, Outcome.COMPLETED, now=now)
                timings["finish"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            call = hall.call_next(n, now=now)
            timings["call_next"].append(time.perf_counter() - t0)
            if call is None:
                idle.add(n)
                continue
            hall.start(n, now=now)
            seq += 1
            heapq.heappush(agenda, (now + rng.expovariate(1 / 480), seq, "free", n))
        hall.drain_events()
    total = time.perf_counter() - wall
    served = sum(t.state.value == "done" for t in hall.tickets())
    out = {"total_s": total, "served": served}
    for name, values in timings.items():
        out[f"{name}_us"] = statistics.median(values) * 1e6
        out[f"{name}_max_us"] = max(values) * 1e6
    return out


if __name__ == "__main__":
    rounds = [run(seed) for seed in range(3)]
    print(f"{WINDOWS} windows, {SERVICES} services, {VISITORS} visitors, 3 seeds")
    for key in rounds[0]:
        print(f"{key:>16}: " + "  ".join(f"{r[key]:10.1f}" for r in rounds))

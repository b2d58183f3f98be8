"""``hallq simulate --compare``: scenarios × policies × tide on/off × N seeds, one table.

Every cell is a mean over seeds of per-run figures (same seeds for every policy: common random
numbers, so the columns compare the same visitors). Per lane and per service: mean, p90 and max
wait, unserved, EWT coverage (share whose real wait fell in the printed range) and the point
estimate's MAE as a share of the mean wait. Beside them, for each scenario, the figures of issue 17:
priority/normal mean ratio, normal max against FIFO's on the same days, the worst service's mean
wait with tide against without, the peak-hour p90 with tide against without.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .report import p90
from .run import run_scenario
from .scenario import load_scenario
from .text import num, pct, table
from .variants import POLICIES, Policy

PEAK = (8.5 * 3600, 10.5 * 3600)  # the peak hours: 08:30–10:30, the Monday surge


def distinct(paths: Iterable[Path]) -> list[Path]:
    """The scenarios, less those that differ from an earlier one only by ``tide`` and ``name``
    (``monday-peak-no-tide.toml`` is ``monday-peak.toml`` with tide off: compare runs both)."""
    seen: list[Any] = []
    out = []
    for path in sorted(paths, key=lambda p: not load_scenario(p).tide):  # the tide-on file names the pair
        key = load_scenario(path).model_copy(update={"tide": True, "name": "", "description": ""})
        if key not in seen:
            seen.append(key)
            out.append(path)
    return out


def _one(job: tuple[str, Policy, bool, int]) -> dict[str, Any]:
    path, policy, tide, seed = job
    result = run_scenario(path, seed=seed, tide=tide, policy=policy)
    r = result.report
    start = result.log.start
    peak = [
        v.wait_s / 60
        for v in result.log.visits  # type: ignore[operator]
        if v.kind != "requeued" and v.wait_s is not None and PEAK[0] <= v.queued_at - start < PEAK[1]
    ]

    def cell(part: dict[str, Any]) -> dict[str, Any]:
        return {
            "visitors": part["visitors"],
            "mean": part["mean_wait_min"],
            "p90": part["p90_wait_min"],
            "max": part["max_wait_min"],
            "unserved": part.get("unserved", 0),
            "coverage": part["ewt"]["coverage"],
            "mae_share": part["ewt"]["mae_share"],
        }

    return {
        "scenario": path,
        "policy": policy,
        "tide": tide,
        "seed": seed,
        "name": r["run"]["name"],
        "mean": r["mean_wait_min"],
        "p90": r["p90_wait_min"],
        "peak_p90": p90(peak) if peak else None,
        "unserved": r["unserved_detail"],
        "coverage": r["ewt"]["coverage"],
        "mae_share": r["ewt"]["mae_share"],
        "by_lane": {k: cell(v) for k, v in r["by_lane"].items()},
        "by_service": {k: cell(v) for k, v in r["by_service"].items()},
    }


def _mean(values: Iterable[float | None]) -> float | None:
    vs = [v for v in values if v is not None and not math.isnan(v)]
    return round(statistics.fmean(vs), 3) if vs else None


def _merge_cells(cells: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        k: _mean(c[k] for c in cells) for k in ("visitors", "mean", "p90", "max", "unserved", "coverage", "mae_share")
    }


def compare(
    paths: Sequence[str | Path], *, seeds: int = 20, policies: Sequence[Policy] = POLICIES, jobs: int | None = None
) -> dict[str, Any]:
    """Run everything and return the JSON-able table (see the module docstring)."""
    scenarios = [str(p) for p in distinct(Path(p) for p in paths)]
    work = [
        (s, pol, tide, seed)
        for s in scenarios
        for pol in policies
        for tide in (True, False)
        for seed in range(1, seeds + 1)
    ]
    with ProcessPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        runs = list(pool.map(_one, work, chunksize=4))
    out: dict[str, Any] = {"seeds": seeds, "policies": list(policies), "scenarios": {}}
    for s in scenarios:
        rows = {}
        for pol in policies:
            for tide in (True, False):
                mine = [r for r in runs if r["scenario"] == s and r["policy"] == pol and r["tide"] is tide]
                lanes = sorted({k for r in mine for k in r["by_lane"]})
                services = sorted({k for r in mine for k in r["by_service"]})
                rows[f"{pol}/{'tide' if tide else 'no-tide'}"] = {
                    "policy": pol,
                    "tide": tide,
                    "mean": _mean(r["mean"] for r in mine),
                    "p90": _mean(r["p90"] for r in mine),
                    "peak_p90": _mean(r["peak_p90"] for r in mine),
                    "unserved": _mean(r["unserved"]["count"] for r in mine),
                    "unserved_untold": _mean(r["unserved"]["untold"] for r in mine),
                    "coverage": _mean(r["coverage"] for r in mine),
                    "mae_share": _mean(r["mae_share"] for r in mine),
                    "by_lane": {k: _merge_cells([r["by_lane"][k] for r in mine if k in r["by_lane"]]) for k in lanes},
                    "by_service": {
                        k: _merge_cells([r["by_service"][k] for r in mine if k in r["by_service"]]) for k in services
                    },
                    "_runs": mine,
                }
        out["scenarios"][s] = {
            "name": next(r["name"] for r in runs if r["scenario"] == s),
            "rows": rows,
            "targets": _targets(rows),
        }
        for row in rows.values():
            del row["_runs"]
    return out


def _targets(rows: dict[str, Any]) -> dict[str, Any]:
    """Issue 17's figures for one scenario, per policy (tide on unless it says otherwise)."""
    out: dict[str, Any] = {}
    for key, row in rows.items():
        lanes = row["by_lane"]
        if "priority" in lanes and "normal" in lanes and lanes["normal"]["mean"]:
            ratio = lanes["priority"]["mean"] / lanes["normal"]["mean"]
            out.setdefault(key, {})["priority_over_normal"] = round(ratio, 3)
        fifo = rows.get(f"fifo/{key.split('/')[1]}")
        if fifo and "normal" in lanes and fifo["by_lane"].get("normal", {}).get("max"):
            # per seed would be stricter; the mean over seeds of each rule's max against FIFO's
            ratio = lanes["normal"]["max"] / fifo["by_lane"]["normal"]["max"]
            out.setdefault(key, {})["normal_max_over_fifo"] = round(ratio, 3)
    for pol in {row["policy"] for row in rows.values()}:
        on, off = rows.get(f"{pol}/tide"), rows.get(f"{pol}/no-tide")
        if not on or not off:
            continue
        ratios = {
            s: round(on["by_service"][s]["mean"] / off["by_service"][s]["mean"], 3)
            for s in on["by_service"]
            if s in off["by_service"] and off["by_service"][s]["mean"] and on["by_service"][s]["mean"] is not None
        }
        worst = max(ratios, key=ratios.__getitem__) if ratios else None
        out.setdefault(f"{pol}/tide", {}).update(
            {
                "worst_service_tide_ratio": None
                if worst is None
                else [worst, ratios[worst], on["by_service"][worst]["mean"], off["by_service"][worst]["mean"]],
                "peak_p90_tide_vs_none": [on["peak_p90"], off["peak_p90"]],
            }
        )
    return out


def render(result: dict[str, Any]) -> str:
    """The comparison as text tables (Chinese first)."""
    out = [f"策略对比 Policy comparison — {result['seeds']} 个种子的均值 means over {result['seeds']} seeds"]
    for path, sc in result["scenarios"].items():
        out += ["", f"场景 scenario: {sc['name']} ({path})"]
        head = [
            "策略/潮汐 policy/tide",
            "通道 lane",
            "访客",
            "平均 mean",
            "P90",
            "最长 max",
            "未叫号 unserved",
            "区间覆盖 coverage",
            "误差 MAE/mean",
        ]
        rows = []
        for key, row in sc["rows"].items():
            for lane, c in row["by_lane"].items():
                rows.append(
                    [
                        key,
                        lane,
                        num(c["visitors"], 0),
                        num(c["mean"], 2),
                        num(c["p90"]),
                        num(c["max"]),
                        num(c["unserved"], 2),
                        pct(c["coverage"]),
                        pct(c["mae_share"]),
                    ]
                )
            rows.append(
                [
                    key,
                    "全部 all",
                    "",
                    num(row["mean"], 2),
                    num(row["p90"]),
                    "",
                    f"{num(row['unserved'], 2)} (未告知 untold {num(row['unserved_untold'], 2)})",
                    pct(row["coverage"]),
                    pct(row["mae_share"]),
                ]
            )
        out += table(head, rows, align="llrrrrrrr")
        services = sorted({s for row in sc["rows"].values() for s in row["by_service"]})
        keys = list(sc["rows"])
        out += ["", "  按业务平均等待 mean wait by service (min)"]
        out += table(
            ["业务 service", *keys],
            [[s, *(num(sc["rows"][k]["by_service"].get(s, {}).get("mean"), 2) for k in keys)] for s in services],
        )
        out += ["", "  目标 targets"]
        for key, t in sc["targets"].items():
            out.append(f"    {key}: " + ", ".join(f"{k} {v}" for k, v in t.items()))
    return "\n".join(out) + "\n"

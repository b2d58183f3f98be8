"""Figures from a :class:`~server.sim.record.SimLog`: per lane, per service, per window and overall.

Waits are measured from joining a queue (ticket issued, or visit transferred to another service)
to the first call, in minutes. Visits requeued after a no-show are counted as requeues, not as
second waits. EWT error = the estimate printed on the ticket − the real wait (bias > 0: the kiosk
promised longer than it took).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from .record import SimLog, Visit

BATCHES = 20  # batch-means batches for the standard error of a stationary run's mean wait


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 3)


def p90(values: Sequence[float]) -> float:
    """The 90th percentile (linear interpolation between order statistics, like numpy's default)."""
    if not values:
        return math.nan
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def batch_means_se(values: Sequence[float], batches: int = BATCHES) -> float | None:
    """Standard error of the mean of a correlated series by non-overlapping batch means.

    Successive waits in a queue are strongly correlated, so the naive σ/√n is far too small; the
    means of long consecutive batches are nearly independent, and their spread gives an honest
    error bar. ``None`` when there are too few values for the batches to mean anything.
    """
    size = len(values) // batches
    if size < 30:
        return None
    means = [statistics.fmean(values[i * size:(i + 1) * size]) for i in range(batches)]
    return statistics.stdev(means) / math.sqrt(batches)


def wait_figures(visits: Iterable[Visit], *, stationary: bool = False) -> dict[str, Any]:
    """visitors, waits, mean / p90 / max wait and mean service time of some visits, in minutes."""
    vs = list(visits)
    called = sorted((v for v in vs if v.called_at is not None), key=lambda v: v.queued_at)
    waits = [v.called_at - v.queued_at for v in called]  # type: ignore[operator]
    services = [s for v in vs if (s := v.service_s) is not None]
    out: dict[str, Any] = {
        "visitors": len(vs),
        "waits": len(waits),
        "mean_wait_min": _minutes(statistics.fmean(waits)) if waits else None,
        "p90_wait_min": _minutes(p90(waits)) if waits else None,
        "max_wait_min": _minutes(max(waits)) if waits else None,
        "mean_service_min": _minutes(statistics.fmean(services)) if services else None,
    }
    if stationary:
        se = batch_means_se(waits)
        out["mean_wait_se_min"] = None if se is None else _minutes(se)
    return out


def ewt_error(visits: Iterable[Visit]) -> dict[str, Any]:
    """The printed estimate against the real wait, in minutes: mean absolute error and bias of the
    point estimate, the MAE as a share of the mean wait, and the share of visitors whose real wait
    fell inside the printed range (whole minutes, ends included)."""
    pairs = [(v, v.wait_s) for v in visits if v.estimate_s is not None and v.wait_s is not None]
    if not pairs:
        return {"n": 0, "mae_min": None, "bias_min": None, "mae_share": None, "coverage": None}
    errors = [v.estimate_s - w for v, w in pairs]  # type: ignore[operator]
    mae = statistics.fmean(abs(e) for e in errors)
    mean_wait = statistics.fmean(w for _, w in pairs)
    ranged = [(v, w) for v, w in pairs if v.low_s is not None and v.high_s is not None]
    covered = [v.low_s <= w <= v.high_s for v, w in ranged]  # type: ignore[operator]
    return {"n": len(errors), "mae_min": _minutes(mae), "bias_min": _minutes(statistics.fmean(errors)),
            "mae_share": round(mae / mean_wait, 4) if mean_wait > 0 else None,
            "coverage": round(statistics.fmean(covered), 4) if covered else None}


def unserved(visits: Iterable[Visit]) -> dict[str, Any]:
    """Visits never called: how many, and how many of them had been told when they joined the queue
    (at the kiosk; a transfer at the counter) that the wait might run past closing. A requeued
    no-show is told nothing."""
    left = [v for v in visits if v.called_at is None]
    told = sum(v.told_beyond_closing for v in left)
    return {"count": len(left), "told": told, "untold": len(left) - told,
            "told_at_issue": sum(v.told_beyond_closing for v in visits if v.kind == "issued")}


def summarize(log: SimLog, *, stationary: bool = False,
              names: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """The run's report as a JSON-able dict (the shape documented in docs/simulation.md).

    ``stationary``: the run is one long steady-state stretch (the quick form), so batch-means
    standard errors of the mean waits are meaningful and included. ``names``: service code →
    (Chinese, English) name.
    """
    names = names or {}
    queue_visits = [v for v in log.visits if v.kind != "requeued"]
    issued = [v for v in queue_visits if v.kind == "issued"]
    report: dict[str, Any] = {
        "visitors": len(issued),
        **{k: v for k, v in wait_figures(queue_visits, stationary=stationary).items()
           if k != "visitors"},
        "finished": sum(v.end == "finished" for v in log.visits),
        "transfers": sum(v.kind == "transferred" for v in log.visits),
        "no_shows": sum(v.end == "no_show" for v in log.visits),
        "requeued": sum(v.kind == "requeued" for v in log.visits),
        "requeue_expired": log.requeue_expired,
        "unserved": sum(v.called_at is None for v in log.visits),
        "unserved_detail": unserved(log.visits),
        "refused": dict(sorted(log.refused.items())),
    }
    busy = sum(w.busy_s for w in log.windows.values())
    available = sum(w.available_s for w in log.windows.values())
    report["utilization"] = round(busy / available, 4) if available > 0 else None

    by_lane: dict[str, list[Visit]] = defaultdict(list)
    for v in queue_visits:
        by_lane[v.lane].append(v)
    lane_order = ["normal", "priority", "appointment"]
    report["by_lane"] = {
        lane: {**wait_figures(by_lane[lane], stationary=stationary),
               "visitors": sum(v.kind == "issued" for v in by_lane[lane]),
               "unserved": sum(v.called_at is None for v in by_lane[lane]),
               "ewt": ewt_error(v for v in by_lane[lane] if v.kind == "issued")}
        for lane in sorted(by_lane, key=lambda x: (lane_order.index(x) if x in lane_order else 9, x))
    }

    by_service: dict[str, list[Visit]] = defaultdict(list)
    for v in queue_visits:
        by_service[v.service].append(v)
    report["by_service"] = {
        code: {"name_zh": names.get(code, (code, code))[0], "name_en": names.get(code, (code, code))[1],
               **wait_figures(vs), "ewt": ewt_error(vs), "unserved": sum(v.called_at is None for v in vs),
               "refused": log.refused_by_service.get(code, 0)}
        for code, vs in sorted(by_service.items())
    }
    report["windows"] = [
        {"number": w.number, "staffed_min": _minutes(w.staffed_s), "paused_min": _minutes(w.paused_s),
         "busy_min": _minutes(w.busy_s), "served": w.served, "no_shows": w.no_shows,
         "utilization": None if w.utilization is None else round(w.utilization, 4)}
        for w in sorted(log.windows.values(), key=lambda w: w.number)
    ]
    report["tide"] = {
        "openings": len(log.tide),
        "minutes_open": _minutes(sum((s.closed_at if s.closed_at is not None else log.end) - s.opened_at
                                     for s in log.tide)),
        "requests": log.tide_requests,
        "spans": [{"window": s.window, "service": s.service,
                   "opened_min": _minutes(s.opened_at - log.start),
                   "closed_min": None if s.closed_at is None else _minutes(s.closed_at - log.start),
                   "reason_zh": s.reason_zh, "reason_en": s.reason_en} for s in log.tide],
    }
    report["ewt"] = ewt_error(issued)
    return report

"""The simulator against queueing theory (issue 2, "Done when").

The quick form is an M/M/c queue run through the real dispatcher core. Each check compares a
simulated figure with its theoretical value within Z standard errors, the standard error coming
from the run itself by batch means (20 consecutive batches of ≈ 2,100 visitors: successive waits
are strongly correlated, so σ/√n would be far too small). The seeds are fixed, so the tests are
deterministic; the tolerances say how far a *correct* simulator may stray, so a wrong one (LIFO
instead of FCFS, lost visitors, a bonus applied twice …) fails.
"""

from __future__ import annotations

import statistics

import pytest

from server.sim import SimResult, run_quick
from server.sim.report import batch_means_se, p90

HOURS = 2000  # 21/h × 2,000 h ≈ 42,000 visitors per run, about 6 s each on this machine
Z = 4.0  # |simulated − theory| ≤ 4 s.e.: a correct simulator fails about once in 16,000 runs
ERLANG_C_4 = 14.757  # 4 windows, 21/h, 10 min (server.core.erlang; the issue's 14.76)
ERLANG_C_5 = 2.519  # 5 windows (the issue's 2.52)


def lane_gap_se(result: SimResult) -> float:
    """Batch-means s.e. of (priority mean wait − normal mean wait), batches of consecutive visitors."""
    visits = sorted(result.log.visits, key=lambda v: v.queued_at)
    size = len(visits) // 20
    diffs = []
    for i in range(20):
        batch = visits[i * size:(i + 1) * size]
        by = {lane: [v.wait_s for v in batch if v.lane == lane] for lane in ("normal", "priority")}
        diffs.append((statistics.fmean(by["priority"]) - statistics.fmean(by["normal"])) / 60)
    return statistics.stdev(diffs) / 20 ** 0.5


def waits_in_issue_order(result: SimResult, lane: str | None = None) -> list[float]:
    visits = sorted((v for v in result.log.visits if lane is None or v.lane == lane), key=lambda v: v.queued_at)
    return [v.wait_s / 60 for v in visits]


@pytest.fixture(scope="module")
def fifo4() -> SimResult:
    """4 windows with 20 % priority visitors, lanes switched off: plain FCFS."""
    return run_quick(windows=4, arrivals_per_hour=21, mean_service_min=10, hours=HOURS, priority_share=0.2,
                     seed=1, policy="fifo")


@pytest.fixture(scope="module")
def lanes4() -> SimResult:
    """The same visitors (same seed), with the priority lane's 20-minute bonus."""
    return run_quick(windows=4, arrivals_per_hour=21, mean_service_min=10, hours=HOURS, priority_share=0.2,
                     seed=1, policy="lanes")


def test_four_windows_mean_wait_is_erlang_c(fifo4: SimResult) -> None:
    r = fifo4.report
    assert r["theory"]["mean_wait_min"] == pytest.approx(ERLANG_C_4, abs=0.001)
    se = r["mean_wait_se_min"]
    assert 0 < se < 1.5  # the run is long enough for the check to mean something
    assert abs(r["mean_wait_min"] - ERLANG_C_4) <= Z * se
    assert r["unserved"] == 0 and r["finished"] == r["visitors"] > 40_000


def test_four_windows_fcfs_wait_distribution(fifo4: SimResult) -> None:
    # the mean is the same under any work-conserving order; the 90th percentile is not: FCFS has
    # P(W > t) = C·e^(−(cμ−λ)t), so p90 = 39.97 min. Its s.e., again by batch means.
    waits = waits_in_issue_order(fifo4)
    size = len(waits) // 20
    batch_p90 = [p90(waits[i * size:(i + 1) * size]) for i in range(20)]
    se = statistics.stdev(batch_p90) / 20 ** 0.5
    theory = fifo4.report["theory"]["p90_wait_min_fcfs"]
    assert theory == pytest.approx(39.97, abs=0.01)
    assert abs(p90(waits) - theory) <= Z * se
    # share of visitors who waited at all ≈ Erlang C's P(wait) = 0.738 (binomial-like, batch s.e.)
    waited = [float(w > 1e-9) for w in waits]
    share = statistics.fmean(waited)
    assert abs(share - fifo4.report["theory"]["p_wait"]) <= Z * batch_means_se(waited)


def test_four_windows_utilisation_is_the_offered_load(fifo4: SimResult) -> None:
    # ρ = λ·E[S]/c = 0.875. Its estimate is (visitors/time)·(mean service)/c: each factor has a
    # relative s.e. of about 1/√42,000 ≈ 0.5 %, so 4 s.e. of the product ≈ 0.025.
    assert fifo4.report["utilization"] == pytest.approx(0.875, abs=0.025)


def test_fifo_policy_gives_equal_lane_means(fifo4: SimResult) -> None:
    lanes = fifo4.report["by_lane"]
    assert lanes["priority"]["visitors"] == pytest.approx(0.2 * fifo4.report["visitors"], rel=0.05)
    se = lane_gap_se(fifo4)  # the lanes are a random 20/80 split of one FCFS stream
    gap = lanes["priority"]["mean_wait_min"] - lanes["normal"]["mean_wait_min"]
    assert abs(gap) <= Z * se


def test_priority_lane_conserves_the_mean_and_serves_priority_first(fifo4: SimResult, lanes4: SimResult) -> None:
    r = lanes4.report
    normal, priority = r["by_lane"]["normal"], r["by_lane"]["priority"]
    # Kleinrock's conservation law: service times do not depend on the lane and the windows never
    # idle with someone waiting, so the arrival-weighted mean over lanes is the FCFS mean …
    weighted = (normal["visitors"] * normal["mean_wait_min"] + priority["visitors"] * priority["mean_wait_min"]) \
        / (normal["visitors"] + priority["visitors"])
    assert weighted == pytest.approx(r["mean_wait_min"], abs=0.01)
    assert abs(r["mean_wait_min"] - ERLANG_C_4) <= Z * r["mean_wait_se_min"]
    # … and visitor by visitor against the FCFS run with the same seed (same visitors, same service
    # times), whose per-visitor differences give a much tighter s.e.
    fifo_wait = {v.ticket: v.wait_s for v in fifo4.log.visits}
    diffs = [(v.wait_s - fifo_wait[v.ticket]) / 60 for v in sorted(lanes4.log.visits, key=lambda v: v.queued_at)]
    assert len(diffs) == len(fifo_wait)
    assert abs(statistics.fmean(diffs)) <= Z * batch_means_se(diffs)
    # while priority visitors wait far less than ordinary ones: about half, and far beyond noise
    gap = normal["mean_wait_min"] - priority["mean_wait_min"]
    assert gap > Z * lane_gap_se(lanes4)
    assert priority["mean_wait_min"] < 0.6 * normal["mean_wait_min"]
    assert priority["p90_wait_min"] < 0.6 * normal["p90_wait_min"]


def test_five_windows_mean_wait_is_erlang_c() -> None:
    r = run_quick(windows=5, arrivals_per_hour=21, mean_service_min=10, hours=HOURS, seed=2).report
    assert r["theory"]["mean_wait_min"] == pytest.approx(ERLANG_C_5, abs=0.001)
    se = r["mean_wait_se_min"]
    assert 0 < se < 0.4
    assert abs(r["mean_wait_min"] - ERLANG_C_5) <= Z * se
    assert r["utilization"] == pytest.approx(0.7, abs=0.025)

"""The tide controller (潮汐窗口, 000 第十八条; DOMAIN rule 5).

Per service, each ``tick`` judges the load:

* count mode (``target_wait_min = 0``): *over* when waiting ≥ ``open_waiting`` or EWT ≥
  ``open_wait_min``; *under* when waiting ≤ ``close_waiting`` and EWT ≤ ``close_wait_min``;
* Erlang C mode (``target_wait_min > 0``): with the arrival rate of the last ``rate_window_min``
  and the mean service time, *over* when the staffed capacity is below the windows Erlang C needs to
  keep the mean wait under the target, *under* when one window fewer would still do.

Over for ``open_sustain_min`` without interruption → the controller weighs every staffed,
unpaused, tide-eligible window whose first tier lacks the service (DOMAIN 5 / 001 第十七条: keep windows
and load balanced to *cut* waiting, not to move it): the receiving service's **gain** (person-minutes
of waiting saved over the next ``rate_window_min`` with one window more) against the **loss** of
every service the window would leave (the same figure with one window less, its share of each), by
:func:`queue_cost`. The window whose departure costs least (largest gain − loss) opens, if its gain
is at least ``gain_ratio`` × its loss; the timer restarts, so a second one needs another sustained
period. No such window → ``tide.requested`` for the managers, at most every ``request_repeat_min``.

An automatic tide window goes back to its own services as soon as they would gain more from it, for
``open_sustain_min``, than its tide service would lose (the donor suffers), or when its tide
service has been *under* for ``close_sustain_min`` (the most recent one first). Close thresholds
lie below open ones (checked by the config loader) and between them nothing happens; opening needs
gain ≥ ``gain_ratio`` × loss, giving back needs loss > gain: hysteresis both ways, no flapping.
Tide windows opened by hand are never closed automatically.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from config import TideRules

from .erlang import servers_needed


@dataclass(frozen=True, slots=True)
class Load:
    """What the controller sees of one service at a tick."""

    service: str
    name_zh: str
    name_en: str
    waiting: int
    ewt_s: int
    capacity: float  # staffed windows serving it (fractional, tide windows included)
    arrivals: int  # tickets issued within the rate window
    mean_service_s: float
    tide_windows: int  # tide windows of this service, manual ones included
    auto_tide_windows: tuple[int, ...]  # automatic ones, oldest first


@dataclass(frozen=True, slots=True)
class Move:
    """One window's move between its own services and a tide service, weighed over the horizon:
    person-seconds of waiting the tide service saves (``gain_s``) against those the window's own
    services lose (``loss_s``)."""

    window: int
    gain_s: float
    loss_s: float

    @property
    def net_s(self) -> float:
        return self.gain_s - self.loss_s


class TidePort(Protocol):
    """What the controller needs from the hall."""

    def tide_load(self, service: str, now: float) -> Load: ...
    def tide_candidates(self, service: str, now: float) -> list[Move]: ...
    def tide_keep(self, window: int, now: float) -> Move: ...
    def tide_auto_windows(self) -> list[int]: ...
    def tide_open(self, window: int, service: str, now: float, zh: str, en: str) -> None: ...
    def tide_close(self, window: int, now: float, zh: str, en: str) -> None: ...
    def tide_request(self, load: Load, now: float, zh: str, en: str) -> None: ...


@dataclass(slots=True)
class _Watch:
    over_since: float | None = None
    under_since: float | None = None
    requested_at: float | None = None


def sakasegawa_wq(rate: float, mean_s: float, capacity: float) -> float:
    """Mean wait in queue of an M/M/c queue by Sakasegawa's approximation, Lq ≈ ρ^√(2(c+1)) / (1 − ρ),
    which, unlike Erlang C, takes a fractional ``capacity`` (a window shared between services);
    ``math.inf`` when overloaded. Exact for c = 1:

    >>> round(sakasegawa_wq(1 / 20, 10, 1), 6)      # M/M/1, ρ = 0.5: Wq = ρ / (μ − λ) = 10
    10.0
    """
    if rate <= 0:
        return 0.0
    if capacity <= 0:
        return math.inf
    rho = rate * mean_s / capacity
    if rho >= 1:
        return math.inf
    return rho ** math.sqrt(2 * (capacity + 1)) / (1 - rho) / rate


def queue_cost(waiting: int, rate: float, mean_s: float, capacity: float, horizon_s: float) -> float:
    """Person-seconds of waiting a service accrues over the next ``horizon_s``: the queue drains (or
    grows) at ``capacity / mean_s − rate`` (a fluid model), and once it is empty each newcomer
    waits the stationary mean (:func:`sakasegawa_wq`). ``rate`` is per second.

    >>> queue_cost(waiting=6, rate=0, mean_s=600, capacity=1, horizon_s=1800) / 3600   # 6→3 in 30 min
    2.25
    >>> round(queue_cost(waiting=6, rate=0, mean_s=600, capacity=2, horizon_s=1800) / 3600, 6)  # empty after 30
    1.5
    """
    drift = rate - (capacity / mean_s if mean_s > 0 else math.inf)
    if drift >= 0:
        return waiting * horizon_s + drift * horizon_s * horizon_s / 2
    drained = min(horizon_s, waiting / -drift)
    area = waiting * drained + drift * drained * drained / 2
    rest = horizon_s - drained
    if rest > 0 and rate > 0:
        area += rate * rest * min(sakasegawa_wq(rate, mean_s, capacity), horizon_s)
    return area


class TideController:
    def __init__(self, rules: TideRules, memory: Mapping[str, Any] | None = None) -> None:
        self.rules = rules
        self._watch: dict[str, _Watch] = {}
        memory = memory or {}
        for service, w in (memory.get("watch") or {}).items():
            self._watch[service] = _Watch(w.get("over_since"), w.get("under_since"),
                                          w.get("requested_at"))
        # window → since when its own services would gain more from it than its tide service loses
        self._suffer: dict[int, float] = {int(k): v for k, v in (memory.get("suffer") or {}).items()}

    @property
    def memory(self) -> dict[str, Any]:
        """JSON-able timers, for persistence across restarts."""
        out: dict[str, Any] = {"watch": {s: {"over_since": w.over_since, "under_since": w.under_since,
                                             "requested_at": w.requested_at}
                                         for s, w in sorted(self._watch.items())}}
        if self._suffer:
            out["suffer"] = {str(k): v for k, v in sorted(self._suffer.items())}
        return out

    def tick(self, port: TidePort, services: Iterable[str], now: float) -> None:
        r = self.rules
        self._give_back(port, now)
        for service in services:
            load = port.tide_load(service, now)
            watch = self._watch.get(service) or _Watch()
            over, under, zh, en = self._judge(load)
            if over:
                watch.under_since = None
                if watch.over_since is None:
                    watch.over_since = now
                sustained = now - watch.over_since
                if sustained >= r.open_sustain_min * 60 and load.tide_windows < r.max_per_service:
                    held_zh = f"{zh}，已持续 {int(sustained // 60)} 分钟"
                    held_en = f"{en} for {int(sustained // 60)} min"
                    candidates = port.tide_candidates(service, now)
                    worth = [c for c in candidates if c.gain_s > 0 and c.gain_s >= r.gain_ratio * c.loss_s]
                    if worth:
                        best = worth[0]
                        gain, loss, horizon = _pm(best.gain_s), _pm(best.loss_s), round(r.rate_window_min)
                        port.tide_open(best.window, service, now,
                                       f"{held_zh}，开启潮汐窗口（{horizon} 分钟内预计为本业务减少等候约 {gain} "
                                       f"人·分钟，原业务增加约 {loss} 人·分钟）",
                                       f"{held_en}: opening a tide window (over {horizon} min it should save "
                                       f"about {gain} person-min of waiting here and cost its own services "
                                       f"about {loss})")
                        watch.over_since = now  # the next one needs another sustained period
                        watch.requested_at = None
                    elif watch.requested_at is None or \
                            now - watch.requested_at >= r.request_repeat_min * 60:
                        if candidates:
                            zh = f"{held_zh}，但可调配窗口的原业务同样繁忙，调走得不偿失，请安排人员"
                            en = (f"{held_en}, but moving a tide-eligible window would cost its own "
                                  "services more than it saves: please assign a clerk")
                        else:
                            zh = f"{held_zh}，但没有已签到的可用潮汐窗口，请安排人员"
                            en = f"{held_en}, but no staffed tide-eligible window is free: please assign a clerk"
                        port.tide_request(load, now, zh, en)
                        watch.requested_at = now
            elif under and load.auto_tide_windows:
                watch.over_since = None
                watch.requested_at = None
                if watch.under_since is None:
                    watch.under_since = now
                sustained = now - watch.under_since
                if sustained >= r.close_sustain_min * 60:
                    port.tide_close(load.auto_tide_windows[-1], now,
                                    f"{zh}，已持续 {int(sustained // 60)} 分钟，释放潮汐窗口",
                                    f"{en} for {int(sustained // 60)} min: releasing the tide window")
                    watch.under_since = now
            else:  # between the thresholds (or nothing to close): the timers restart
                watch.over_since = None
                watch.under_since = None
                watch.requested_at = None
            if watch.over_since is None and watch.under_since is None and watch.requested_at is None:
                self._watch.pop(service, None)
            else:
                self._watch[service] = watch

    def _give_back(self, port: TidePort, now: float) -> None:
        """An automatic tide window goes back once its own services would gain more from it than its
        tide service would lose, without interruption for ``open_sustain_min`` (DOMAIN 5: tide windows
        cut waiting, they do not move it from one service to another)."""
        auto = set(port.tide_auto_windows())
        for number in [n for n in self._suffer if n not in auto]:
            del self._suffer[number]
        for number in sorted(auto):
            keep = port.tide_keep(number, now)
            if keep.loss_s <= keep.gain_s:
                self._suffer.pop(number, None)
                continue
            since = self._suffer.setdefault(number, now)
            if now - since >= self.rules.open_sustain_min * 60:
                del self._suffer[number]
                gain, loss = _pm(keep.loss_s), _pm(keep.gain_s)
                port.tide_close(number, now,
                                f"原业务等候增加：归还后预计减少原业务等候约 {gain} 人·分钟，"
                                f"潮汐业务增加约 {loss} 人·分钟，已持续 {int((now - since) // 60)} 分钟，归还原业务",
                                f"its own services are suffering: going back should save them about {gain} "
                                f"person-min of waiting and cost the tide service about {loss}, for "
                                f"{int((now - since) // 60)} min: back to its own services")

    def _judge(self, load: Load) -> tuple[bool, bool, str, str]:
        """(over, under, what was seen in Chinese, in English)."""
        r = self.rules
        ewt_min = load.ewt_s / 60
        seen_zh = f"{load.name_zh} 等候 {load.waiting} 人、预计等候 {round(ewt_min)} 分钟"
        seen_en = f"{load.name_en}: {load.waiting} waiting, about {round(ewt_min)} min"
        if r.target_wait_min > 0:
            window_s = r.rate_window_min * 60
            rate = load.arrivals / window_s
            needed = servers_needed(arrival_rate=rate, mean_service=load.mean_service_s,
                                    target_wait=r.target_wait_min * 60)
            per_hour = round(load.arrivals * 3600 / window_s)
            zh = (f"{seen_zh}；每小时约 {per_hour} 人、平均办理 {round(load.mean_service_s / 60)} 分钟，"
                  f"按 Erlang C 需 {needed} 个窗口才能使平均等候不超过 {r.target_wait_min:g} 分钟，"
                  f"现有 {load.capacity:.1f} 个")
            en = (f"{seen_en}; about {per_hour}/h at {round(load.mean_service_s / 60)} min each, "
                  f"Erlang C needs {needed} window(s) to keep the mean wait under "
                  f"{r.target_wait_min:g} min, {load.capacity:.1f} staffed")
            over = load.waiting > 0 and needed > load.capacity + 1e-9
            under = needed <= load.capacity - 1 + 1e-9
            return over, under, zh, en
        over = load.waiting >= r.open_waiting or ewt_min >= r.open_wait_min
        under = load.waiting <= r.close_waiting and ewt_min <= r.close_wait_min
        return over, under, seen_zh, seen_en


def _pm(seconds: float) -> int:
    """Person-seconds → whole person-minutes, for reasons."""
    return round(seconds / 60) if math.isfinite(seconds) else 9999

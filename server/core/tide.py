"""The tide controller (潮汐窗口, 000 第十八条; DOMAIN rule 5).

Per service, each ``tick`` judges the load:

* count mode (``target_wait_min = 0``): *over* when waiting ≥ ``open_waiting`` or EWT ≥
  ``open_wait_min``; *under* when waiting ≤ ``close_waiting`` and EWT ≤ ``close_wait_min``;
* Erlang C mode (``target_wait_min > 0``): with the arrival rate of the last ``rate_window_min``
  and the mean service time, *over* when the staffed capacity is below the windows Erlang C needs to
  keep the mean wait under the target, *under* when one window fewer would still do.

Over for ``open_sustain_min`` without interruption → a staffed, unpaused, tide-eligible window
whose first tier lacks the service becomes its tide window (idle windows first, then the one
whose own first tier has the fewest waiting); the timer restarts, so a second one needs another
sustained period. No such window → ``tide.requested`` for the managers, at most every
``request_repeat_min``. Under for ``close_sustain_min`` → the most recent automatic tide window of
the service is released. Close thresholds lie below open ones (checked by the config loader) and
between them nothing happens: hysteresis, no flapping. Tide windows opened by hand are never
closed automatically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from config import TideRules

from .dispatch import Profile
from .erlang import servers_needed
from .model import WindowState, WindowStatus


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


class TidePort(Protocol):
    """What the controller needs from the hall."""

    def tide_load(self, service: str, now: float) -> Load: ...
    def tide_candidates(self, service: str) -> list[int]: ...
    def tide_open(self, window: int, service: str, now: float, zh: str, en: str) -> None: ...
    def tide_close(self, window: int, now: float, zh: str, en: str) -> None: ...
    def tide_request(self, load: Load, now: float, zh: str, en: str) -> None: ...


@dataclass(slots=True)
class _Watch:
    over_since: float | None = None
    under_since: float | None = None
    requested_at: float | None = None


class TideController:
    def __init__(self, rules: TideRules, memory: Mapping[str, Any] | None = None) -> None:
        self.rules = rules
        self._watch: dict[str, _Watch] = {}
        for service, w in ((memory or {}).get("watch") or {}).items():
            self._watch[service] = _Watch(w.get("over_since"), w.get("under_since"),
                                          w.get("requested_at"))

    @property
    def memory(self) -> dict[str, Any]:
        """JSON-able timers, for persistence across restarts."""
        return {"watch": {s: {"over_since": w.over_since, "under_since": w.under_since,
                              "requested_at": w.requested_at}
                          for s, w in sorted(self._watch.items())}}

    def tick(self, port: TidePort, services: Iterable[str], now: float) -> None:
        r = self.rules
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
                    candidates = port.tide_candidates(service)
                    if candidates:
                        port.tide_open(candidates[0], service, now, f"{held_zh}，开启潮汐窗口",
                                       f"{held_en}: opening a tide window")
                        watch.over_since = now  # the next one needs another sustained period
                        watch.requested_at = None
                    elif watch.requested_at is None or \
                            now - watch.requested_at >= r.request_repeat_min * 60:
                        port.tide_request(load, now, f"{held_zh}，但没有已签到的可用潮汐窗口，请安排人员",
                                          f"{held_en}, but no staffed tide-eligible window is "
                                          "free: please assign a clerk")
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


def rank_candidates(service: str, profiles: Mapping[int, Profile], eligible: Iterable[int],
                    windows: Mapping[int, WindowState],
                    first_tier_waiting: Callable[[Profile], int]) -> list[int]:
    """Windows that may become ``service``'s tide window, best first: staffed and not paused,
    tide-eligible, not already a tide window, without ``service`` in their first tier; idle ones
    first, then the fewest waiting for their own first tier, then the lowest number."""
    found = []
    for number in eligible:
        w = windows[number]
        if w.status is not WindowStatus.OPEN or w.tide_service is not None:
            continue
        if service in profiles[number].first_tier:
            continue
        found.append((w.current is not None, first_tier_waiting(profiles[number]), number))
    return [number for *_, number in sorted(found)]

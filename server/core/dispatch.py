"""The dispatch rule — who window W calls next, and why. The only place this is decided.

Candidates are the waiting tickets of the services in W's work profile; a tide window's tide service
comes first, as an extra tier 0. Effective wait = now − queued_at + lane bonus, i.e. tickets order
by ``queued_at − bonus`` (see :mod:`.queues`). In order:

1. a green-channel window (绿色通道) takes the best *priority* ticket of its profile first;
2. a tier with ``after_wait_min`` whose best ticket has an effective wait above that jumps ahead
   ("次要业务 … 已等 23 分钟（超过 20 分钟）") — unless an earlier tier's best ticket has waited even
   longer, so an overloaded secondary service cannot starve the window's first services; if several
   tiers jump, the longest-waiting one;
3. otherwise the first tier, in profile order, that has any ticket: its best effective wait.

Within one service, every non-green call takes the service's smallest key, so an ordinary ticket
queued at q is overtaken only by tickets with ``queued_at < q + bonus`` (no starvation; DOMAIN rule
4). docs/dispatch.md gives the bound and its one exception, green-channel windows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from config import HallConfig, WindowConfig

from .model import Lane, Ticket, WindowState
from .queues import Queues

_PRIORITY_ONLY = (Lane.PRIORITY,)


@dataclass(frozen=True, slots=True)
class Tier:
    services: tuple[str, ...]
    after_wait_s: float | None  # None: served only when every earlier tier is empty


@dataclass(frozen=True, slots=True)
class Profile:
    """A window's work profile, prepared once from its configuration."""

    number: int
    green_channel: bool
    tiers: tuple[Tier, ...]
    services: tuple[str, ...]  # every service of the profile, tier order

    @classmethod
    def of(cls, window: WindowConfig) -> Profile:
        tiers = tuple(Tier(tuple(t.services), None if t.after_wait_min is None else t.after_wait_min * 60)
                      for t in window.profile)
        return cls(window.number, window.green_channel, tiers, tuple(window.services()))

    @property
    def first_tier(self) -> tuple[str, ...]:
        return self.tiers[0].services


@dataclass(frozen=True, slots=True)
class Pick:
    ticket_id: str
    reason_zh: str
    reason_en: str


def pick(profile: Profile, state: WindowState, queues: Queues, tickets: Mapping[str, Ticket],
         hall: HallConfig, now: float) -> Pick | None:
    """The next ticket for a window, or None when nobody waits for it. Changes nothing."""
    tiers = profile.tiers
    services = profile.services
    tide = state.tide_service
    if tide is not None:
        tiers = (Tier((tide,), None), *tiers)
        services = (tide, *services)

    if profile.green_channel:  # 1. 绿色通道
        entry = queues.best(services, _PRIORITY_ONLY)
        if entry is not None:
            t = tickets[entry[1]]
            m = _minutes(now - t.queued_at)
            name = hall.service(t.service)
            return Pick(t.id, f"绿色通道窗口优先叫号：{name.name_zh}（优先通道），已等 {m} 分钟",
                        f"green-channel window serves priority first: {name.name_en}, waited {m} min")

    overdue: tuple[float, str, Tier] | None = None  # 2. secondary tiers over their wait limit …
    for index, tier in enumerate(tiers):
        if tier.after_wait_s is None:
            continue
        entry = queues.best(tier.services)
        if entry is None or now - entry[0] <= tier.after_wait_s:
            continue
        # … but never ahead of an earlier tier's visitor who has waited even longer: a secondary service
        # that stays overloaded all day must not starve the window's own first services.
        earlier = queues.best(tuple(s for t in tiers[:index] for s in t.services))
        if earlier is not None and earlier < entry:
            continue
        if overdue is None or entry < overdue[:2]:
            overdue = (entry[0], entry[1], tier)
    if overdue is not None:
        key, tid, tier = overdue
        t = tickets[tid]
        name = hall.service(t.service)
        limit = _minutes(tier.after_wait_s or 0)
        eff = _minutes(now - key)
        waited = _minutes(now - t.queued_at)
        if t.lane is Lane.NORMAL:
            return Pick(tid, f"次要业务 {name.name_zh} 已等 {waited} 分钟（超过 {limit} 分钟）",
                        f"secondary service {name.name_en} waited {waited} min (over {limit} min)")
        lane_zh, lane_en = ("优先通道", "priority lane") if t.lane is Lane.PRIORITY else ("预约", "appointment")
        return Pick(tid, f"次要业务 {name.name_zh}（{lane_zh}）已等 {waited} 分钟，"
                         f"加权后 {eff} 分钟（超过 {limit} 分钟）",
                    f"secondary service {name.name_en} ({lane_en}) waited {waited} min, "
                    f"{eff} min with its lane bonus (over {limit} min)")

    for index, tier in enumerate(tiers):  # 3. first tier with anyone waiting
        entry = queues.best(tier.services)
        if entry is None:
            continue
        t = tickets[entry[1]]
        m = _minutes(now - t.queued_at)
        name = hall.service(t.service)
        if t.lane is Lane.PRIORITY:
            zh, en = f"优先通道，已等 {m} 分钟", f"priority lane, waited {m} min"
        elif t.lane is Lane.APPOINTMENT:
            zh, en = f"预约到号，已等 {m} 分钟", f"appointment, waited {m} min"
        elif tide is not None and index == 0:
            zh, en = f"已等 {m} 分钟", f"waited {m} min"
        elif index == (1 if tide is not None else 0):
            zh, en = f"本窗口首选业务，已等 {m} 分钟", f"this window's first service, waited {m} min"
        else:
            zh, en = (f"首选业务无人等候，办理 {name.name_zh}，已等 {m} 分钟",
                      f"nobody waits for the first services: {name.name_en}, waited {m} min")
        if tide is not None and index == 0:
            zh, en = f"潮汐窗口：{name.name_zh}，{zh}", f"tide window for {name.name_en}: {en}"
        return Pick(t.id, zh, en)
    return None


def _minutes(seconds: float) -> int:
    return max(0, int(seconds // 60))

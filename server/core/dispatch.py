"""The dispatch rule — who window W calls next, and why. The only place this is decided.

Candidates are the waiting tickets of the services in W's work profile; a tide window's tide service
is an extra tier right after its first tier, or after all of its own tiers while their visitors have
waited long enough (:func:`_with_tide`). Tickets order by ``queued_at − bonus`` (:mod:`.lanes`,
:mod:`.queues`). Two rules (``[lanes] rule``; docs/dispatch.md explains them for hall managers):

**bounded** (default; DOMAIN 4 / 000 第十六、二十七条, 003 §11: 老弱病残孕 served ahead, ordinary
visitors never starved). The priority lane sorts before every ordinary ticket (strict priority), and:

0. an ordinary (normal or appointment) ticket that has waited its bound (:func:`.lanes.ordinary_bound_s`)
   goes ahead of everyone queued after it, at every window that can serve it — the oldest such
   ticket first. The rest only decides while no such ticket is older than its choice:
1. the oldest *priority* ticket of any service the window serves, whatever its tier: a priority
   visitor is called by the first window able to serve them (a green-channel window, 绿色通道, says so);
2. a tier with ``after_wait_min`` whose longest-waiting ticket has waited longer than that jumps
   ahead, unless an earlier tier has someone who waited even longer;
3. otherwise the first tier, in profile order, that has any ticket: its smallest key (priority
   first, then appointments and normal tickets by ``queued_at − appointment bonus``).

So once an ordinary ticket reaches its bound, no ticket queued after it is called at a window that
could call it: the property tests check exactly this on every call.

**bonus** (the older rule, kept for comparisons): effective wait = now − queued_at + lane bonus;
1. green channel as above; 2. a tier whose best *effective* wait is above ``after_wait_min`` jumps
ahead (never ahead of an earlier tier's longer effective wait); 3. the first tier with anyone.
Within one service every non-green call takes the smallest key, so an ordinary ticket queued at q
is overtaken only by tickets with ``queued_at < q + bonus``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from config import HallConfig, WindowConfig

from .model import Lane, Ticket, WindowState
from .queues import Queues

_PRIORITY_ONLY = (Lane.PRIORITY,)
_ORDINARY = (Lane.NORMAL, Lane.APPOINTMENT)
_ALL = (Lane.PRIORITY, Lane.APPOINTMENT, Lane.NORMAL)

OWN_LATER_SHARE = 0.25
"""A tide window's later own tiers go ahead of its tide service once their longest wait reaches this
share of the tide service's longest wait (:func:`_with_tide`)."""


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
         hall: HallConfig, now: float, bounds: Mapping[str, float] | None = None) -> Pick | None:
    """The next ticket for a window, or None when nobody waits for it. Changes nothing.

    ``bounds`` (service → seconds) selects the bounded rule; None, the bonus rule.
    """
    if bounds is not None:
        return _pick_bounded(profile, state, queues, tickets, hall, now, bounds)
    tiers = profile.tiers
    services = profile.services
    tide = state.tide_service
    if tide is not None:
        tiers, services = _with_tide(tiers, tide, queues, tickets, now), (tide, *services)

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

    for tier in tiers:  # 3. first tier with anyone waiting
        entry = queues.best(tier.services)
        if entry is not None:
            return _tier_pick(tickets[entry[1]], profile, tide, hall, now)
    return None


def _pick_bounded(profile: Profile, state: WindowState, queues: Queues, tickets: Mapping[str, Ticket],
                  hall: HallConfig, now: float, bounds: Mapping[str, float]) -> Pick | None:
    tiers = profile.tiers
    services = profile.services
    tide = state.tide_service
    if tide is not None:
        tiers, services = _with_tide(tiers, tide, queues, tickets, now), (tide, *services)

    # 0. the oldest ordinary ticket past its bound (DOMAIN 4: "the wait of ordinary tickets stays
    # bounded"); heads suffice: within a lane, the key order is the queued_at order
    overdue: Ticket | None = None
    for code in services:
        bound = bounds.get(code)
        if bound is None:
            continue
        for lane in _ORDINARY:
            head = queues.head(code, lane)
            if head is None:
                continue
            t = tickets[head[1]]
            if now - t.queued_at >= bound and (overdue is None or (t.queued_at, t.id) < (overdue.queued_at,
                                                                                         overdue.id)):
                overdue = t
    chosen = _bounded_choice(profile, tiers, tide, queues, tickets, hall, now)
    if overdue is not None and (chosen is None or overdue.queued_at < tickets[chosen.ticket_id].queued_at):
        m = _minutes(now - overdue.queued_at)
        b = _minutes(bounds[overdue.service])
        name = hall.service(overdue.service)
        kind_zh, kind_en = ("预约号", "appointment") if overdue.lane is Lane.APPOINTMENT else ("普通号", "ordinary")
        return Pick(overdue.id, f"{kind_zh} {name.name_zh} 已等 {m} 分钟，达到等候上限 {b} 分钟，先于其后取号的所有人",
                    f"{kind_en} ticket for {name.name_en} waited {m} min, reached its {b}-min bound: "
                    "ahead of everyone who came after it")
    return chosen


def _oldest(queues: Queues, services: tuple[str, ...], tickets: Mapping[str, Ticket]) -> Ticket | None:
    """The longest-waiting ticket (by queued_at) of some services, any lane: O(services × lanes)."""
    found: Ticket | None = None
    for code in services:
        for lane in _ALL:
            head = queues.head(code, lane)
            if head is not None:
                t = tickets[head[1]]
                if found is None or (t.queued_at, t.id) < (found.queued_at, found.id):
                    found = t
    return found


def _bounded_choice(profile: Profile, tiers: tuple[Tier, ...], tide: str | None, queues: Queues,
                    tickets: Mapping[str, Ticket], hall: HallConfig, now: float) -> Pick | None:
    # 1. priority first (003 §11; 000 第十六、二十七条), at every window able to serve the service,
    # whatever the tier: the first window to free up takes it. A green-channel window (绿色通道) says so.
    services = tuple(s for tier in tiers for s in tier.services)
    entry = queues.best(services, _PRIORITY_ONLY)
    if entry is not None:
        t = tickets[entry[1]]
        if profile.green_channel:
            m = _minutes(now - t.queued_at)
            name = hall.service(t.service)
            return Pick(t.id, f"绿色通道窗口优先叫号：{name.name_zh}（优先通道），已等 {m} 分钟",
                        f"green-channel window serves priority first: {name.name_en}, waited {m} min")
        return _tier_pick(t, profile, tide, hall, now)

    jump: tuple[float, int, Tier] | None = None  # 2. a secondary tier whose longest wait is over its limit …
    for index, tier in enumerate(tiers):
        if tier.after_wait_s is None:
            continue
        oldest = _oldest(queues, tier.services, tickets)
        if oldest is None or now - oldest.queued_at <= tier.after_wait_s:
            continue
        # … but never ahead of an earlier tier's visitor who has waited even longer
        earlier = _oldest(queues, tuple(s for t in tiers[:index] for s in t.services), tickets)
        if earlier is not None and earlier.queued_at < oldest.queued_at:
            continue
        if jump is None or oldest.queued_at < jump[0]:
            jump = (oldest.queued_at, index, tier)
    if jump is not None:
        _, index, tier = jump
        entry = queues.best(tier.services)
        assert entry is not None
        t = tickets[entry[1]]
        name = hall.service(t.service)
        limit = _minutes(tier.after_wait_s or 0)
        waited = _minutes(now - t.queued_at)
        if t.lane is Lane.APPOINTMENT:
            return Pick(t.id, f"次要业务 {name.name_zh} 等候超过 {limit} 分钟：预约到号，已等 {waited} 分钟",
                        f"secondary service {name.name_en} has waited over {limit} min: appointment, "
                        f"waited {waited} min")
        return Pick(t.id, f"次要业务 {name.name_zh} 已等 {waited} 分钟（超过 {limit} 分钟）",
                    f"secondary service {name.name_en} waited {waited} min (over {limit} min)")

    for tier in tiers:  # 3. first tier with anyone waiting
        entry = queues.best(tier.services)
        if entry is not None:
            return _tier_pick(tickets[entry[1]], profile, tide, hall, now)
    return None


def _with_tide(tiers: tuple[Tier, ...], tide: str, queues: Queues, tickets: Mapping[str, Ticket],
               now: float) -> tuple[Tier, ...]:
    """A tide window's tiers: its own first tier, then the tide service, then its later tiers — except
    that its later tiers (their limits kept, the tide service taken out) go ahead of the tide service
    once their longest-waiting visitor has waited at least :data:`OWN_LATER_SHARE` of the tide
    service's longest wait, or when nobody waits for the tide service.

    DOMAIN 5: *"windows are re-assigned to the services whose waiting count or waiting time is high
    … Keep windows and load balanced to cut waiting time (001 第十七条)"* — cut it, not move it from
    one service to another. With the tide service always right after the first tier, a lent window
    left the visitors of its later tiers behind every visit of the surge (Monday: 婚姻登记 SA01, the
    second tier of window 9, waited 3.9× longer); with every own tier always first, the hall lost part
    of the gain. The share keeps the hall's gain and cuts that harm (docs/dispatch.md, "Tide
    windows", has the figures of the rules tried)."""
    later = tuple(s for t in tiers[1:] for s in t.services if s != tide)
    own = _oldest(queues, later, tickets) if later else None
    if own is not None:
        oldest_tide = _oldest(queues, (tide,), tickets)
        if oldest_tide is None or now - own.queued_at >= OWN_LATER_SHARE * (now - oldest_tide.queued_at):
            rest = tuple(Tier(r, t.after_wait_s) for t in tiers[1:] if (r := tuple(s for s in t.services if s != tide)))
            return (tiers[0], *rest, Tier((tide,), None))
    return (tiers[0], Tier((tide,), None), *tiers[1:])


def _tier_pick(t: Ticket, profile: Profile, tide: str | None, hall: HallConfig, now: float) -> Pick:
    m = _minutes(now - t.queued_at)
    name = hall.service(t.service)
    if t.lane is Lane.PRIORITY:
        zh, en = f"优先通道，已等 {m} 分钟", f"priority lane, waited {m} min"
    elif t.lane is Lane.APPOINTMENT:
        zh, en = f"预约到号，已等 {m} 分钟", f"appointment, waited {m} min"
    elif t.service == tide:
        zh, en = f"已等 {m} 分钟", f"waited {m} min"
    elif t.service in profile.first_tier:
        zh, en = f"本窗口首选业务，已等 {m} 分钟", f"this window's first service, waited {m} min"
    else:
        zh, en = (f"首选业务无人等候，办理 {name.name_zh}，已等 {m} 分钟",
                  f"nobody waits for the first services: {name.name_en}, waited {m} min")
    if t.service == tide:
        zh, en = f"潮汐窗口：{name.name_zh}，{zh}", f"tide window for {name.name_en}: {en}"
    return Pick(t.id, zh, en)


def _minutes(seconds: float) -> int:
    return max(0, int(seconds // 60))

"""Lanes, their sort keys and the ordinary wait bound (DOMAIN rule 4 / 003 §11: 老弱病残孕 served
ahead; ordinary visitors never starved).

Tickets order by ``queued_at − bonus``, a key that never changes while a ticket waits:

* rule ``"bounded"`` (default): the priority lane's "bonus" is :data:`PRIORITY_FIRST_S`, longer than
  any wait, so every priority ticket sorts before every ordinary one: strict, non-preemptive
  priority. The appointment lane keeps ``appointment_bonus_min`` over the normal lane. What keeps
  ordinary waits bounded is :func:`ordinary_bound_s`, applied by :mod:`.dispatch`;
* rule ``"bonus"`` (the older rule): effective wait = time waited + ``priority_bonus_min``.
"""

from __future__ import annotations

from config import LaneRules, ServiceConfig

from .errors import Refused
from .model import Lane

LANE_NAMES: dict[Lane, tuple[str, str]] = {
    Lane.NORMAL: ("普通", "normal"),
    Lane.PRIORITY: ("优先通道", "priority lane"),
    Lane.APPOINTMENT: ("预约", "appointment"),
}


PRIORITY_FIRST_S = 7 * 86400.0  # a week: more than anyone waits, so priority sorts first


def bonus_s(rules: LaneRules, lane: Lane) -> float:
    """Seconds subtracted from ``queued_at`` to order a ticket (see the module docstring)."""
    if lane is Lane.PRIORITY:
        return PRIORITY_FIRST_S if rules.rule == "bounded" else rules.priority_bonus_min * 60.0
    if lane is Lane.APPOINTMENT:
        return rules.appointment_bonus_min * 60.0
    return 0.0


def ordinary_bound_s(rules: LaneRules, service: ServiceConfig) -> float | None:
    """How long an ordinary (normal or appointment) ticket of ``service`` may wait before it goes
    ahead of everyone queued after it; None under the ``"bonus"`` rule, whose bonuses bound it.

    Derived from the service's expected wait, its ``target_wait_min`` (the figure supervision
    warns against), with a floor:

    >>> from config import ServiceConfig
    >>> svc = ServiceConfig(code="A", name_zh="甲", name_en="A", category="c", prefix="A", minutes=10,
    ...                     target_wait_min=20)
    >>> ordinary_bound_s(LaneRules(), svc) / 60                 # max(60, 6 × 20)
    120.0
    """
    if rules.rule != "bounded":
        return None
    return max(rules.ordinary_bound_min, rules.ordinary_bound_factor * service.target_wait_min) * 60.0


def checkin_lane(rules: LaneRules, slot_start: float, now: float) -> Lane:
    """The lane for a booked visitor checking in at ``now`` for a slot starting at ``slot_start``.

    On time (from ``appointment_early_min`` before to ``appointment_late_grace_min`` after the
    slot) → appointment lane; later → walk-in lane (never refused: walk-ins always work, 003 §2);
    too early → ``Refused("appointment_early")`` saying when to come back.

    >>> rules = LaneRules()
    >>> checkin_lane(rules, 36000, 36000 - 10 * 60), checkin_lane(rules, 36000, 36000 + 20 * 60)
    (<Lane.APPOINTMENT: 'appointment'>, <Lane.NORMAL: 'normal'>)
    """
    opens = slot_start - rules.appointment_early_min * 60
    if now < opens:
        minutes = int((opens - now + 59) // 60)
        raise Refused("appointment_early", f"预约签到尚未开始，请 {minutes} 分钟后再签到",
                      f"check-in is not open yet: please come back in {minutes} min")
    if now <= slot_start + rules.appointment_late_grace_min * 60:
        return Lane.APPOINTMENT
    return Lane.NORMAL

"""Lanes and their bonuses: effective wait = time waited + lane bonus (DOMAIN rule 4).

Ordering by ``queued_at − bonus`` is the same as ordering by effective wait at any instant, so a
ticket's sort key never changes while it waits.
"""

from __future__ import annotations

from config import LaneRules

from .errors import Refused
from .model import Lane

LANE_NAMES: dict[Lane, tuple[str, str]] = {
    Lane.NORMAL: ("普通", "normal"),
    Lane.PRIORITY: ("优先通道", "priority lane"),
    Lane.APPOINTMENT: ("预约", "appointment"),
}


def bonus_s(rules: LaneRules, lane: Lane) -> float:
    """Seconds added to a ticket's wait for ordering."""
    if lane is Lane.PRIORITY:
        return rules.priority_bonus_min * 60.0
    if lane is Lane.APPOINTMENT:
        return rules.appointment_bonus_min * 60.0
    return 0.0


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

"""The same hall configuration with something switched off, for comparisons (the core is not forked:
it just gets a different, equally valid HallConfig)."""

from __future__ import annotations

from typing import Literal

from config import HallConfig

Policy = Literal["bounded", "lanes", "fifo"]
POLICIES: tuple[Policy, ...] = ("fifo", "lanes", "bounded")


def variant(hall: HallConfig, *, tide: bool = True, policy: Policy = "bounded") -> HallConfig:
    """``tide=False``: the tide controller never opens a window. ``policy``:

    * ``"bounded"`` (default): priority first, ordinary waits bounded (``[lanes] rule = "bounded"``);
    * ``"lanes"``: the older lane-bonus rule (``rule = "bonus"``, the hall's bonuses);
    * ``"fifo"``: plain first come, first served: the bonus rule with bonuses 0 and no green channel
      (priority and appointment tickets keep their lane label but gain nothing from it).
    """
    update: dict[str, object] = {}
    if not tide:
        update["tide"] = hall.tide.model_copy(update={"enabled": False})
    if policy == "fifo":
        update["lanes"] = hall.lanes.model_copy(update={"rule": "bonus", "priority_bonus_min": 0,
                                                        "appointment_bonus_min": 0})
        update["windows"] = [w.model_copy(update={"green_channel": False}) for w in hall.windows]
    elif (policy == "lanes") != (hall.lanes.rule == "bonus"):
        update["lanes"] = hall.lanes.model_copy(update={"rule": "bonus" if policy == "lanes" else "bounded"})
    if not update:
        return hall
    # validate again (not model_copy) so the model's derived lookups are rebuilt for the new windows
    return HallConfig.model_validate({**hall.model_dump(), **{k: _dump(v) for k, v in update.items()}})


def _dump(value: object) -> object:
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value

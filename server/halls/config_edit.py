"""The everyday configuration changes a manager makes from the dashboard (issue 15 §5): notices, window
names, profiles and green-channel/tide flags, services' daily caps, opening hours, the tide switch.

The edit is made on the TOML text with tomlkit, so the operator's comments and layout in ``hall.toml``
stay as they were; the result then takes the same road as ``hallq config apply`` (validation with
file/key/reason errors, audit with before/after, reload by every process, ``hall.config`` event).
"""

from __future__ import annotations

from typing import Any

import tomlkit
from pydantic import BaseModel, ConfigDict, Field

from server.halls.errors import Problem


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WindowEdit(_Edit):
    name_zh: str | None = None
    name_en: str | None = None
    green_channel: bool | None = None
    tide_eligible: bool | None = None
    profile: list[dict[str, Any]] | None = None  # [{"services": ["GEN"], "after_wait_min"?: 20}, …]


class ServiceEdit(_Edit):
    daily_cap: int | None = None


class HoursEdit(_Edit):
    weekdays: list[str] | None = None
    weekday_extended: list[str] | None = None
    saturday: list[str] | None = None
    sunday: list[str] | None = None


class HallEdit(_Edit):
    """Only what is given changes; validation is the configuration loader's, after the edit."""

    notices: list[str] | None = Field(default=None, max_length=20)
    windows: dict[int, WindowEdit] | None = None
    services: dict[str, ServiceEdit] | None = None
    hours: HoursEdit | None = None
    tide_enabled: bool | None = None


def _find(items: Any, key: str, value: Any, what_zh: str, what_en: str) -> Any:
    for item in items:
        if item.get(key) == value:
            return item
    raise Problem("not_found", f"配置中没有{what_zh}", f"no {what_en} in the configuration", 404)


def _set(table: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is None:
            continue
        if key == "profile":
            array = tomlkit.array()
            for tier in value:
                inline = tomlkit.inline_table()
                inline.update(tier)
                array.append(inline)
            table[key] = array
        else:
            table[key] = value


def apply_edit(text: str, hall_id: str, edit: HallEdit) -> str:
    """The configuration text with ``edit`` made in hall ``hall_id`` (comments and layout kept)."""
    doc = tomlkit.parse(text)
    hall = _find(doc.get("halls", []), "id", hall_id, f"大厅 {hall_id}", f"hall {hall_id}")
    if edit.notices is not None:
        hall["notices"] = [n.strip() for n in edit.notices if n.strip()]
    for number, w in (edit.windows or {}).items():
        _set(_find(hall.get("windows", []), "number", number, f" {number} 号窗口", f"window {number}"), w.model_dump())
    for code, s in (edit.services or {}).items():
        _set(_find(hall.get("services", []), "code", code, f"业务 {code}", f"service {code}"), s.model_dump())
    if edit.hours is not None:
        _set(hall["hours"], edit.hours.model_dump())
    if edit.tide_enabled is not None:
        if "tide" not in hall:
            hall["tide"] = tomlkit.table()
        hall["tide"]["enabled"] = edit.tide_enabled
    return tomlkit.dumps(doc)


def editable(cfg: Any) -> dict[str, Any]:
    """What the dashboard's configuration form shows: the same keys as :class:`HallEdit`."""
    return {
        "notices": list(cfg.notices),
        "tide_enabled": cfg.tide.enabled,
        "hours": {
            k: [str(i) for i in getattr(cfg.hours, k)] for k in ("weekdays", "weekday_extended", "saturday", "sunday")
        },
        "services": [
            {"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "daily_cap": s.daily_cap} for s in cfg.services
        ],
        "windows": [
            {
                "number": w.number,
                "name_zh": w.name_zh,
                "name_en": w.name_en,
                "green_channel": w.green_channel,
                "tide_eligible": w.tide_eligible,
                "profile": [t.model_dump(mode="json", exclude_none=True) for t in w.profile],
            }
            for w in cfg.windows
        ],
    }

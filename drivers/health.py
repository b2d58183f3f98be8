"""What a device reports about itself, for diagnostics and the server's device fleet view."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Level(enum.StrEnum):
    """Diagnostic verdict. ``UNKNOWN`` is never folded into ``OK``: a silent device is not healthy."""

    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Health:
    """One device's state: a verdict, a short detail in Chinese and English, and raw facts."""

    device: str  # "printer", "announcer", "pad", "led", "touch"
    level: Level
    detail_zh: str
    detail_en: str
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.level is Level.OK

    def as_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "level": self.level.value,
            "detail_zh": self.detail_zh,
            "detail_en": self.detail_en,
            "facts": dict(self.facts),
        }

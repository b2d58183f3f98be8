"""``evdev://`` touch panel: read (never grabbed: the kiosk app needs the touches too)."""

from __future__ import annotations

from collections.abc import Mapping

from ..evdevinput import EvdevSource, EvdevTarget
from ..urls import DeviceUrl
from ._base import TouchPanel

__all__ = ["EvdevTouch"]


class EvdevTouch(TouchPanel):
    def __init__(self, target: EvdevTarget) -> None:
        super().__init__(target.label)
        self._source = EvdevSource(target, self.handle_events, grab=False, what="触摸屏 / touch panel")

    @classmethod
    def from_url(cls, url: DeviceUrl) -> EvdevTouch:
        return cls(EvdevTarget.from_url(url))

    @property
    def source(self) -> EvdevSource:
        return self._source

    def _presence(self) -> tuple[bool, Mapping[int, list[int]], dict[str, object]]:
        facts = {"backend": "evdev", **self._source.snapshot()}
        return bool(facts["present"]), self._source.capabilities, facts

    def close(self) -> None:
        self._source.close()

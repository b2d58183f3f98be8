"""Touch-panel health: is the panel there, is it a touch device, has anyone touched it since start.

The verdict (maintenance staff's "touch the screen to test"):

* FAIL — not present, or present without touch capabilities;
* WARN — present, no touch seen yet since start;
* OK   — touches seen.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Iterable, Mapping

from evdev import InputEvent, ecodes

from ..health import Health, Level

__all__ = ["POSITION_AXES", "TouchPanel", "is_touch_device"]

POSITION_AXES = frozenset({ecodes.ABS_MT_POSITION_X, ecodes.ABS_MT_POSITION_Y, ecodes.ABS_X, ecodes.ABS_Y})


def is_touch_device(capabilities: Mapping[int, list[int]]) -> bool:
    """True for a multi-touch panel (ABS_MT_POSITION_X and _Y) or a single-touch one (BTN_TOUCH).

    >>> is_touch_device({ecodes.EV_KEY: [ecodes.BTN_TOUCH]})
    True
    >>> is_touch_device({ecodes.EV_KEY: [ecodes.KEY_A, ecodes.KEY_B]})
    False
    """
    axes = set(capabilities.get(ecodes.EV_ABS, ()))
    keys = set(capabilities.get(ecodes.EV_KEY, ()))
    return {ecodes.ABS_MT_POSITION_X, ecodes.ABS_MT_POSITION_Y} <= axes or ecodes.BTN_TOUCH in keys


class TouchPanel(abc.ABC):
    """Counts touch events fed to :meth:`handle_events`; backends say whether the panel is there."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._cv = threading.Condition()
        self._events = 0
        self._touches = 0
        self._position: tuple[int | None, int | None] = (None, None)

    def handle_events(self, events: Iterable[InputEvent]) -> None:
        """Count position and BTN_TOUCH events; everything else (SYN, MSC, …) is ignored."""
        with self._cv:
            seen = self._events
            x, y = self._position
            for ev in events:
                if ev.type == ecodes.EV_ABS and ev.code in POSITION_AXES:
                    self._events += 1
                    if ev.code in (ecodes.ABS_MT_POSITION_X, ecodes.ABS_X):
                        x = ev.value
                    else:
                        y = ev.value
                elif ev.type == ecodes.EV_KEY and ev.code == ecodes.BTN_TOUCH:
                    self._events += 1
                    self._touches += ev.value == 1
            self._position = (x, y)
            if self._events != seen:
                self._cv.notify_all()

    @property
    def events_seen(self) -> int:
        with self._cv:
            return self._events

    def wait_for_events(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until ``count`` touch events were seen since start (the "touch to test" step)."""
        with self._cv:
            return self._cv.wait_for(lambda: self._events >= count, timeout)

    def health(self) -> Health:
        present, capabilities, facts = self._presence()
        with self._cv:
            facts = {
                **facts,
                "events": self._events,
                "touches": self._touches,
                "last_position": list(self._position),
            }
        if not present:
            return Health(
                "touch",
                Level.FAIL,
                f"触摸屏 {self.label} 未连接：{facts.get('error')}",
                f"touch panel {self.label} not present: {facts.get('error')}",
                facts,
            )
        if not is_touch_device(capabilities):
            return Health(
                "touch",
                Level.FAIL,
                f"设备 {self.label} 不是触摸屏（无 ABS_MT_POSITION_X/Y 或 BTN_TOUCH）",
                f"device {self.label} is not a touch panel (no ABS_MT_POSITION_X/Y or BTN_TOUCH)",
                facts,
            )
        if not facts["events"]:
            return Health(
                "touch",
                Level.WARN,
                f"触摸屏 {self.label} 已连接，启动后尚未收到触摸，请触摸屏幕测试",
                f"touch panel {self.label} present, no touch seen since start: touch it to test",
                facts,
            )
        return Health(
            "touch",
            Level.OK,
            f"触摸屏 {self.label} 正常（已收到 {facts['events']} 个触摸事件）",
            f"touch panel {self.label} OK ({facts['events']} touch events seen)",
            facts,
        )

    @abc.abstractmethod
    def _presence(self) -> tuple[bool, Mapping[int, list[int]], dict[str, object]]:
        """(present, capabilities, facts) of the device right now."""

    def close(self) -> None:  # noqa: B027 - backends with nothing to release keep the default
        """Release the device. Idempotent."""

    def __enter__(self) -> TouchPanel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

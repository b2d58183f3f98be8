"""``evdev://`` rating pad: a USB numeric keypad read through python-evdev.

Keys 1–5 of the main row (KEY_1..KEY_5) or of the number block (KEY_KP1..KEY_KP5) give
scores 1–5; every other key is ignored. The device is grabbed, so the digits pressed for a
rating never type into the counter application. A USB keypad has no display or lights: the
invitation is shown by the counter screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from evdev import InputEvent, ecodes

from ..evdevinput import EvdevSource, EvdevTarget
from ..health import Health, Level
from ..urls import DeviceUrl
from ._base import RatingPad
from ._debounce import DEFAULT_DEBOUNCE_S

__all__ = ["KEY_SCORES", "EvdevPad"]

KEY_SCORES: dict[int, int] = {
    ecodes.KEY_1: 1,
    ecodes.KEY_2: 2,
    ecodes.KEY_3: 3,
    ecodes.KEY_4: 4,
    ecodes.KEY_5: 5,
    ecodes.KEY_KP1: 1,
    ecodes.KEY_KP2: 2,
    ecodes.KEY_KP3: 3,
    ecodes.KEY_KP4: 4,
    ecodes.KEY_KP5: 5,
}
_KEY_DOWN = 1  # evdev key values: 0 up, 1 down, 2 autorepeat while held


class EvdevPad(RatingPad):
    """A keypad rating pad: :meth:`handle_events` holds the logic, the reader thread only reads."""

    def __init__(self, target: EvdevTarget, *, debounce_s: float = DEFAULT_DEBOUNCE_S) -> None:
        super().__init__(f"评价键盘 {target.label}", debounce_s=debounce_s)
        self._source = EvdevSource(target, self.handle_events, grab=True, what="评价键盘 / rating keypad")

    @classmethod
    def from_url(cls, url: DeviceUrl) -> EvdevPad:
        target = EvdevTarget.from_url(url, extra_options=frozenset({"debounce_ms"}))
        return cls(
            target,
            debounce_s=url.int_option("debounce_ms", round(DEFAULT_DEBOUNCE_S * 1000)) / 1000,
        )

    @property
    def source(self) -> EvdevSource:
        return self._source

    def handle_events(self, events: Iterable[InputEvent]) -> None:
        """Count key-downs of 1–5; key-ups, autorepeat (held keys) and other keys are ignored."""
        for event in events:
            if event.type != ecodes.EV_KEY or event.value != _KEY_DOWN:
                continue
            score = KEY_SCORES.get(event.code)
            if score is None:
                with self._cv:
                    self._counts["other_key"] += 1
                continue
            self._key(score, event.timestamp())

    def health(self) -> Health:
        facts = {"backend": "evdev", **self._source.snapshot(), **self._rating_facts()}
        label = self._source.target.label
        if not facts["present"]:
            return Health(
                "pad",
                Level.FAIL,
                f"评价键盘 {label} 未连接：{facts['error']}",
                f"rating keypad {label} not present: {facts['error']}",
                facts,
            )
        if not facts["grabbed"]:
            return Health(
                "pad",
                Level.WARN,
                f"评价键盘 {label} 无法独占，按键可能流入其他程序",
                f"rating keypad {label} could not be grabbed; keys may reach other programs",
                facts,
            )
        return Health(
            "pad",
            Level.OK,
            f"评价键盘 {facts['device_name']} 正常",
            f"rating keypad {facts['device_name']} OK",
            facts,
        )

    def _shutdown(self) -> None:
        self._source.close()

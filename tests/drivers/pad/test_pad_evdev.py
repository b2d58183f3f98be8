"""The USB keypad pad: real evdev.InputEvent objects through the device loop.

Only the device node is stood in for (PipeInputDirectory: a pipe per device, since there is no
/dev/uinput here); the lookup by path or name, the grab, the select/read loop and the event
handling are the driver's own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from evdev import InputEvent, ecodes

from drivers.health import Level
from drivers.pad import EvdevPad, RatingResult, Score, open_pad
from tests.support.inputs import PipeInputDirectory

KEYPAD = "/dev/input/by-path/pci-0000:00:14.0-usb-0:2:1.0-event-kbd"
KEYPAD_CAPS = {ecodes.EV_KEY: [ecodes.KEY_KP1, ecodes.KEY_KP2, ecodes.KEY_KP5, ecodes.KEY_1]}


def key(code: int, value: int = 1, t: float = 100.0) -> list[InputEvent]:
    """What the kernel sends for one key change: MSC_SCAN, the key, SYN_REPORT."""
    sec, usec = int(t), round((t % 1) * 1_000_000)
    return [
        InputEvent(sec, usec, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70059),
        InputEvent(sec, usec, ecodes.EV_KEY, code, value),
        InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


@pytest.fixture
def keypad(inputs: PipeInputDirectory) -> Iterator[EvdevPad]:
    inputs.plug("USB Keypad", KEYPAD, KEYPAD_CAPS)
    pad = open_pad(f"evdev://{KEYPAD}?retry=0.02")
    assert isinstance(pad, EvdevPad)
    assert pad.source.wait_present()
    yield pad
    pad.close()


MAIN_ROW = [ecodes.KEY_1, ecodes.KEY_2, ecodes.KEY_3, ecodes.KEY_4, ecodes.KEY_5]
NUMBER_BLOCK = [ecodes.KEY_KP1, ecodes.KEY_KP2, ecodes.KEY_KP3, ecodes.KEY_KP4, ecodes.KEY_KP5]


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("row", [MAIN_ROW, NUMBER_BLOCK], ids=["KEY_n", "KEY_KPn"])
def test_each_digit_key_gives_its_score(
    keypad: EvdevPad, inputs: PipeInputDirectory, row: list[int], score: int
) -> None:
    keypad.open_rating("V1", timeout_s=30)
    inputs.emit(KEYPAD, key(row[score - 1]) + key(row[score - 1], 0, 100.1))
    assert keypad.wait_rating(10) == RatingResult("V1", Score(score))


def test_key_up_autorepeat_and_other_keys_are_ignored(keypad: EvdevPad, inputs: PipeInputDirectory) -> None:
    keypad.open_rating("V1", timeout_s=30)
    noise = (
        key(ecodes.KEY_KP5, 0, 99.0)  # release of a key held since before
        + key(ecodes.KEY_KP5, 2, 99.1)  # autorepeat while held
        + key(ecodes.KEY_KP6, 1, 99.2)
        + key(ecodes.KEY_KPENTER, 1, 99.3)
        + key(ecodes.KEY_A, 1, 99.4)
        + key(ecodes.KEY_0, 1, 99.5)
        + [InputEvent(99, 0, ecodes.EV_LED, ecodes.LED_NUML, 1)]
    )
    inputs.emit(KEYPAD, noise)
    inputs.emit(KEYPAD, key(ecodes.KEY_KP2, 1, 100.0))
    assert keypad.wait_rating(10).score == Score.DISSATISFIED
    assert keypad.health().facts["presses"] == {"other_key": 4, "counted": 1}


def test_the_keypad_is_grabbed_so_digits_do_not_type_into_the_app(keypad: EvdevPad, inputs: PipeInputDirectory) -> None:
    handle = inputs.handle(KEYPAD)
    assert handle is not None and handle.grabbed
    health = keypad.health()
    assert health.level is Level.OK and health.facts["grabbed"] is True
    keypad.close()
    assert not handle.grabbed and handle.closed


def test_bounce_by_event_timestamps(keypad: EvdevPad, inputs: PipeInputDirectory) -> None:
    keypad.open_rating("V1", timeout_s=30)
    inputs.emit(KEYPAD, key(ecodes.KEY_KP4, 1, 500.000) + key(ecodes.KEY_KP4, 0, 500.004))
    assert keypad.wait_rating(10).score == 4
    keypad.open_rating("V2", timeout_s=30)
    inputs.emit(
        KEYPAD,
        key(ecodes.KEY_KP4, 1, 500.011)  # the contact bounces back after V2 opened
        + key(ecodes.KEY_KP4, 0, 500.013)
        + key(ecodes.KEY_KP1, 1, 502.000),
    )
    assert keypad.wait_rating(10).score == Score.VERY_DISSATISFIED


def test_found_by_name(inputs: PipeInputDirectory) -> None:
    inputs.plug("AT Translated Set 2 keyboard", "/dev/input/event0", {ecodes.EV_KEY: [ecodes.KEY_A]})
    inputs.plug("USB Keypad", "/dev/input/event7", KEYPAD_CAPS)
    with open_pad("evdev://?name=USB%20Keypad") as pad:
        assert isinstance(pad, EvdevPad)
        assert pad.source.wait_present()
        assert pad.health().facts["device_path"] == "/dev/input/event7"
        pad.open_rating("V1", timeout_s=30)
        inputs.emit("/dev/input/event7", key(ecodes.KEY_KP3))
        assert pad.wait_rating(10).score == 3
    assert not inputs.handle("/dev/input/event7").grabbed  # type: ignore[union-attr]


def test_absent_keypad_is_fail_and_found_when_plugged_in(inputs: PipeInputDirectory) -> None:
    with open_pad("evdev://?name=USB%20Keypad&retry=0.02") as pad:
        assert isinstance(pad, EvdevPad)
        health = pad.health()
        assert health.level is Level.FAIL and "USB Keypad" in health.detail_zh
        inputs.plug("USB Keypad", KEYPAD, KEYPAD_CAPS)
        assert pad.source.wait_present()
        assert pad.health().level is Level.OK


def test_unplug_mid_rating_then_replug(keypad: EvdevPad, inputs: PipeInputDirectory) -> None:
    keypad.open_rating("V1", timeout_s=30)
    inputs.unplug(KEYPAD)
    assert keypad.source.wait_present(False)
    assert keypad.health().level is Level.FAIL
    inputs.plug("USB Keypad", KEYPAD, KEYPAD_CAPS)
    assert keypad.source.wait_present()
    inputs.emit(KEYPAD, key(ecodes.KEY_5))
    assert keypad.wait_rating(10).score == Score.VERY_SATISFIED


def test_keypad_grabbed_elsewhere_is_a_warning(inputs: PipeInputDirectory) -> None:
    inputs.plug("USB Keypad", KEYPAD, KEYPAD_CAPS, grab_error=True)
    with open_pad(f"evdev://{KEYPAD}") as pad:
        assert isinstance(pad, EvdevPad)
        assert pad.source.wait_present()
        health = pad.health()
        assert health.level is Level.WARN and "grabbed" in health.detail_en
        pad.open_rating("V1", timeout_s=30)  # still counts the keys it sees
        inputs.emit(KEYPAD, key(ecodes.KEY_KP4))
        assert pad.wait_rating(10).score == 4


def test_close_while_waiting_for_keys_does_not_hang(keypad: EvdevPad) -> None:
    keypad.open_rating("V1", timeout_s=30)
    keypad.close()  # the reader thread sits in select(); the autouse fixture checks it ended
    assert keypad.wait_rating(1) == RatingResult("V1", None)


def test_closing_the_pad_from_its_own_callback(keypad: EvdevPad, inputs: PipeInputDirectory) -> None:
    ended: list[Score | None] = []

    def last_visitor(visit: str, score: Score | None) -> None:
        ended.append(score)
        keypad.close()  # on the keypad's reader thread: end of the day

    keypad.on_rating = last_visitor
    keypad.open_rating("V1", timeout_s=30)
    inputs.emit(KEYPAD, key(ecodes.KEY_KP5))
    assert keypad.wait_rating(10).score == 5
    assert keypad.source.wait_present(False)
    assert ended == [Score.VERY_SATISFIED]

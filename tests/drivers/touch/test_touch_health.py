"""Touch-panel health from real evdev.InputEvents: FAIL absent, WARN untouched, OK touched."""

from __future__ import annotations

import pytest
from evdev import InputEvent, ecodes

from drivers.errors import DeviceConfigError
from drivers.health import Level
from drivers.touch import EvdevTouch, SimTouch, is_touch_device, open_touch
from tests.support.inputs import PipeInputDirectory

PANEL = "/dev/input/by-path/platform-3f204000.i2c-event"
MULTI_TOUCH = {
    ecodes.EV_KEY: [ecodes.BTN_TOUCH],
    ecodes.EV_ABS: [
        ecodes.ABS_X,
        ecodes.ABS_Y,
        ecodes.ABS_MT_SLOT,
        ecodes.ABS_MT_POSITION_X,
        ecodes.ABS_MT_POSITION_Y,
    ],
}


def tap(x: int, y: int, t: int = 100) -> list[InputEvent]:
    """A one-finger tap as a multi-touch panel reports it."""
    return [
        InputEvent(t, 0, ecodes.EV_ABS, ecodes.ABS_MT_SLOT, 0),
        InputEvent(t, 0, ecodes.EV_ABS, ecodes.ABS_MT_TRACKING_ID, 42),
        InputEvent(t, 0, ecodes.EV_ABS, ecodes.ABS_MT_POSITION_X, x),
        InputEvent(t, 0, ecodes.EV_ABS, ecodes.ABS_MT_POSITION_Y, y),
        InputEvent(t, 0, ecodes.EV_KEY, ecodes.BTN_TOUCH, 1),
        InputEvent(t, 0, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
        InputEvent(t, 50_000, ecodes.EV_ABS, ecodes.ABS_MT_TRACKING_ID, -1),
        InputEvent(t, 50_000, ecodes.EV_KEY, ecodes.BTN_TOUCH, 0),
        InputEvent(t, 50_000, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def test_present_untouched_is_warn_then_ok_after_a_touch(inputs: PipeInputDirectory) -> None:
    inputs.plug("ILITEK ILITEK-TP", PANEL, MULTI_TOUCH)
    with open_touch(f"evdev://{PANEL}") as panel:
        assert isinstance(panel, EvdevTouch)
        assert panel.source.wait_present()
        health = panel.health()
        assert health.level is Level.WARN and "请触摸屏幕" in health.detail_zh
        inputs.emit(PANEL, tap(512, 300))
        assert panel.wait_for_events()
        health = panel.health()
        assert health.level is Level.OK and health.device == "touch"
        assert health.facts["touches"] == 1 and health.facts["last_position"] == [512, 300]
        assert health.facts["device_name"] == "ILITEK ILITEK-TP"


def test_the_panel_is_never_grabbed(inputs: PipeInputDirectory) -> None:
    inputs.plug("ILITEK ILITEK-TP", PANEL, MULTI_TOUCH)
    with open_touch(f"evdev://{PANEL}") as panel:
        assert isinstance(panel, EvdevTouch)
        assert panel.source.wait_present()
        handle = inputs.handle(PANEL)
        assert handle is not None and not handle.grabbed  # the kiosk needs the touches


def test_absent_panel_is_fail(inputs: PipeInputDirectory) -> None:
    with open_touch("evdev://?name=ILITEK%20ILITEK-TP") as panel:
        health = panel.health()
    assert health.level is Level.FAIL
    assert "ILITEK ILITEK-TP" in health.detail_zh and "not present" in health.detail_en


def test_a_keyboard_is_not_a_touch_panel(inputs: PipeInputDirectory) -> None:
    inputs.plug("AT Translated Set 2 keyboard", "/dev/input/event0", {ecodes.EV_KEY: [ecodes.KEY_A]})
    with open_touch("evdev:///dev/input/event0") as panel:
        assert isinstance(panel, EvdevTouch)
        assert panel.source.wait_present()
        health = panel.health()
    assert health.level is Level.FAIL and "不是触摸屏" in health.detail_zh


def test_keys_and_other_events_are_not_touches(inputs: PipeInputDirectory) -> None:
    inputs.plug("ILITEK ILITEK-TP", PANEL, MULTI_TOUCH)
    with open_touch(f"evdev://{PANEL}") as panel:
        assert isinstance(panel, EvdevTouch)
        assert panel.source.wait_present()
        inputs.emit(
            PANEL,
            [
                InputEvent(1, 0, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
                InputEvent(1, 0, ecodes.EV_MSC, ecodes.MSC_TIMESTAMP, 7),
                InputEvent(1, 0, ecodes.EV_KEY, ecodes.KEY_A, 1),
            ],
        )
        inputs.emit(PANEL, [InputEvent(2, 0, ecodes.EV_KEY, ecodes.BTN_TOUCH, 1)])
        assert panel.wait_for_events(1)
        assert panel.events_seen == 1  # only BTN_TOUCH; the first batch counted nothing


def test_unplug_is_fail_and_replug_is_found(inputs: PipeInputDirectory) -> None:
    inputs.plug("ILITEK ILITEK-TP", PANEL, MULTI_TOUCH)
    with open_touch("evdev://?name=ILITEK%20ILITEK-TP&retry=0.02") as panel:
        assert isinstance(panel, EvdevTouch)
        assert panel.source.wait_present()
        inputs.emit(PANEL, tap(10, 20))
        assert panel.wait_for_events()
        inputs.unplug(PANEL)
        assert panel.source.wait_present(False)
        health = panel.health()
        assert health.level is Level.FAIL and "disconnected" in str(health.facts["error"])
        inputs.plug("ILITEK ILITEK-TP", PANEL, MULTI_TOUCH)
        assert panel.source.wait_present()
        assert panel.health().level is Level.OK  # touches seen since start still count


def test_capabilities() -> None:
    assert is_touch_device(MULTI_TOUCH)
    assert is_touch_device({ecodes.EV_KEY: [ecodes.BTN_TOUCH]})  # single-touch resistive panel
    assert not is_touch_device({ecodes.EV_ABS: [ecodes.ABS_MT_POSITION_X]})
    assert not is_touch_device({ecodes.EV_REL: [ecodes.REL_X, ecodes.REL_Y]})  # a mouse


def test_sim_panel() -> None:
    panel = open_touch("sim://")
    assert isinstance(panel, SimTouch)
    assert panel.health().level is Level.WARN
    panel.touch(100, 200)
    assert panel.health().level is Level.OK and panel.health().facts["last_position"] == [100, 200]
    panel.unplug()
    assert panel.health().level is Level.FAIL
    panel.close()


@pytest.mark.parametrize(
    "url",
    [
        "evdev://",
        "evdev:///dev/input/event3?name=x",
        "evdev://?name=x&grab=1",
        "sim://?x=1",
        "usb://",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(DeviceConfigError):
        open_touch(url)

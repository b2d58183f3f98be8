"""Checks and maintenance actions as the kiosk's maintenance screen calls them: verdict policy,
time limits, key and touch watchers over the real drivers."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from drivers.diag import check_device, check_devices, format_line, overall
from drivers.diag.actions import watch_pad, watch_touch
from drivers.diag.report import heartbeat_reports
from drivers.health import Health, Level
from drivers.pad import Score, open_pad
from drivers.pad.simulator import PadSimulator
from drivers.printer import open_printer
from drivers.touch import SimTouch

pytestmark = pytest.mark.timeout(60)

WAIT = 10.0  # generous: these waits return as soon as the event happens


class HangingDevice:
    """A driver whose health() blocks until released (a bug or a dead link without a timeout)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def health(self) -> Health:
        self.release.wait(WAIT)
        return Health("led", Level.OK, "正常", "fine")


class BrokenDevice:
    def health(self) -> Health:
        raise RuntimeError("driver bug")


def test_a_hanging_check_is_cut_off_and_the_others_still_report() -> None:
    hanging = HangingDevice()
    try:
        # the limit is what the hanging check costs; the answering printer has all of it (2 s, generous)
        led, printer = check_devices([("led", hanging), ("printer", open_printer("sim://"))], limit_s=2)
    finally:
        hanging.release.set()
    assert led.level is Level.FAIL and "检查超时" in led.detail_zh and led.facts["limit_s"] == 2
    assert printer.level is Level.OK


def test_a_crashing_check_is_a_fail_line() -> None:
    health = check_device("pad", BrokenDevice())
    assert health.level is Level.FAIL and "driver bug" in health.detail_en


def test_touch_untested_is_ok_right_after_opening_but_warns_on_a_running_terminal() -> None:
    panel = SimTouch()
    assert check_device("touch", panel, fresh=True).level is Level.OK
    assert check_device("touch", panel).level is Level.WARN  # nobody touched it since start
    panel.touch(10, 20)
    assert check_device("touch", panel).level is Level.OK
    panel.unplug()
    assert check_device("touch", panel, fresh=True).level is Level.FAIL


def test_silent_printer_fails_but_a_one_way_file_printer_is_ok(tmp_path: Path) -> None:
    """A file:// printer cannot answer by design: OK, saying so (a WARN became a permanent yellow
    device-fault warning on the dashboard)."""
    silent = open_printer("sim://?answer=0")
    spool = open_printer(f"file://{tmp_path}/spool.bin")
    try:
        assert check_device("printer", silent).level is Level.FAIL
        health = check_device("printer", spool)
        assert health.level is Level.OK and health.facts["reported"] == "UNKNOWN"
        assert health.facts["status_readable"] is False and "打印到文件" in health.detail_zh
    finally:
        silent.close()
        spool.close()


def test_overall_is_the_worst_and_unknown_counts_as_fail() -> None:
    ok, warn = Health("pad", Level.OK, "", ""), Health("led", Level.WARN, "", "")
    assert overall([]) is Level.OK and overall([ok, warn]) is Level.WARN
    assert overall([ok, Health("touch", Level.UNKNOWN, "", "")]) is Level.FAIL


def test_line_format_is_verdict_device_chinese_english() -> None:
    # device names padded to the widest label, 身份证读卡器 (12 terminal columns), then two spaces
    line = format_line(Health("printer", Level.FAIL, "打印机缺纸", "paper out"))
    assert line == "FAIL 打印机" + " " * 6 + "  打印机缺纸 (paper out)"
    assert format_line(Health("announcer", Level.OK, "正常", "fine")).startswith("OK   语音播报" + " " * 4 + "  正常")


def test_watch_pad_reports_each_key_of_a_serial_pad() -> None:
    keys: queue.SimpleQueue[Score] = queue.SimpleQueue()
    ready, stop = threading.Event(), threading.Event()
    with PadSimulator() as sim:
        pad = open_pad(sim.url)
        try:
            counted: list[int] = []
            watcher = threading.Thread(
                target=lambda: counted.append(watch_pad(pad, 60, keys.put, stop=stop, on_ready=ready.set)))
            watcher.start()
            assert ready.wait(WAIT)
            sim.press(5)
            assert keys.get(timeout=WAIT) is Score.VERY_SATISFIED
            sim.press(2)  # right after: the next test visit is already open
            assert keys.get(timeout=WAIT) is Score.DISSATISFIED
            stop.set()
            watcher.join(WAIT)
            assert counted == [2]
            assert sim.wait_for(lambda: not sim.lights(), timeout=WAIT)  # prompt off afterwards
        finally:
            stop.set()
            pad.close()


def test_watch_touch_reports_touches() -> None:
    panel = SimTouch()
    seen: queue.SimpleQueue[tuple[int, tuple[object, object]]] = queue.SimpleQueue()
    stop = threading.Event()
    watcher = threading.Thread(target=watch_touch, args=(panel, 60, lambda n, pos: seen.put((n, pos))),
                               kwargs={"stop": stop})
    watcher.start()
    try:
        panel.touch(512, 300)
        events, position = seen.get(timeout=WAIT)
        assert events >= 1 and position == (512, 300)
    finally:
        stop.set()
        watcher.join(WAIT)


def test_heartbeat_body_fits_the_servers_limits() -> None:
    long = Health("printer", Level.FAIL, "故障" * 400, "fault " * 200, {"path": Path("/dev/usb/lp0")})
    [report] = heartbeat_reports([long])
    assert len(report["detail_zh"]) == 500 and len(report["detail_en"]) == 500
    assert report["facts"] == {"path": "/dev/usb/lp0"} and report["level"] == "FAIL"
    assert len(heartbeat_reports([long] * 40)) == 32

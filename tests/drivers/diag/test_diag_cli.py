"""``hallq diag`` as maintenance staff run it: one line (or JSON) per device, exit status, the
maintenance subcommands — against sim devices and pty device simulators with real pyserial."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from drivers.announcer import measure
from drivers.announcer.wavcheck import SILENCE_RMS
from drivers.diag.actions import TEST_TRACK_URL
from drivers.led.simulator import LedSimulator
from drivers.pad.simulator import Fault, PadSimulator
from drivers.printer import decode
from drivers.printer.simulator import SerialPrinterSimulator
from hallq.cli import main

pytestmark = pytest.mark.timeout(120)  # a hang fails the test instead of blocking the run

ROOT = Path(__file__).resolve().parents[3]
# espeak-ng binary for speech: the same voice and rules as pyttsx3's espeak driver, without the
# worker process start-up (the announcer's own tests cover the pyttsx3 path)
SIM_SPEAKER = "sim://?dir={dir}&engine=espeak-ng"


def hallq_diag(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diag", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_sim_device_ok_in_json_exit_0(capsys: pytest.CaptureFixture[str], terminal_file: Callable[..., Path],
                                            tmp_path: Path) -> None:
    cfg = terminal_file(printer="sim://", announcer=SIM_SPEAKER.format(dir=tmp_path / "calls"), pad="sim://",
                        led="sim://", touch="sim://")
    code, out, _ = hallq_diag(capsys, "--json", "--config", str(cfg))
    doc = json.loads(out)
    assert code == 0
    assert doc["overall"] == "OK"
    assert [(d["device"], d["level"]) for d in doc["devices"]] == [
        ("printer", "OK"), ("announcer", "OK"), ("pad", "OK"), ("led", "OK"), ("touch", "OK")]
    assert doc["hall"] == "test" and doc["window"] == 1
    assert all(d["detail_zh"] and d["detail_en"] for d in doc["devices"])


def test_printer_out_of_paper_fails_naming_the_paper(terminal_file: Callable[..., Path]) -> None:
    """The real command in its own process, against a serial printer simulator on a pty."""
    with SerialPrinterSimulator() as printer:
        printer.set_paper("out")
        cfg = terminal_file(printer=printer.url(timeout=2), touch="sim://")
        done = subprocess.run([sys.executable, "-m", "hallq.cli", "diag", "--config", str(cfg)],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("FAIL") and "打印机缺纸" in lines[0] and "paper out" in lines[0]
    assert lines[1].startswith("OK") and "触摸屏" in lines[1]
    assert "FAIL" in done.stderr  # the overall verdict


def test_printer_out_of_paper_json(capsys: pytest.CaptureFixture[str], terminal_file: Callable[..., Path]) -> None:
    code, out, _ = hallq_diag(capsys, "--json", "--config", str(terminal_file(printer="sim://?paper=out")))
    doc = json.loads(out)
    assert code == 1 and doc["overall"] == "FAIL"
    assert doc["devices"][0]["detail_en"] == "paper out" and doc["devices"][0]["facts"]["paper"] == "out"


def test_low_paper_warns_but_exits_0(capsys: pytest.CaptureFixture[str], terminal_file: Callable[..., Path]) -> None:
    code, out, _ = hallq_diag(capsys, "--config", str(terminal_file(printer="sim://?paper=low")))
    assert code == 0 and out.startswith("WARN") and "paper low" in out


def test_silent_printer_is_a_failure_not_ok(capsys: pytest.CaptureFixture[str],
                                            terminal_file: Callable[..., Path]) -> None:
    code, out, _ = hallq_diag(capsys, "--config", str(terminal_file(printer="sim://?answer=0")))
    assert code == 1 and out.startswith("FAIL") and "status unknown" in out


def test_pad_that_stops_answering_fails_without_hanging(capsys: pytest.CaptureFixture[str],
                                                        terminal_file: Callable[..., Path]) -> None:
    with PadSimulator() as sim:
        # 4 attempts of 0.5 s: a busy machine has 2 s to hear the live pad; the silent one costs 2 s
        cfg = terminal_file(pad=sim.url_for(1, timeout=0.5, retries=3), led="sim://")
        code, out, _ = hallq_diag(capsys, "--config", str(cfg))
        assert code == 0 and out.startswith("OK   评价器")
        sim.fault(1, Fault.SILENT)  # unplugged from its power, cable still in
        code, out, _ = hallq_diag(capsys, "--config", str(cfg))
    pad_line, led_line = out.splitlines()
    assert code == 1
    assert pad_line.startswith("FAIL") and "评价器" in pad_line and "did not answer" in pad_line
    assert led_line.startswith("OK")


def test_a_device_silent_past_the_limit_is_cut_off(capsys: pytest.CaptureFixture[str],
                                                   terminal_file: Callable[..., Path]) -> None:
    """The LED never answers and its driver would wait 5 s; the check's limit of 2.5 s reports it
    instead of waiting. (The printer, answering, has the same 2.5 s: generous for a live device.)"""
    with LedSimulator(addresses=(3,)) as bus:
        bus.fault(3, Fault.SILENT)
        cfg = terminal_file(led=bus.url_for(3, timeout=5, retries=0), printer="sim://")
        code, out, _ = hallq_diag(capsys, "--timeout", "2.5", "--config", str(cfg))
    printer_line, led_line = out.splitlines()
    assert code == 1
    assert printer_line.startswith("OK")
    assert led_line.startswith("FAIL") and "检查超时" in led_line and "timed out (2.5 s)" in led_line


def test_unopenable_device_is_a_fail_line_not_a_crash(capsys: pytest.CaptureFixture[str],
                                                      terminal_file: Callable[..., Path], tmp_path: Path) -> None:
    cfg = terminal_file(printer=f"serial://{tmp_path}/no-such-tty?baud=9600", touch="sim://")
    code, out, _ = hallq_diag(capsys, "--config", str(cfg))
    printer_line, touch_line = out.splitlines()
    assert code == 1 and printer_line.startswith("FAIL") and "no-such-tty" in printer_line
    assert touch_line.startswith("OK")


def test_bad_config_is_reported_by_key_exit_2(capsys: pytest.CaptureFixture[str],
                                              terminal_file: Callable[..., Path]) -> None:
    code, out, err = hallq_diag(capsys, "--config", str(terminal_file(printer="ftp://10.0.0.5", pad="sim://?x=1")))
    assert code == 2 and out == ""
    assert "terminal.toml: devices.printer:" in err and "scheme must be one of" in err
    assert "terminal.toml: devices.pad:" in err and "未知选项 x" in err


def test_test_print_to_a_file_decodes_to_the_test_ticket(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "t.bin"
    code, out, _ = hallq_diag(capsys, "printer", "--test-print", "--device", f"file://{target}")
    status, printed = out.splitlines()
    assert code == 0
    assert status.startswith("OK") and "printing to a file" in status  # a file never reports status: no fault
    assert printed.startswith("OK") and f"{target.stat().st_size} 字节" in printed
    slip = decode(target.read_bytes())
    assert "A012" in slip.texts and "此为打印机测试票，不能办理业务" in slip.texts
    assert slip.qr_payloads == [TEST_TRACK_URL] and slip.cut


def test_test_print_refused_when_out_of_paper(capsys: pytest.CaptureFixture[str]) -> None:
    with SerialPrinterSimulator() as printer:
        printer.set_paper("out")
        code, out, _ = hallq_diag(capsys, "printer", "--test-print", "--device", printer.url(timeout=2))
        received = printer.received
    assert code == 1
    assert [line.split()[0] for line in out.splitlines()] == ["FAIL", "FAIL"]
    assert "测试票未打印" in out and "paper out" in out
    assert b"A012" not in received  # nothing but status questions reached the printer


def test_speaker_writes_an_audible_test_call(capsys: pytest.CaptureFixture[str],
                                             terminal_file: Callable[..., Path], tmp_path: Path) -> None:
    cfg = terminal_file(role="display", window=None, announcer=SIM_SPEAKER.format(dir=tmp_path / "calls"))
    wav = tmp_path / "call.wav"
    code, out, err = hallq_diag(capsys, "speaker", "--wav", str(wav), "--config", str(cfg))
    stats = measure(wav.read_bytes())
    assert code == 0 and out.startswith("OK")
    assert "请 A 零一二 号到 3 号窗口办理" in err  # the number is read digit by digit
    assert stats.rms > SILENCE_RMS * 10
    assert 1.5 < stats.duration_s < 8.0  # ~13 syllables at 150 words/minute
    assert f"{stats.duration_s:.2f} 秒" in out and f"RMS {stats.rms:.3f}" in out


def test_speaker_plays_through_the_configured_announcer(capsys: pytest.CaptureFixture[str],
                                                        terminal_file: Callable[..., Path], tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    cfg = terminal_file(role="display", window=None, announcer=SIM_SPEAKER.format(dir=calls))
    code, out, _ = hallq_diag(capsys, "speaker", "--config", str(cfg))
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["OK", "OK"]
    assert (calls / "0001.txt").read_text(encoding="utf-8").strip() == "请 A 零一二 号到 3 号窗口办理"
    assert measure((calls / "0001.wav").read_bytes()).rms > SILENCE_RMS


def test_led_shows_the_text_on_the_bus(capsys: pytest.CaptureFixture[str], terminal_file: Callable[..., Path]) -> None:
    with LedSimulator(addresses=(3,)) as bus:
        cfg = terminal_file(window=3, led=bus.url_for(3))
        code, out, _ = hallq_diag(capsys, "led", "--text", "暂停服务", "--config", str(cfg))
        shown = bus.shown(3)
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["OK", "OK"]
    assert shown is not None and (shown.window_no, shown.text) == (3, "暂停服务")


def test_led_text_too_long_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = hallq_diag(capsys, "led", "--text", "很长" * 200, "--device", "sim://")
    assert code == 1 and out.startswith("FAIL") and "too long" in out


def test_subcommand_without_such_device_says_so(capsys: pytest.CaptureFixture[str],
                                                terminal_file: Callable[..., Path]) -> None:
    code, _, err = hallq_diag(capsys, "pad", "--config", str(terminal_file(printer="sim://")))
    assert code == 2 and "no devices.pad" in err and "--device" in err


def test_pad_shows_each_key_as_it_comes() -> None:
    """The real command in its own process against a serial pad on a pty; Ctrl-C ends it."""
    with PadSimulator() as sim:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hallq.cli", "diag", "pad", "--device", sim.url, "--seconds", "60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            assert proc.stdout is not None and proc.stderr is not None
            assert proc.stdout.readline().startswith("OK   评价器")
            while "press keys 1-5" not in proc.stderr.readline():  # ready: a test visit is open
                assert proc.poll() is None
            sim.press(4)
            assert proc.stdout.readline().strip() == "4 满意 (satisfied)"
            sim.press(1)
            assert proc.stdout.readline().strip() == "1 非常不满意 (very dissatisfied)"
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
            assert "2 key press(es)" in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()


def test_without_a_config_it_says_on_stdout_which_file_it_checked(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    monkeypatch.delenv("HALLQ_TERMINAL_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no var/terminal.toml here: the shipped simulated kiosk is taken
    code, out, _ = hallq_diag(capsys)
    first = out.splitlines()[0]
    assert "随附的模拟自助机配置" in first and "terminal-kiosk.toml" in first and "shipped simulated kiosk" in first
    assert code == 0


def test_a_missing_usb_printer_is_said_in_chinese_in_the_chinese_half(capsys: pytest.CaptureFixture[str]) -> None:
    """The library's English ("Device not found …") is in the English half only, once."""
    code, out, _ = hallq_diag(capsys, "printer", "--device", "usb://04b8:0202")
    line = out.strip()
    zh = line.split(" (printer cannot be opened", 1)[0]
    assert code == 1 and line.startswith("FAIL") and "找不到设备" in zh
    assert re.search(r"[A-Za-z]", zh.replace("FAIL", "").replace("usb://04b8:0202", "")) is None  # no English
    assert "not found" in line.split(" (printer cannot be opened", 1)[1]  # the library's words, in English

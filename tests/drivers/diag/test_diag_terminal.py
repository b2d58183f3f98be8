"""Terminal device configuration: the shipped examples, bilingual errors by key path, opening and
closing every configured device."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from config import ConfigError
from drivers.errors import DeviceUnavailable
from drivers.printer import Paper
from drivers.terminal import DEVICE_KINDS, load_terminal, loads_terminal, open_devices, shipped_terminal_config


@pytest.mark.parametrize(("role", "kinds", "window"), [
    ("kiosk", ["printer", "announcer", "touch", "idcard"], None),
    ("counter", ["printer", "pad", "led"], 3),
    ("display", ["announcer"], None),
])
def test_shipped_configs_open_their_sim_devices(role: str, kinds: list[str], window: int | None,
                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # the display's sim announcer writes under ./var
    cfg = load_terminal(shipped_terminal_config(role))
    assert (cfg.role, cfg.hall, cfg.window, cfg.configured) == (role, "county", window, kinds)
    assert all(cfg.url(kind).startswith("sim://") for kind in kinds)
    with open_devices(cfg) as devices:
        assert [kind for kind, _ in devices.opened()] == kinds and devices.failed == {}
    assert devices.opened() == []


def test_shipped_counter_prints_on_58_mm() -> None:
    cfg = load_terminal(shipped_terminal_config("counter"))
    with open_devices(cfg, only=["printer"]) as devices:
        assert devices.printer is not None and devices.printer.paper is Paper.MM58
        assert devices.pad is None  # not asked for


@pytest.mark.parametrize(("text", "where", "en"), [
    ('role = "kiosk"\nhall = "county"\n[devices]\nprnter = "sim://"', "devices.prnter", 'did you mean "printer"'),
    ('role = "counter"\nhall = "county"', "window", "needs its window number"),
    ('role = "display"\nhall = "county"\nwindow = 2', "window", "only a counter terminal has a window"),
    ('role = "tv"\nhall = "county"', "role", "must be one of"),
    ('role = "kiosk"\nhall = "County Hall"', "hall", "does not match"),
    ('role = "kiosk"\nhall = "county"\n[printer]\npaper_width_mm = 60', "printer.paper_width_mm", "58 or 80 mm"),
    ('role = "kiosk"\nhall = "county"\n[devices]\nprinter = "/dev/usb/lp0"', "devices.printer", "has no scheme"),
    ('role = "kiosk"\nhall = "county"\n[announcer]\nrate = 900', "announcer.rate", "out of range 80-450"),
    ('role = "kiosk"\nhall = "county"\n[announcer]\nvolume = 0', "announcer.volume", "must be in (0, 1]"),
    ('role = "kiosk"\nhall = "county"\n[announcer]\ntemplate = "请 {ticket} 号"', "announcer.template",
     "unknown placeholder {ticket}"),
    ('role = "kiosk"\nhall = "county"\nheartbeat_interval_s = 600', "heartbeat_interval_s", "≤ 60"),
    ('role = "kiosk"\nhall = "county"\n[devices]\nannouncer = "sim://?dir=/tmp/a&rate=120"\n[announcer]\nrate = 130',
     "announcer.rate", "set it in one place"),
])
def test_problems_name_file_key_and_reason_in_both_languages(text: str, where: str, en: str) -> None:
    with pytest.raises(ConfigError) as caught:
        loads_terminal(text, source="kiosk.toml")
    problem = caught.value.problems[0]
    assert (problem.file, problem.path) == ("kiosk.toml", where)
    assert en in problem.en and problem.zh and problem.zh != problem.en
    assert str(caught.value).startswith(f"kiosk.toml: {where}: ")


def test_toml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(ConfigError) as caught:
        loads_terminal('role = "kiosk"\nhall = county\n', source="t.toml")
    assert (caught.value.problems[0].line, caught.value.problems[0].path) == (2, "")


def test_missing_file_is_a_config_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the terminal config"):
        load_terminal(tmp_path / "nope.toml")


def test_a_url_the_driver_refuses_is_reported_at_its_key(terminal_file: Callable[..., Path]) -> None:
    cfg = load_terminal(terminal_file(printer="sim://", led="serial:///dev/ttyUSB1?addr=3&speed=9600"))
    with pytest.raises(ConfigError) as caught:
        open_devices(cfg)
    [problem] = caught.value.problems
    assert problem.path == "devices.led" and "unknown option(s) speed" in problem.en


def test_announcer_settings_reach_the_announcer(terminal_file: Callable[..., Path], tmp_path: Path) -> None:
    path = terminal_file(role="display", window=None, announcer=f"sim://?dir={tmp_path / 'calls'}&synth=0")
    options = '[announcer]\nrate = 180\nvolume = 0.5\ntemplate = "{number} 号请到 {window} 号窗口"\n'
    path.write_text(path.read_text() + options)
    cfg = load_terminal(path)
    with open_devices(cfg) as devices:
        assert devices.announcer is not None
        settings = devices.announcer.settings
        assert (settings.voice.rate, settings.voice.volume) == (180, 0.5)
        assert settings.templates.call == "{number} 号请到 {window} 号窗口"


def test_close_closes_every_device(terminal_file: Callable[..., Path]) -> None:
    devices = open_devices(load_terminal(terminal_file(printer="sim://", pad="sim://", led="sim://")))
    printer = devices.printer
    devices.close()
    assert devices.opened() == [] and printer is not None
    with pytest.raises(DeviceUnavailable):
        printer.print_job(b"\x1b@")
    devices.close()  # idempotent


def test_device_kinds_are_the_five_of_the_issue_and_the_id_card_reader() -> None:
    assert DEVICE_KINDS == ("printer", "announcer", "pad", "led", "touch", "idcard")

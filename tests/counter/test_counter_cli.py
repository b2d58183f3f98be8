"""``hallq counter``: the command line, the terminal config (devices, token file), --screenshot, and
clear bilingual errors for what is missing or wrong."""

from __future__ import annotations

import pytest
from counter_helpers import HALL
from PySide6.QtGui import QImage

from hallq.cli import main

pytestmark = pytest.mark.timeout(300)


def test_screenshot_from_a_terminal_config(server, tmp_path, capsys) -> None:
    token_file = tmp_path / "counter-1.token"
    token_file.write_text(server.add_device("counter", hall=HALL, window=1) + "\n", encoding="utf-8")
    config = tmp_path / "terminal.toml"
    config.write_text(f"""role = "counter"
hall = "{HALL}"
window = 1

[server]
url = "{server.base_url}"
token_file = "{token_file}"

[devices]
printer = "sim://"
pad = "sim://"
led = "sim://"
""", encoding="utf-8")
    out = tmp_path / "login.png"
    assert main(["counter", "--config", str(config), "--screenshot", str(out), "--size", "1280x800"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "said"), [
    (["counter", "--token", "d_x"], "--window"),
    (["counter", "--window", "1"], "--token"),
    (["counter", "--window", "1", "--token", "d_x", "--server", "ftp://hall"], "http://"),
])
def test_what_is_missing_is_said_in_both_languages(argv, said, capsys, monkeypatch) -> None:
    monkeypatch.delenv("HALLQ_TOKEN", raising=False)
    monkeypatch.delenv("HALLQ_TERMINAL_CONFIG", raising=False)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err


def test_a_terminal_config_for_another_role_is_refused(tmp_path, capsys) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('role = "kiosk"\nhall = "ctr"\n', encoding="utf-8")
    assert main(["counter", "--config", str(config), "--window", "1", "--token", "d_x"]) == 2
    assert "role 应为 counter" in capsys.readouterr().err


def test_the_counter_keeps_the_hall_clock_named_by_the_server(qtbot, make_counter, tmp_path) -> None:
    """A hall in Xinjiang runs on Asia/Urumqi (+06:00): the clerk's "back at" time for a pause is the hall's
    wall clock, whatever zone the counter PC or the terminal's default says (issue 15 §6)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from counter.timings import Timings
    from tests.counter.counter_helpers import COUNTER_CONFIG
    from tests.server.conftest import start_server, stop_server

    config = tmp_path / "hall_urumqi.toml"
    config.write_text(COUNTER_CONFIG.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"'), encoding="utf-8")
    srv = start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}", "--config", str(config))
    try:
        at = 1_796_169_600.0  # 2026-12-02 08:00 in Shanghai, 06:00 in Urumqi
        counter = make_counter(srv, timings=Timings(probe_ms=100, clock=lambda: at))
        controller = counter.controller
        assert controller.tz == ZoneInfo("Asia/Urumqi")
        back = controller.default_return_time()  # now + the default pause, on the hall's wall clock
        expected = datetime.fromtimestamp(at + controller.timings.pause_default_min * 60, ZoneInfo("Asia/Urumqi"))
        assert (back.hour, back.minute) == (expected.hour, expected.minute)
        assert back.hour == 6  # not Shanghai's 08
    finally:
        stop_server(srv)

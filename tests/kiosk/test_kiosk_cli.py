"""``hallq kiosk --screenshot`` in a process of its own: against a real server, and with none."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def run_kiosk(tmp_path, *args: str) -> subprocess.CompletedProcess:
    terminal = tmp_path / "terminal.toml"
    terminal.write_text('role = "kiosk"\nhall = "kiosk"\n[devices]\nprinter = "sim://"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("HALLQ_SERVER", None)
    return subprocess.run([sys.executable, "-m", "hallq.cli", "kiosk", "--config", str(terminal), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)


def test_screenshot_of_the_home_screen(server, tmp_path):
    out = tmp_path / "home.png"
    done = run_kiosk(tmp_path, "--server", server.base_url, "--token", server.tokens["kiosk"],
                     "--screenshot", str(out), "--size", "1280x800")
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    # the category tiles are in the picture (the header's blue fills them), not an empty page: the grab
    # once came before the pages were laid out, and the maintenance worker saw a blank kiosk
    blue = image.pixelColor(8, 8)
    band = [image.pixelColor(x, y) for x in range(0, 1280, 16) for y in range(240, 400, 16)]
    assert sum(c == blue for c in band) > len(band) // 4


def test_screenshot_without_a_server_shows_the_pause_banner(tmp_path):
    out = tmp_path / "down.png"
    done = run_kiosk(tmp_path, "--server", "http://127.0.0.1:9", "--token", "x", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    assert QImage(str(out)).width() == 1920
    assert "server not usable" in done.stderr  # logged, not a traceback
    assert "Traceback" not in done.stderr


def test_bad_terminal_config_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('role = "kiosk"\nhall = "kiosk"\n[devices]\nprinter = "nope://x"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "hallq.cli", "kiosk", "--config", str(bad), "--screenshot",
                           str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    assert "devices.printer" in done.stderr and "Traceback" not in done.stderr


def test_sigterm_closes_the_running_kiosk(server, tmp_path):
    """``hallq kiosk`` (windowed, offscreen) loads the hall from the server named in its terminal file,
    and a SIGTERM (systemd stop) ends it cleanly with status 0."""
    import signal
    import time

    terminal = tmp_path / "terminal.toml"
    terminal.write_text(f'role = "kiosk"\nhall = "kiosk"\n[server]\nurl = "{server.base_url}"\n'
                        '[devices]\nprinter = "sim://"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALLQ_TOKEN": server.tokens["kiosk"]}
    env.pop("HALLQ_SERVER", None)
    log = tmp_path / "kiosk.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "hallq.cli", "kiosk", "--config", str(terminal),
                                 "--windowed"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        loaded = f"GET {server.base_url}/api/v1/halls "
        deadline = time.monotonic() + 60
        while loaded not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # polling interval of the log, as the server fixture polls /healthz
        assert loaded in log.read_text(), log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

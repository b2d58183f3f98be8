"""The deployment kit's files: systemd units pass ``systemd-analyze verify`` (in a scratch root holding stand-ins
for /opt/hallq's programs), the session scripts parse, and install.sh plans each role with its own extra."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import need

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ["hallq-server.service", "hallq-public.service", "hallq-backup.service", "hallq-backup.timer",
         "hallq-terminal@.service"]


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    system = Path("/usr/lib/systemd/system")
    if analyze is None or not (system / "sysinit.target").exists():
        pytest.skip("systemd is not present here (no systemd-analyze or /usr/lib/systemd/system): units unchecked")
    root = tmp_path / "root"
    shutil.copytree(system, root / "usr/lib/systemd/system", symlinks=True)
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    for name in UNITS:
        shutil.copy(DEPLOY / "systemd" / name, units / name)
    for program in ("bin/hallq", "libexec/hallq-session"):  # ExecStart= must name an executable
        stand_in = root / "opt/hallq" / program
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    names = [n.replace("@.service", "@kiosk.service") for n in UNITS]
    done = subprocess.run(
        [analyze, "verify", "--man=no", f"--root={root}", *names],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # "… ignoring" warnings exit 0 but are mistakes too


def test_session_scripts_parse() -> None:
    for script in ("kiosk/hallq-session", "kiosk/hallq-xinitrc"):
        assert (DEPLOY / script).stat().st_mode & 0o111, f"{script} is not executable"
        done = subprocess.run(["sh", "-n", str(DEPLOY / script)], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
    session = (DEPLOY / "kiosk/hallq-session").read_text()
    assert "-s 0 -dpms" in session  # a lobby screen never blanks


@pytest.mark.parametrize(
    ("role", "args", "extra"),
    [
        ("server", [], "server"),
        ("kiosk", ["--server", "http://10.0.0.2:8080", "--token", "d_kiosk"], "terminal"),
        ("counter", ["--server", "http://10.0.0.2:8080", "--token", "d_counter", "--window", "3"], "terminal"),
        ("display", ["--server", "http://10.0.0.2:8080", "--token", "d_display"], "terminal"),
    ],
)
def test_install_plans_one_role(role: str, args: list[str], extra: str) -> None:
    need("bash", "bash")
    done = subprocess.run(
        ["bash", str(DEPLOY / "install.sh"), role, "--dry-run", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    plan = done.stdout
    assert f"[{extra}]" in plan  # only this role's extra
    assert "+ /usr/bin/python3 -m venv /opt/hallq" in plan  # Debian's python: the hallq account can run it
    if role == "server":
        assert "hallq init --dir /srv/hallq" in plan
        assert 'destination = "/var/backups/hallq"' in plan  # where the units let backups be written
        assert "systemctl enable hallq-server.service hallq-public.service hallq-backup.timer" in plan
        assert "xserver" not in plan
    else:
        assert f"systemctl enable hallq-terminal@{role}.service" in plan
        assert 'url = "http://10.0.0.2:8080"' in plan and 'token_file = "/etc/hallq/token"' in plan
        assert f"d_{role}" not in plan  # the token goes to a root:hallq 0640 file, never to the screen
        assert "nginx" not in plan
    if role == "counter":
        assert "window = 3" in plan


def test_install_refuses_a_terminal_without_its_token() -> None:
    done = subprocess.run(
        ["bash", str(DEPLOY / "install.sh"), "kiosk", "--dry-run", "--server", "http://x:8080"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--token" in done.stderr

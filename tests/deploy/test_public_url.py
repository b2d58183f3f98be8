"""``hallq server`` refuses a public_base_url no phone can reach (every printed QR would point at the kiosk),
unless told ``--allow-unreachable-public-url``; the shipped config carries a placeholder it refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from server.commands.public_url import check_public_url
from tests.server.conftest import TEST_CONFIG, free_port, start_server, stop_server

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "hall.toml"


@pytest.mark.parametrize(
    ("url", "fatal"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://localhost", True),
        ("http://0.0.0.0:8080", True),
        ("https://hallq.example", True),
        ("https://[::1]/", True),
        ("http://192.168.1.10:8080", False),  # warned: only phones on the hall Wi-Fi
        ("http://hall.gov.cn", False),  # warned: not HTTPS
        ("https://zwfw.example-county.gov.cn", None),  # nothing to say
    ],
)
def test_public_url_findings(url: str, fatal: bool | None) -> None:
    findings = check_public_url(url)
    if fatal is None:
        assert findings == []
    else:
        assert findings and findings[0].fatal is fatal


def _config_with(tmp_path: Path, url: str) -> Path:
    text = TEST_CONFIG.read_text(encoding="utf-8").replace(
        'public_base_url = "http://hall.test"', f'public_base_url = "{url}"'
    )
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_server_refuses_the_shipped_placeholder(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hallq.cli",
            "server",
            "--config",
            str(SHIPPED),
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "public_base_url https://hallq.example" in done.stderr and "--allow-unreachable-public-url" in done.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was written


def test_server_starts_with_a_warning_when_allowed(tmp_path: Path) -> None:
    config = _config_with(tmp_path, "http://127.0.0.1:8080")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "hallq.cli",
            "server",
            "--config",
            str(config),
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "loopback" in refused.stderr
    import tests.server.conftest as shared

    original = shared.TEST_CONFIG
    shared.TEST_CONFIG = config  # start_server passes --config TEST_CONFIG
    try:
        server = start_server(tmp_path, f"sqlite:///{tmp_path / 'y.db'}", "--allow-unreachable-public-url")
    finally:
        shared.TEST_CONFIG = original
    try:
        assert "warning: public_base_url http://127.0.0.1:8080 is a loopback" in server.log()
    finally:
        stop_server(server)

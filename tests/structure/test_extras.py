"""Each machine installs only its role's extra (pyproject.toml) and still works.

A fresh virtual environment with ``hallq[terminal]`` has no server packages, yet the kiosk, the counter
and the lobby display render their screens against a real server (started from the full install) and
``hallq diag`` checks the devices; one with ``hallq[server]`` has no Qt, yet ``hallq init`` and
``hallq server`` run. A subcommand of the other role says which extra to install, without a traceback.

The environments are built from a copy of the source tree (``pip install 'SRC[extra]'``, not editable),
so a module that is only importable from the checkout fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QImage

from tests.server.conftest import TEST_CONFIG, ServerProcess, free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("vocab", "client", "hallq", "config", "server", "drivers", "kiosk", "counter", "display",
           "pyproject.toml", "README.md")
SERVER_ONLY = ("fastapi", "sqlalchemy", "psycopg", "alembic", "uvicorn", "argon2")
SIM_ONLY = ("simpy", "matplotlib")
TERMINAL_ONLY = ("PySide6", "httpx", "websockets", "escpos", "serial")
QT_AND_DEVICES = ("PySide6", "escpos", "serial", "pyttsx3", "qrcode")  # websockets: uvicorn[standard] has it
pytestmark = pytest.mark.slow


def make_env(base: Path, extra: str) -> Path:
    """A venv at ``base/venv`` with ``hallq[extra]`` installed from a copy of the sources."""
    src = base / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, src / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile",
                           "--disable-pip-version-check", f"{src}[{extra}]"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(src)  # the installed copy must stand alone
    return venv


def present(venv: Path, names: tuple[str, ...]) -> list[str]:
    code = "import importlib.util, sys; print(' '.join(n for n in sys.argv[1:] if importlib.util.find_spec(n)))"
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code, *names], capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.split()


def hallq(venv: Path, *args: str, cwd: Path, env: dict | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HALLQ_SERVER", "HALLQ_TOKEN")}
    full_env |= {"QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run([str(venv / "bin" / "hallq"), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=full_env)


@pytest.fixture(scope="module")
def terminal_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_env(tmp_path_factory.mktemp("terminal"), "terminal")


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_env(tmp_path_factory.mktemp("server"), "server")


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("full-server")
    srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}")
    try:
        yield srv
    finally:
        stop_server(srv)


def test_a_terminal_install_has_no_server_packages(terminal_env: Path) -> None:
    assert present(terminal_env, SERVER_ONLY + SIM_ONLY) == []
    assert present(terminal_env, TERMINAL_ONLY) == list(TERMINAL_ONLY)


@pytest.mark.parametrize("app", ["kiosk", "counter", "display"])
def test_each_app_renders_from_a_terminal_install(terminal_env: Path, full_server: ServerProcess, tmp_path: Path,
                                                  app: str) -> None:
    window = ("--window", "1") if app == "counter" else ()
    token = full_server.add_device(app, window=1 if app == "counter" else None)
    terminal = tmp_path / "terminal.toml"
    terminal.write_text(f'role = "{app}"\nhall = "test"\n' + ("window = 1\n" if app == "counter" else ""),
                        encoding="utf-8")
    shot = tmp_path / f"{app}.png"
    done = hallq(terminal_env, app, "--server", full_server.base_url, "--token", token, "--hall", "test",
                 "--config", str(terminal), *window, "--screenshot", str(shot), "--size", "1366x768", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 768)
    keep = os.environ.get("HALLQ_EXTRAS_SHOTS")  # to look at them: HALLQ_EXTRAS_SHOTS=docs/img/terminal-only
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(keep) / shot.name)


def test_diag_runs_from_a_terminal_install(terminal_env: Path, tmp_path: Path) -> None:
    terminal = tmp_path / "terminal.toml"
    terminal.write_text('role = "kiosk"\nhall = "test"\n[devices]\nprinter = "sim://"\npad = "sim://"\n',
                        encoding="utf-8")
    done = hallq(terminal_env, "diag", "--config", str(terminal), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "打印机" in done.stdout and "评价器" in done.stdout


def test_server_commands_on_a_terminal_say_which_extra_to_install(terminal_env: Path, tmp_path: Path) -> None:
    for command in (("server", "--help"), ("init", "--help"), ("simulate", "--help")):
        done = hallq(terminal_env, *command, cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        extra = "sim" if command[0] == "simulate" else "server"
        assert f"pip install 'hallq[{extra}]'" in done.stderr


def test_a_server_install_has_no_qt_and_runs_init_and_server(server_env: Path, tmp_path: Path) -> None:
    assert present(server_env, QT_AND_DEVICES + SIM_ONLY) == []
    assert present(server_env, SERVER_ONLY) == list(SERVER_ONLY)
    db = f"sqlite:///{tmp_path / 'hall.db'}"
    done = hallq(server_env, "init", "--db", db, "--config", str(TEST_CONFIG), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"HALLQ_SECRET_FILE": str(tmp_path / "s.key")}
    with open(tmp_path / "server.log", "wb") as log:
        proc = subprocess.Popen([str(server_env / "bin" / "hallq"), "server", "--db", db, "--config",
                                 str(TEST_CONFIG), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/halls", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.05)  # readiness polling, not synchronisation
        halls = httpx.get(f"http://127.0.0.1:{port}/api/v1/halls", timeout=10).json()
        assert "test" in str(halls)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_terminal_commands_on_a_server_say_which_extra_to_install(server_env: Path, tmp_path: Path) -> None:
    for command in (("kiosk", "--help"), ("counter", "--help"), ("display", "--help"), ("diag",)):
        done = hallq(server_env, *command, cwd=tmp_path)
        assert done.returncode == 3, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert "pip install 'hallq[terminal]'" in done.stderr

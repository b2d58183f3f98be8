"""The server-side ``hallq`` commands as a user runs them: init, clerk add, device add, status, audit
verify (and tampering caught), and configuration errors reported without a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from server.storage.db import make_engine, write_transaction

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

HERE = Path(__file__).parent


def hallq(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
    return subprocess.run([sys.executable, "-m", "hallq.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``hallq init`` in a fresh directory; later commands run there and use var/ by default."""
    base = tmp_path_factory.mktemp("site")
    r = hallq("init", "--dir", str(base), "--config", str(HERE / "hall_test.toml"), cwd=base.parent)
    assert r.returncode == 0, r.stderr
    return base


def test_init_creates_database_config_copy_and_private_secret(site: Path) -> None:
    var = site / "var"
    assert (var / "hallq.db").is_file() and (var / "hall.toml").is_file()
    assert stat.S_IMODE((var / "secret.key").stat().st_mode) == 0o600
    again = hallq("init", cwd=site)  # idempotent: keeps the database, config and key
    assert again.returncode == 0, again.stderr


def test_clerk_and_device_add_then_status_shows_the_hall(site: Path) -> None:
    r = hallq("clerk", "add", "--staff-no", "1001", "--name", "张三", "--pin", "246813", "--windows", "1,2",
              "--hall", "test", cwd=site)
    assert r.returncode == 0 and "1001" in r.stdout, r.stderr
    dup = hallq("clerk", "add", "--staff-no", "1001", "--name", "张三", "--pin", "246813", cwd=site)
    assert dup.returncode == 2 and "已存在" in dup.stderr and "exists" in dup.stderr
    dev = hallq("device", "add", "--kind", "kiosk", "--name", "大厅1号机", "--hall", "test", "--json", cwd=site)
    assert dev.returncode == 0, dev.stderr
    assert json.loads(dev.stdout)["token"].startswith("d_")
    status = hallq("status", "--hall", "test", "--once", cwd=site)
    assert status.returncode == 0, status.stderr
    assert "测试政务服务中心" in status.stdout and "1号 综合窗口" in status.stdout
    snap = json.loads(hallq("status", "--json", "--hall", "test", cwd=site).stdout)
    assert [w["number"] for w in snap["windows"]] == [1, 2, 3] and snap["seq"] == 0


def test_audit_verify_passes_then_catches_tampering(site: Path) -> None:
    ok = hallq("audit", "verify", cwd=site)
    assert ok.returncode == 0 and "完整" in ok.stdout and "intact" in ok.stdout
    engine = make_engine(f"sqlite:///{site / 'var' / 'hallq.db'}")
    with write_transaction(engine) as conn:  # someone with the database file drops the guard and edits
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2"))
    engine.dispose()
    broken = hallq("audit", "verify", "--json", cwd=site)
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["broken_seq"] == 2


def test_a_broken_config_is_reported_with_file_and_key_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text((HERE / "hall_test.toml").read_text().replace('prefix = "B"', 'prefix = "bb"'))
    s = hallq("server", "--config", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", "1", cwd=tmp_path)
    assert s.returncode == 2 and "Traceback" not in s.stderr
    assert "bad.toml" in s.stderr and "prefix" in s.stderr

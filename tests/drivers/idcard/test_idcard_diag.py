"""``hallq diag idcard`` as maintenance staff run it, against the pty simulator: the SAM status line,
``--read`` printing the laid card masked (never the number or the name whole), a SAM fault exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.idcard.simulator import IdCardSimulator
from drivers.idcard.testcards import ELDER
from hallq.cli import main

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text('role = "kiosk"\nhall = "test"\n', encoding="utf-8")
    return path


def test_read_shows_the_card_masked(capsys, config) -> None:
    with IdCardSimulator(ELDER) as sim:
        code = main(["diag", "idcard", "--config", str(config), "--device", sim.url(timeout=2), "--read",
                     "--seconds", "10"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert out.startswith("OK") and "身份证读卡器正常" in out
    assert "张*明" in out and "1101**********1238" in out and "居民身份证" in out and "70-79" in out
    assert ELDER.number not in out + err and "张建明" not in out + err


def test_a_sam_fault_fails_the_check(capsys, config) -> None:
    with IdCardSimulator() as sim:
        sim.fault("sam_fault")
        code = main(["diag", "idcard", "--config", str(config), "--device", sim.url(timeout=2)])
    out, _ = capsys.readouterr()
    assert code == 1 and out.startswith("FAIL") and "SAM_SELF_TEST" in out

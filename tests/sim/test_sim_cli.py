"""``hallq simulate`` and ``hallq run`` as a user types them (the real CLI entry point, in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from hallq.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "config" / "scenarios"
QUICK = ["simulate", "--windows", "2", "--arrivals-per-hour", "8", "--mean-service-min", "10", "--priority-share",
         "0.1", "--hours", "100", "--seed", "1"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_quick_form_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *QUICK, "--json")
    assert code == 0
    r = json.loads(out)
    for key in ("visitors", "mean_wait_min", "p90_wait_min", "max_wait_min", "utilization"):
        assert isinstance(r[key], int | float), key
    for lane in ("normal", "priority"):
        for key in ("visitors", "mean_wait_min", "max_wait_min"):
            assert isinstance(r["by_lane"][lane][key], int | float), (lane, key)
    assert r["by_lane"]["normal"]["visitors"] + r["by_lane"]["priority"]["visitors"] == r["visitors"] > 600
    assert r["theory"]["mean_wait_min"] > 0  # Erlang C for the same M/M/2 queue
    assert r["run"]["quick"]["windows"] == 2
    assert 0 < r["utilization"] < 1


def test_text_report_is_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "simulate", str(SCENARIOS / "ordinary-day.toml"))
    assert code == 0
    for heading in ("总体 Overall", "按通道 By lane", "按业务 By service", "窗口 Windows", "潮汐窗口 tide windows",
                    "预计等待误差 EWT error", "企业开办"):
        assert heading in out


def test_policy_and_no_tide_switches(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "simulate", str(SCENARIOS / "monday-peak.toml"), "--no-tide", "--policy", "fifo",
                    "--seed", "3", "--json")
    r = json.loads(out)
    assert (r["run"]["tide"], r["run"]["policy"], r["run"]["seed"]) == (False, "fifo", 3)
    assert r["tide"]["openings"] == 0


def test_plot_writes_a_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "day.png"
    code, out, err = run(capsys, "simulate", str(SCENARIOS / "monday-peak.toml"), "--plot", str(png), "--json")
    assert code == 0
    json.loads(out)  # stdout stays machine-readable; the notice goes to stderr
    assert str(png) in err
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size[0] > 1000 and image.size[1] > 700


@pytest.mark.parametrize(("argv", "says"), [
    (["simulate"], "请给出场景文件"),
    (["simulate", "x.toml", "--windows", "3"], "不能同时使用"),
    (["simulate", "--windows", "3"], "--arrivals-per-hour --mean-service-min"),
    (["simulate", "--windows", "0", "--arrivals-per-hour", "5", "--mean-service-min", "5"], "--windows: 至少 1 个窗口"),
    (["simulate", "--windows", "3", "--arrivals-per-hour", "5", "--mean-service-min", "5", "--config", "h.toml"],
     "--config"),
    (["simulate", "no/such/file.toml"], "no/such/file.toml: 无法读取场景文件"),
])
def test_bad_invocations_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], says: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert says in err
    assert out == "" and "Traceback" not in err


def test_bad_scenario_file_exits_2_with_file_and_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\nshare = 2\n', encoding="utf-8")
    code, _, err = run(capsys, "simulate", str(bad))
    assert code == 2
    assert f"{bad}: arrivals[0].share: 未知配置项" in err


def test_compare_runs_scenarios_policies_and_tide_in_one_table(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SCENARIOS / "monday-peak.toml"), str(SCENARIOS / "monday-peak-no-tide.toml")]
    code, out, _ = run(capsys, "simulate", *files, "--compare", "--seeds", "1", "--policy", "bounded", "--json")
    assert code == 0
    r = json.loads(out)
    (scenario,) = r["scenarios"].values()  # the no-tide file is the same day: run once, tide on and off
    assert set(scenario["rows"]) == {"bounded/tide", "bounded/no-tide"}
    row = scenario["rows"]["bounded/tide"]
    assert {"normal", "priority"} <= set(row["by_lane"]) and "MA01" in row["by_service"]
    for key in ("mean", "p90", "max", "unserved", "coverage", "mae_share"):
        assert key in row["by_lane"]["normal"]
    assert "peak_p90_tide_vs_none" in scenario["targets"]["bounded/tide"]
    code, out, _ = run(capsys, "simulate", files[0], "--compare", "--seeds", "1", "--policy", "bounded")
    assert code == 0 and "区间覆盖 coverage" in out and "bounded/no-tide" in out


def test_several_scenarios_need_compare(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "simulate", str(SCENARIOS / "monday-peak.toml"), str(SCENARIOS / "ordinary-day.toml"))
    assert code == 2 and "--compare" in err

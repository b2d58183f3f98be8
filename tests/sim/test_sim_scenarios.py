"""Scenario files: the shipped days, what the simulator makes visible, and bad files.

Each shipped scenario takes well under a second; they run whole, through the real core.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError
from server.sim import load_scenario, run_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "config" / "scenarios"
ORDINARY = SCENARIOS / "ordinary-day.toml"
PEAK = SCENARIOS / "monday-peak.toml"
SURGE = {"MA01", "RE01", "RE02"}  # monday-peak.toml: 企业开办, 二手房过户, 抵押登记


def without_wall_time(report: dict) -> dict:
    return {**report, "run": {k: v for k, v in report["run"].items() if k != "wall_s"}}


@pytest.fixture(scope="module")
def ordinary() -> dict:
    return run_scenario(ORDINARY).report


@pytest.mark.parametrize("name", ["ordinary-day", "ordinary-day-no-tide", "monday-peak", "monday-peak-no-tide"])
def test_shipped_scenarios_run_the_county_hall(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    assert scenario.hall == "county"
    assert scenario.tide is not name.endswith("no-tide")
    report = run_scenario(SCENARIOS / f"{name}.toml").report
    assert report["run"]["hall"] == "county"
    assert 300 < report["visitors"] < 700
    assert report["refused"] == {}  # arrivals follow each service's hours
    # every visit (a ticket in one queue) ends exactly once: finished, transferred, no-show, or
    # still waiting when the last clerk's overtime ran out ("unserved", reported, never lost)
    r = report
    assert r["visitors"] + r["transfers"] + r["requeued"] == r["finished"] + r["transfers"] + r["no_shows"] \
        + r["unserved"]
    if scenario.tide:
        assert report["unserved"] == 0  # the tide windows get everyone served before closing
        assert report["tide"]["openings"] > 0
    else:
        assert report["tide"] == {"openings": 0, "minutes_open": 0.0, "requests": 0, "spans": []}


def test_tide_windows_lower_the_peak_p90_with_the_same_visitors_and_staff() -> None:
    # same seed: the same visitors arrive at the same moments with the same service times
    # (common random numbers), the same windows are staffed; only the tide controller differs
    tide_run, plain_run = run_scenario(PEAK), run_scenario(SCENARIOS / "monday-peak-no-tide.toml")
    with_tide, without = tide_run.report, plain_run.report
    assert with_tide["visitors"] == without["visitors"]
    assert tide_run.setup.shifts == plain_run.setup.shifts
    assert with_tide["p90_wait_min"] < 0.9 * without["p90_wait_min"]
    assert with_tide["max_wait_min"] < without["max_wait_min"]
    # the morning's tide-window time goes mostly to the surge services
    morning = [s for s in with_tide["tide"]["spans"] if s["opened_min"] < 11 * 60]
    minutes = {surge: sum(s["closed_min"] - s["opened_min"] for s in morning if (s["service"] in SURGE) == surge)
               for surge in (True, False)}
    assert minutes[True] > 2 * minutes[False]


def test_same_seed_same_day_other_seed_other_day() -> None:
    first, again = run_scenario(PEAK, seed=7).report, run_scenario(PEAK, seed=7).report
    assert without_wall_time(first) == without_wall_time(again)
    assert run_scenario(PEAK, seed=8).report["visitors"] != first["visitors"]


def test_extends_is_the_same_day_with_one_key_changed() -> None:
    via_file = run_scenario(SCENARIOS / "monday-peak-no-tide.toml").report
    via_override = run_scenario(PEAK, tide=False).report
    assert via_file["run"]["name"] != via_override["run"]["name"]
    for key in ("visitors", "mean_wait_min", "p90_wait_min", "by_service", "windows"):
        assert via_file[key] == via_override[key]


def test_visitor_behaviour_shows_in_the_report(ordinary: dict) -> None:
    r = ordinary
    assert r["no_shows"] > 0 and r["requeued"] > 0  # 过号, and some come back (过号重排)
    assert r["transfers"] > 0
    assert r["by_service"]["TX01"]["visitors"] > 0
    assert set(r["by_lane"]) == {"normal", "priority", "appointment"}
    # every staffed window took its two 10-minute breaks (去向留言 pauses) — but a break that falls due
    # while the clerk is still serving past the end of the shift is dropped (window 15, whose morning
    # break comes due at about 11:55 with a visit running past 12:00, on the shipped seed)
    paused = [w["paused_min"] for w in r["windows"]]
    assert set(paused) <= {10.0, 20.0} and paused.count(10.0) <= 1
    # windows whose services are all non-extended close for lunch: 08:30–12:00 + 13:30–17:30 = 450 min
    by_number = {w["number"]: w for w in r["windows"]}
    assert by_number[15]["staffed_min"] == pytest.approx(450, abs=20)  # tax: may serve out a few minutes
    assert by_number[1]["staffed_min"] == pytest.approx(540, abs=20)  # market: 午间不打烊, 08:30–17:30
    for w in r["windows"]:
        assert 0 < w["utilization"] < 1
    assert r["ewt"]["n"] == r["visitors"]
    assert r["ewt"]["mae_min"] >= abs(r["ewt"]["bias_min"])


def test_appointments_and_priority_wait_less_than_walk_ins(ordinary: dict) -> None:
    lanes = ordinary["by_lane"]
    assert lanes["appointment"]["mean_wait_min"] < lanes["normal"]["mean_wait_min"]
    assert lanes["priority"]["mean_wait_min"] < lanes["normal"]["mean_wait_min"]


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_saturday_staffs_only_the_x_services(tmp_path: Path) -> None:
    # "5+X" (004 第三十五条): on Saturday only services with extended = true are offered
    saturday = write(tmp_path, f'extends = "{ORDINARY.as_posix()}"\ndate = 2026-03-14\n')
    r = run_scenario(saturday).report
    staffed = {w["number"] for w in r["windows"]}
    assert 1 in staffed and 13 in staffed  # 企业开办, 户籍 are extended
    assert 15 not in staffed and 21 not in staffed  # 税务, 办不成事反映 are not
    assert r["refused"]["closed"] > 0  # who comes for a weekday-only service is turned away …
    assert r["by_service"]["TX01"]["refused"] > 0 if "TX01" in r["by_service"] else True
    assert r["unserved"] == 0  # … and everyone who got a ticket is served


def test_a_break_pauses_the_window_with_its_reason(tmp_path: Path) -> None:
    path = write(tmp_path, f'extends = "{ORDINARY.as_posix()}"\nbreaks = [{{ windows = [20], at = "09:00", '
                           'minutes = 30, reason = "开会 / meeting" }]\n')
    r = run_scenario(path).report
    paused = {w["number"]: w["paused_min"] for w in r["windows"]}
    assert paused[20] == 30.0
    assert paused[1] == 0.0


def problems(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        run_scenario(path)
    return str(caught.value)


@pytest.mark.parametrize(("text", "where", "zh", "en"), [
    ('date = 2026-03-11\n[[arrivals]]\nservice = "XX01"\nper_hour = 3\n',
     "arrivals[0].service", "没有业务代码", 'no service code "XX01"'),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\nshape = "rush"\n',
     "arrivals[0].shape", "[shapes] 中没有", 'no "rush" in [shapes]'),
    ('date = 2026-03-11\narivals = []\n', "arivals", "未知配置项", 'did you mean "arrivals"'),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = "lots"\n',
     "arrivals[0].per_hour", "应为每小时人数", "must be arrivals per hour"),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = { "8:3" = 2 }\n',
     "arrivals[0].per_hour", "时刻应为", 'a time must be "HH:MM"'),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_day = 30\n',
     "arrivals[0]", "per_day 需要 shape", "per_day needs a shape"),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n[visitors]\npriority_share = 1.5\n',
     "visitors.priority_share", "应 ≤ 1", "must be ≤ 1"),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n[[transfers]]\nfrom = "MA01"\nto = "MA01"\n'
     'share = 0.1\n', "transfers[0].to", "不能转办到同一业务", "cannot transfer to the same service"),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n[staffing]\nabsent = [99]\n',
     "staffing.absent[0]", "没有 99 号窗口", "has no window 99"),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n[[staffing.shifts]]\nwindow = 1\n'
     'hours = ["09:00-10:00"]\n[[staffing.shifts]]\nwindow = 1\nhours = ["11:00-12:00"]\n',
     "staffing.shifts[1].window", "班次重复", "listed twice"),
    ('date = 2026-03-11\nhall = "city"\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n',
     "hall", "配置中没有大厅", 'no hall "city"'),
    ('date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n[[staffing.shifts]]\nwindow = 1\n'
     'hours = ["12:00-09:00"]\n', "staffing.shifts[0].hours[0]", "结束时间应晚于开始时间", "must end after it starts"),
])
def test_bad_scenarios_say_file_key_and_reason_in_both_languages(tmp_path: Path, text: str, where: str, zh: str,
                                                                  en: str) -> None:
    path = write(tmp_path, text)
    message = problems(path)
    line = next(x for x in message.splitlines() if x.startswith(f"{path}: {where}: "))
    assert zh in line and en in line
    assert "Traceback" not in message


def test_toml_syntax_errors_give_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, 'date = 2026-03-11\nseed = = 3\n')
    assert problems(path).startswith(f"{path}:2:")


def test_a_problem_in_an_extended_file_names_that_file(tmp_path: Path) -> None:
    base = write(tmp_path, 'date = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = -3\n', "base.toml")
    child = write(tmp_path, 'extends = "base.toml"\nseed = 4\n', "child.toml")
    assert problems(child).startswith(f"{base}: arrivals[0].per_hour: ")
    loop = write(tmp_path, 'extends = "loop.toml"\n', "loop.toml")
    assert "cycle" in problems(loop)
    missing = write(tmp_path, 'extends = "nowhere.toml"\n', "orphan.toml")
    assert problems(missing).startswith(f"{missing}: extends: ")


def test_a_bad_hall_config_fails_the_same_way(tmp_path: Path) -> None:
    hall = write(tmp_path, '[deployment]\nname = "x"\n', "hall.toml")
    path = write(tmp_path, 'config = "hall.toml"\ndate = 2026-03-11\n[[arrivals]]\nservice = "MA01"\nper_hour = 3\n')
    assert problems(path).startswith(f"{hall}: halls: ")

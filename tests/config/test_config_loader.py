"""The configuration loader: the shipped deployment loads, and every kind of mistake a hall
manager can make is reported with file, key path and a reason in Chinese and English — never a
traceback."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

import config
from config import ConfigError, Interval
from hallq.cli import main as hallq

SHIPPED = tomllib.loads(config.default_config_path().read_text(encoding="utf-8"))
SRC = "config/hall.toml"


def problems_of(mutate) -> list[str]:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    with pytest.raises(ConfigError) as info:
        config.validate(data, source=SRC)
    lines = str(info.value).splitlines()
    assert len(lines) == len(info.value.problems)
    for line in lines:  # file, key path, Chinese reason and English reason on each line
        assert line.startswith(f"{SRC}: ") and "（" in line and line.endswith("）")
    return lines


def county(data: dict) -> dict:
    return data["halls"][0]


def window(data: dict, number: int) -> dict:
    return next(w for w in county(data)["windows"] if w["number"] == number)


def service(data: dict, code: str) -> dict:
    return next(s for s in county(data)["services"] if s["code"] == code)


def test_shipped_config_is_a_realistic_county_hall_and_a_township_centre():
    dep = config.load(config.default_config_path())
    hall = dep.hall("county")
    assert 18 <= len(hall.windows) <= 24
    kinds = {w.kind for w in hall.windows}
    assert kinds == set(config.WindowKind)  # all window types of 004 第二条 plus consult/complaint
    assert {c.id for c in hall.categories} >= {"market", "realestate", "construction", "social",
                                               "general", "police", "tax", "hr", "medical", "fund"}
    assert 1 <= sum(w.green_channel for w in hall.windows) <= 2
    ordinary = {code for w in hall.windows if not w.green_channel for code in w.services()}
    assert ordinary == {s.code for s in hall.services}  # no starvation: docs/dispatch.md
    assert sum(w.tide_eligible for w in hall.windows) >= 3
    assert all(s.materials for s in hall.services if s.category != "consult")
    assert any(s.extended for s in hall.services) and any(s.holiday for s in hall.services)
    assert len(hall.services_in("general")) > 10  # the all-purpose button needs search on the kiosk
    town = dep.hall("chengguan")
    assert 3 <= len(town.windows) <= 4
    assert hall.service("MA01").name_zh == "企业开办"
    assert hall.window(10).green_channel
    assert dep.tz.key == "Asia/Shanghai"


def test_config_check_command_accepts_the_shipped_file(capsys):
    assert hallq(["config", "check"]) == 0
    assert "配置有效" in capsys.readouterr().out


def test_unknown_service_in_a_profile_names_window_tier_and_position():
    lines = problems_of(lambda d: window(d, 5)["profile"][1].update(services=["XX"]))
    assert lines == [f'{SRC}: halls[county].windows[number=5].profile[1].services[0]: '
                     '未知业务代码 "XX"（unknown service code "XX"）']


def test_unknown_key_is_a_typo_with_a_suggestion():
    (line,) = problems_of(lambda d: service(d, "MA01").update(minuts=12))
    assert line.startswith(f"{SRC}: halls[county].services[MA01].minuts: 未知配置项")
    assert 'did you mean "minutes"?' in line


@pytest.mark.parametrize(("mutate", "path", "zh", "en"), [
    (lambda d: service(d, "MA02").update(prefix="A"), "halls[county].services[MA02].prefix",
     "已被业务 MA01 使用", "already used by service MA01"),
    (lambda d: window(d, 2).update(number=1), "halls[county].windows[number=1].number",
     "窗口号 \"1\" 重复", "window number \"1\" is used twice"),
    (lambda d: service(d, "MA03").update(code="MA02"), "halls[county].services[MA02].code",
     "业务代码 \"MA02\" 重复", "is used twice"),
    (lambda d: service(d, "MA01").update(daily_cap=1000), "halls[county].services[MA01].daily_cap",
     "应 ≤ 999", "must be ≤ 999"),
    (lambda d: service(d, "MA01").update(prefix="AB"), "halls[county].services[MA01].prefix",
     "格式不符", "does not match"),
    (lambda d: service(d, "MA01").update(category="nope"), "halls[county].services[MA01].category",
     "未知类别", "unknown category"),
    (lambda d: county(d)["hours"].update(weekdays=["8:30-12:00"]),
     "halls[county].hours.weekdays[0]",
     "格式应为 HH:MM-HH:MM", "must look like HH:MM-HH:MM"),
    (lambda d: county(d)["hours"].update(weekdays=["13:30-17:30", "08:30-12:00"]),
     "halls[county].hours.weekdays", "重叠或未按时间顺序", "overlap or are not in time order"),
    (lambda d: county(d)["hours"].update(weekdays=["08:30-12:00", "11:30-17:30"]),
     "halls[county].hours.weekdays", "重叠", "overlap"),
    (lambda d: county(d)["hours"].update(saturday=["12:00-09:00"]),
     "halls[county].hours.saturday[0]",
     "结束时间应晚于开始时间", "must end after it starts"),
    (lambda d: county(d)["hours"].update(sunday=["24:00-24:30"]), "halls[county].hours.sunday[0]",
     "时刻无效", "invalid time"),
    (lambda d: county(d)["tide"].update(close_waiting=12), "halls[county].tide.close_waiting",
     "应小于 open_waiting", "must be less than open_waiting"),
    (lambda d: county(d)["tide"].update(close_wait_min=30), "halls[county].tide.close_wait_min",
     "反复开关", "flap"),
    (lambda d: d["deployment"].update(timezone="Mars/Olympus"), "deployment.timezone",
     "未知时区", "unknown time zone"),
    (lambda d: d["calendar"]["workdays"].append("2026-10-01"), "calendar.workdays[6]",
     "同时列为节假日和调休工作日", "both as a holiday and as a working day"),
    (lambda d: d["calendar"].update(holidays=["2026-13-01"]), "calendar.holidays[0]",
     "应为日期", "must be a date"),
    (lambda d: window(d, 21).update(kind="vip"), "halls[county].windows[number=21].kind",
     "应为以下之一", "must be one of"),
    (lambda d: window(d, 21).update(profile=[]), "halls[county].windows[number=21].profile",
     "不能为空", "must not be empty"),
    (lambda d: window(d, 3)["profile"][1].update(after_wait_min=-5),
     "halls[county].windows[number=3].profile[1].after_wait_min", "应 > 0", "must be > 0"),
    (lambda d: window(d, 1).update(green_channel="yes please"),
     "halls[county].windows[number=1].green_channel", "应为 true 或 false",
     "must be true or false"),
    (lambda d: service(d, "MA01").pop("name_zh"), "halls[county].services[MA01].name_zh",
     "缺少必填项", "required key is missing"),
    (lambda d: county(d)["categories"][0].update(extra_services=["NOPE"]),
     "halls[county].categories[market].extra_services[0]", "未知业务代码", "unknown service code"),
    (lambda d: d["halls"][1].update(id="county"), "halls[county].id", "大厅 id \"county\" 重复",
     "is used twice"),
])
def test_each_mistake_names_its_key_and_reason(mutate, path, zh, en):
    lines = problems_of(mutate)
    hits = [line for line in lines if line.startswith(f"{SRC}: {path}: ")]
    assert hits, lines
    assert zh in hits[0] and en in hits[0]


def test_a_service_no_window_serves_is_reported():
    def drop(d):
        for w in county(d)["windows"]:
            for tier in w["profile"]:
                tier["services"] = [s for s in tier["services"] if s != "CP01"] or ["CS01"]
    lines = problems_of(drop)
    expected = f"{SRC}: halls[county].services[CP01]: 没有任何窗口"
    assert any(line.startswith(expected) for line in lines)


def test_a_service_twice_in_one_profile_is_reported():
    (line,) = problems_of(lambda d: window(d, 3)["profile"][1].update(services=["MA02"]))
    assert "halls[county].windows[number=3].profile[1].services[0]" in line
    assert "appears twice" in line


def test_extended_hours_may_not_overlap_working_hours():
    (line,) = problems_of(lambda d: county(d)["hours"].update(weekday_extended=["11:00-13:30"]))
    assert "halls[county].hours.weekday_extended" in line and "overlaps" in line


def test_24_00_ends_a_24_hour_self_service_interval():
    data = copy.deepcopy(SHIPPED)
    service(data, "RE03")["hours"] = ["00:00-24:00"]
    dep = config.validate(data)
    assert dep.hall("county").service("RE03").hours == [Interval(0, 1440)]


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path):
    bad = tmp_path / "hall.toml"
    bad.write_text('[deployment]\nname = "x"\ntimezone = Asia/Shanghai\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.load(bad)
    (line,) = str(info.value).splitlines()
    assert line.startswith(f"{bad}:3:12: TOML 语法错误：") and "TOML syntax error" in line


def test_missing_file_is_one_clear_problem(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path / "nope.toml")
    assert "无法读取配置文件" in str(info.value) and "cannot read the file" in str(info.value)


def test_cli_prints_problems_and_exits_2_without_traceback(tmp_path: Path, capsys):
    bad = tmp_path / "hall.toml"
    text = config.default_config_path().read_text(encoding="utf-8")
    text = text.replace('profile = [{ services = ["CP01"] }]', 'profile = [{ services = ["XX"] }]')
    bad.write_text(text, encoding="utf-8")
    assert hallq(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    where = "halls[county].windows[number=21].profile[0].services[0]"
    assert f'{bad}: {where}: 未知业务代码 "XX"' in err
    assert "halls[county].services[CP01]" in err  # and nobody serves CP01 any more


def test_a_minimal_hall_gets_documented_defaults():
    dep = config.loads("""
        [deployment]
        name = "t"
        [[halls]]
        id = "h"
        name_zh = "厅"
        name_en = "Hall"
        hours = { weekdays = ["09:00-17:00"] }
        categories = [{ id = "c", name_zh = "类", name_en = "Cat" }]
        [[halls.services]]
        code = "S1"
        name_zh = "业务"
        name_en = "Service"
        category = "c"
        prefix = "A"
        minutes = 5
        [[halls.windows]]
        number = 1
        name_zh = "1号"
        name_en = "W1"
        profile = [{ services = ["S1"] }]
    """)
    hall = dep.hall("h")
    assert hall.lanes.priority_bonus_min == 20
    assert (hall.recall.max_recalls, hall.tide.enabled) == (2, False)
    assert hall.service("S1").daily_cap == 999
    with pytest.raises(KeyError):
        dep.hall("nope")

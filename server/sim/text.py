"""The report as bilingual text tables (Chinese first), for terminals (CJK characters are two
columns wide: :mod:`config.textwidth` pads them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config import textwidth

LANES = {"normal": "普通 normal", "priority": "优先 priority", "appointment": "预约 appointment"}
POLICY_NAMES = {"bounded": "优先且有上限 bounded", "lanes": "分通道加分 lanes", "fifo": "先到先办 FIFO"}
REFUSALS = {"closed": "非取号时间 closed", "daily_cap": "当日号满 daily cap"}


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "") -> list[str]:
    """A table of the report, indented under its heading (:func:`config.textwidth.table`)."""
    return textwidth.table(headers, rows, align=align, indent="  ")


def num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def hhmm(minutes: float | None) -> str:
    if minutes is None:
        return "…"
    total = round(minutes)
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def render(report: dict[str, Any]) -> str:
    """The whole report. ``report`` is what :func:`server.sim.run.run` returns."""
    r, run = report, report.get("run", {})
    out: list[str] = [f"模拟报告 Simulation report — {run.get('name') or run.get('scenario', '')}"]
    if "hall" in run:
        tide = "开 on" if run.get("tide") else "关 off"
        policy = POLICY_NAMES.get(run.get("policy", ""), run.get("policy", ""))
        out.append(f"大厅 hall: {run.get('hall_name', '')} ({run['hall']}) · 日期 date {run.get('date', '')}"
                   f" · 种子 seed {run.get('seed')} · 潮汐窗口 tide {tide} · 规则 policy {policy}")
    if run.get("quick"):
        q = run["quick"]
        out.append(f"快速模式 quick form: {q['windows']} 窗口 windows, {q['arrivals_per_hour']}/小时 per hour, "
                   f"平均办理 mean service {q['mean_service_min']} min, {q['hours']} 小时 hours")
    out += ["", "总体 Overall",
            f"  取号访客 visitors {r['visitors']}   办结 finished {r['finished']}   转办 transfers "
            f"{r['transfers']}   过号 no-shows {r['no_shows']} (重排 requeued {r['requeued']}, "
            f"超时未重排 too late {r['requeue_expired']})   未叫号 unserved {r['unserved']}"]
    if r["refused"]:
        out.append("  未能取号 refused: " + ", ".join(f"{REFUSALS.get(k, k)} {v}" for k, v in r["refused"].items()))
    se = r.get("mean_wait_se_min")
    out.append(f"  等待 wait (分钟 min): 平均 mean {num(r['mean_wait_min'], 2)}"
               + (f" ± {num(se, 2)} (标准误 s.e.)" if se is not None else "")
               + f" · P90 {num(r['p90_wait_min'])} · 最长 max {num(r['max_wait_min'])}"
               f"   平均办理 mean service {num(r['mean_service_min'])}   窗口利用率 utilisation "
               f"{pct(r['utilization'])}")
    theory = r.get("theory")
    if theory:
        out.append(f"  理论 theory (Erlang C, M/M/c): 平均等待 mean wait {num(theory['mean_wait_min'], 2)} min,"
                   f" 先到先办 P90 (FCFS) {num(theory['p90_wait_min_fcfs'])} min,"
                   f" 需等待概率 P(wait) {pct(theory['p_wait'])}, 负荷 load {pct(theory['load'])}")
    e = r["ewt"]
    out.append(f"  预计等待误差 EWT error: 平均绝对误差 MAE {num(e['mae_min'])} min · 偏差 bias "
               f"{num(e['bias_min'])} min（正值=预计偏长 positive = estimate too long, n={e['n']}）")
    t = r["tide"]
    out.append(f"  潮汐窗口 tide windows: 开启 openings {t['openings']} · 累计开放 open {num(t['minutes_open'], 0)}"
               f" min · 请求增援 requests {t['requests']}")

    out += ["", "按通道 By lane"]
    out += table(["通道 lane", "访客 visitors", "平均等待 mean", "P90", "最长 max", "办理 service"],
                 [[LANES.get(k, k), str(v["visitors"]), num(v["mean_wait_min"]), num(v["p90_wait_min"]),
                   num(v["max_wait_min"]), num(v["mean_service_min"])]
                  for k, v in r["by_lane"].items()])
    out += ["", "按业务 By service（分钟 minutes；访客含转入 visitors include transfers in）"]
    out += table(["业务 service", "访客 visitors", "平均等待 mean", "P90", "最长 max", "办理 service",
                  "EWT 误差 MAE", "拒 refused"],
                 [[f"{k} {v['name_zh']}", str(v["visitors"]), num(v["mean_wait_min"]),
                   num(v["p90_wait_min"]), num(v["max_wait_min"]), num(v["mean_service_min"]),
                   num(v["ewt"]["mae_min"]), str(v["refused"])]
                  for k, v in r["by_service"].items()])
    out += ["", "窗口 Windows（分钟 minutes）"]
    out += table(["窗口 window", "在岗 staffed", "暂停 paused", "忙 busy", "办理 served", "过号 no-shows",
                  "利用率 util."],
                 [[str(w["number"]), num(w["staffed_min"], 0), num(w["paused_min"], 0), num(w["busy_min"], 0),
                   str(w["served"]), str(w["no_shows"]), pct(w["utilization"])] for w in r["windows"]])
    if t["spans"]:
        out += ["", "潮汐窗口记录 Tide windows opened"]
        out += table(["时间 time", "窗口 window", "业务 service", "原因 reason"],
                     [[f"{hhmm(s['opened_min'])}–{hhmm(s['closed_min'])}", str(s["window"]), s["service"],
                       s["reason_zh"] or s["reason_en"]] for s in t["spans"]], align="lrll")
    return "\n".join(out) + "\n"

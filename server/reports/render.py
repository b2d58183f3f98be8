"""A report as a terminal table, CSV, XLSX (openpyxl) or JSON. Headers are Chinese first, then English.

Table, CSV and XLSX show times in minutes (one decimal) and rates in percent; JSON keeps the raw
figures (seconds, fractions) for programs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from config import textwidth

from .report import Report

# (field, zh, en, kind): kind "n" count, "min" seconds shown as minutes, "%" fraction shown as percent
COLUMNS: list[tuple[str, str, str, str]] = [
    ("visitors", "取号人数", "visitors", "n"),
    ("tickets", "办件数", "tickets", "n"),
    ("served", "办结", "served", "n"),
    ("no_shows", "过号", "no-shows", "n"),
    ("no_show_rate", "过号率", "no-show rate", "%"),
    ("transfers", "转办", "transfers", "n"),
    ("cancelled", "取消", "cancelled", "n"),
    ("wait_mean", "平均等候(分)", "mean wait (min)", "min"),
    ("wait_p90", "等候P90(分)", "p90 wait (min)", "min"),
    ("wait_max", "最长等候(分)", "max wait (min)", "min"),
    ("service_mean", "平均办理(分)", "mean service (min)", "min"),
    ("service_p90", "办理P90(分)", "p90 service (min)", "min"),
    ("service_max", "最长办理(分)", "max service (min)", "min"),
    ("good_rate", "好评率", "good rate", "%"),
    ("bad_rate", "差评率", "bad rate", "%"),
    ("unrated_rate", "未评价率", "not rated", "%"),
]
FORMATS = ("table", "csv", "xlsx", "json")


def _shown(value: Any, kind: str) -> float | int | None:
    if value is None:
        return None
    if kind == "min":
        return round(value / 60, 1)
    if kind == "%":
        return round(100 * value, 1)
    return value


def _records(report: Report) -> tuple[list[str], list[list[Any]]]:
    head = ["期间 period", "分组 group"] + [f"{zh} {en}" for _, zh, en, _ in COLUMNS]
    body = []
    for row in report.rows:
        figs = row.to_dict()
        zh, en = report.label(row.key)
        body.append([row.period, zh if zh == en else f"{zh} / {en}"] +
                    [_shown(figs[name], kind) for name, _, _, kind in COLUMNS])
    return head, body


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def table(report: Report) -> str:
    head_zh = ["期间", "分组"] + [zh for _, zh, _, _ in COLUMNS]
    head_en = ["period", "group"] + [en for _, _, en, _ in COLUMNS]
    _, body = _records(report)
    cells = [[_cell(v) for v in row] for row in body]
    title = (f"{report.hall} {report.first}~{report.last} 统计报表 / report "
             f"(period {report.period.value}, by {report.by.value})")
    lines = [title, *textwidth.table(head_zh, cells, subheaders=head_en, align="ll" + "r" * len(COLUMNS),
                                     rule=True)]
    if not cells:
        lines.append("（无数据 / no visits）")
    return "\n".join(lines) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula (issue 13): one starting with = + - @ (or a tab /
    carriage return) gets a leading apostrophe. Labels come from names anyone on the staff may have
    typed (a clerk's name, a service's); numbers are left alone.

    >>> neutral("=1+2"), neutral("@SUM(A1)"), neutral("综合受理"), neutral(-1)
    ("'=1+2", "'@SUM(A1)", '综合受理', -1)
    """
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def csv_text(report: Report) -> str:
    head, body = _records(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(head)
    writer.writerows([["" if v is None else neutral(v) for v in row] for row in body])
    return out.getvalue()


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook  # only this format needs it
    from openpyxl.styles import Font

    head, body = _records(report)
    wb = Workbook()
    ws = wb.active
    ws.title = "report"
    ws.append([f"{report.hall} {report.first}~{report.last}", f"period {report.period.value}",
               f"by {report.by.value}"])
    ws.append(head)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in body:
        ws.append([neutral(v) for v in row])  # openpyxl stores a text starting with "=" as a formula
    for col, (_, _, _, kind) in enumerate(COLUMNS, start=3):  # numbers already in minutes / percent
        fmt = "0.0" if kind in ("min", "%") else "0"
        for (cell,) in ws.iter_rows(min_row=3, min_col=col, max_col=col):
            cell.number_format = fmt
    ws.freeze_panes = "C3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def json_text(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Report], str | bytes]] = {
    "table": table, "csv": csv_text, "xlsx": xlsx_bytes, "json": json_text,
}
MEDIA_TYPES = {"table": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "json": "application/json"}

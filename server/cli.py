"""The ``hallq`` command: one entry point, subcommands loaded lazily from the module that owns them.

Each subcommand module exposes ``register(subparsers)`` adding its parser(s), with
``set_defaults(func=...)`` returning an exit code. Importing only the chosen one keeps
``hallq diag`` from loading Qt or SQLAlchemy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# subcommand → module that registers it. One line per capability.
COMMANDS: dict[str, str] = {
    "simulate": "server.sim.cli",
    "run": "server.runall",
    "diag": "drivers.diag.cli",
    "kiosk": "kiosk.cli",
    "counter": "counter.cli",
    "display": "display.cli",
    "init": "server.commands.init",
    "server": "server.commands.serve",
    "clerk": "server.commands.clerk",
    "device": "server.commands.device",
    "devices": "server.commands.devices_cli",
    "status": "server.commands.status",
    "audit": "server.commands.audit",
    "config": "config.cli",
    "followups": "server.followups.cli",
    "report": "server.reports.cli",
}


# one-line help for `hallq --help`, which lists commands without importing them
SUMMARY: dict[str, str] = {
    "simulate": "模拟一天的大厅运行 / simulate a hall day",
    "run": "启动服务器和模拟大厅 / server + simulated hall (make run)",
    "diag": "设备诊断 / device diagnostics",
    "kiosk": "取号机 / ticket kiosk app",
    "counter": "窗口叫号终端 / counter terminal app",
    "display": "大厅叫号屏 / lobby call display app",
    "init": "初始化数据库和配置 / create database and config",
    "server": "启动服务器 / run the hall server",
    "clerk": "管理工作人员 / manage clerks",
    "device": "登记设备 / register devices",
    "devices": "设备状态一览 / device fleet",
    "status": "大厅实时概况 / live hall summary",
    "audit": "审计日志校验 / audit trail",
    "config": "配置检查 / check a hall config",
    "followups": "差评回访一览 / 好差评 follow-ups",
    "report": "统计报表 / statistics report (managers)",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallq", description="hallq 政务服务大厅排队叫号系统 / hall queue system")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is not None and name != only:  # only="" → list every command, import none
            sub.add_parser(name, help=SUMMARY.get(name, f"hallq {name} --help"))
            continue
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    # only the chosen command's module is imported; `hallq --help` imports none
    parser = build_parser(chosen if chosen in COMMANDS else "")
    if chosen not in COMMANDS:
        # only `hallq`, `hallq --help` or a typo: list the commands without importing them all
        parser.print_help() if chosen is None else parser.error(f"unknown command {chosen!r}")
        return 0 if chosen is None else 2
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `hallq … | head`: the reader went away; say nothing more (and silence the flush at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``hallq`` command: one entry point, subcommands loaded lazily from the module that owns them.

Each subcommand module exposes ``register(subparsers)`` adding its parser(s), with
``set_defaults(func=...)`` returning an exit code. Importing only the chosen one keeps
``hallq diag`` from loading Qt or SQLAlchemy, and lets a machine install only its role's extra:
a subcommand whose packages are missing says which extra to install instead of an ImportError.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# subcommand → module that registers it. One line per capability.
COMMANDS: dict[str, str] = {
    "simulate": "server.sim.cli",
    "run": "server.live.command",
    "diag": "drivers.diag.cli",
    "kiosk": "kiosk.cli",
    "counter": "counter.cli",
    "display": "display.cli",
    "init": "server.commands.init",
    "server": "server.commands.serve",
    "clerk": "server.commands.clerk",
    "device": "server.commands.device",
    "devices": "drivers.diag.fleet",
    "status": "server.commands.status",
    "audit": "server.commands.audit",
    "backup": "server.commands.backup",
    "restore": "server.commands.restore",
    "config": "server.commands.config_apply",  # check (config/cli.py) + apply (needs the database)
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
    "backup": "备份数据库 / back up the database (while running)",
    "restore": "从备份恢复 / restore a backup into a fresh database",
    "config": "配置检查 / check a hall config",
    "followups": "差评回访一览 / 好差评 follow-ups",
    "report": "统计报表 / statistics report (managers)",
}


# the extra (pyproject.toml) each subcommand needs; "dev" = all of them
EXTRA_OF: dict[str, str] = {
    "simulate": "sim",
    "run": "dev",
    "diag": "terminal",
    "kiosk": "terminal",
    "counter": "terminal",
    "display": "terminal",
    "devices": "terminal",
    "init": "server",
    "server": "server",
    "clerk": "server",
    "device": "server",
    "status": "server",
    "audit": "server",
    "backup": "server",
    "restore": "server",
    "followups": "server",
    "report": "server",
}

# third-party top-level module → the extra that installs it
PROVIDED_BY: dict[str, str] = {
    **dict.fromkeys(("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "argon2",
                     "prometheus_client", "dateutil", "openpyxl", "tomlkit"), "server"),
    **dict.fromkeys(("PySide6", "shiboken6", "httpx", "websockets", "escpos", "usb", "serial", "pyttsx3",
                     "evdev", "qrcode", "PIL", "pypinyin"), "terminal"),
    **dict.fromkeys(("simpy", "matplotlib"), "sim"),
}


class MissingExtra(Exception):
    """A subcommand needs a package of an extra this machine did not install."""

    def __init__(self, command: str, module: str) -> None:
        extra = PROVIDED_BY.get(module) or EXTRA_OF.get(command, "dev")
        self.extra = extra
        super().__init__(
            f"hallq {command}: 本机未安装所需的软件包 {module}（the package {module!r} is not installed here）\n"
            f"请安装 / install it with:  pip install 'hallq[{extra}]'"
        )


def _missing_module(exc: ModuleNotFoundError) -> str | None:
    """The third-party package an import failed on, or None when it is one of ours (a real bug)."""
    top = (exc.name or "").split(".")[0]
    return top if top in PROVIDED_BY else None


def _register(command: str, module: str, sub: argparse._SubParsersAction) -> None:
    try:
        importlib.import_module(module).register(sub)
    except ModuleNotFoundError as exc:
        missing = _missing_module(exc)
        if missing is None:
            raise
        raise MissingExtra(command, missing) from None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallq", description="hallq 政务服务大厅排队叫号系统 / hall queue system")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is not None and name != only:  # only="" → list every command, import none
            sub.add_parser(name, help=SUMMARY.get(name, f"hallq {name} --help"))
            continue
        _register(name, module, sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    # only the chosen command's module is imported; `hallq --help` imports none
    try:
        parser = build_parser(chosen if chosen in COMMANDS else "")
    except MissingExtra as exc:
        print(exc, file=sys.stderr)
        return 3
    if chosen not in COMMANDS:
        # only `hallq`, `hallq --help` or a typo: list the commands without importing them all
        parser.print_help() if chosen is None else parser.error(f"unknown command {chosen!r}")
        return 0 if chosen is None else 2
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except ModuleNotFoundError as exc:  # a lazy import inside the command
        missing = _missing_module(exc)
        if missing is None:
            raise
        print(MissingExtra(chosen, missing), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `hallq … | head`: the reader went away; say nothing more (and silence the flush at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

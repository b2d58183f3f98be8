"""``hallq config check [FILE]``: validate a deployment file; problems go to stderr, exit code 2."""

from __future__ import annotations

import argparse
import sys

from .errors import ConfigError
from .loader import default_config_path, load


def register(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    parser = subparsers.add_parser("config", help="检查配置文件 / check a hall configuration")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="校验配置文件 / validate a configuration file")
    check.add_argument("file", nargs="?", default=None,
                       help=f"TOML 文件 / TOML file (default: {default_config_path()})")
    check.set_defaults(func=_check)
    return sub  # server/commands/config_apply.py adds ``apply`` (it needs the database)


def _check(args: argparse.Namespace) -> int:
    path = args.file or default_config_path()
    try:
        dep = load(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        n = len(exc.problems)
        print(f"配置有 {n} 处错误（{n} problem(s) in the configuration）", file=sys.stderr)
        return 2
    for hall in dep.halls:
        print(f"{hall.id}: {hall.name_zh}（{hall.name_en}）— {len(hall.services)} 项业务 services, "
              f"{len(hall.windows)} 个窗口 windows")
    print(f"{path}: 配置有效（configuration is valid）")
    return 0

"""``hallq config check [FILE]`` (config/cli.py) and ``hallq config apply FILE [--yes]``: change the hall's
configuration while it runs (server/halls/live_config.py).

``apply`` validates FILE (file/key/reason errors, exit 2), prints every changed key with its before and
after, asks (or ``--yes``), then replaces the configuration in use (``--config``, default var/hall.toml)
and records it; running servers take it within a second and tell the terminals. Halls added or removed
and another time zone are refused: they need a restart. Only ``argparse`` and ``config`` are imported at
registration, so ``hallq config check`` still runs on a terminal without the server's packages.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    from config.cli import register as register_check
    from server.settings import add_common_arguments

    actions = register_check(sub)
    p = actions.add_parser(
        "apply",
        help="运行中修改配置（先显示差异）/ change the configuration live (diff first)",
        description="运行中修改配置（先显示差异）/ change the configuration live (diff first)",
    )
    add_common_arguments(p)
    p.add_argument("file", help="新的配置文件 / the new configuration file (TOML)")
    p.add_argument("--yes", action="store_true", help="不再确认 / apply without asking")
    p.add_argument("--dry-run", action="store_true", help="只显示差异 / show the difference only")
    p.set_defaults(func=run_apply)


def run_apply(args: argparse.Namespace) -> int:
    from .common import guarded

    return guarded(_apply)(args)


def _apply(args: argparse.Namespace) -> int:
    from pathlib import Path

    from server.halls import live_config
    from server.settings import Settings
    from server.storage.db import make_engine, upgrade

    from .common import now

    settings = Settings.resolve(args)
    current, new = Path(settings.config_path), Path(args.file)
    _old, _new, changes = live_config.plan(current, new)
    if not changes:
        print(f"没有变化 / no change: {new} = {current}")
        return 0
    print(f"{current} ← {new}: {len(changes)} 处变化 / change(s)")
    for change in changes:
        print("  " + live_config.describe(change))
    if args.dry_run:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("未应用：请加 --yes（not applied: add --yes）", file=sys.stderr)
            return 1
        if input("应用这些变化？/ apply these changes? [y/N] ").strip().lower() not in ("y", "yes", "是"):
            print("未应用 / not applied")
            return 1
    engine = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        upgrade(engine)
        live_config.apply(engine, current, new, actor="cli", role="admin", now=now())
    finally:
        engine.dispose()
    print("已应用；运行中的服务器一秒内生效 / applied: running servers take it within a second")
    return 0

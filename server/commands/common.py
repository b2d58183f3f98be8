"""What every server-side subcommand shares: settings from flags/env, the config, the database."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from sqlalchemy import Engine

import config
from config import ConfigError, Deployment
from server.halls.errors import Problem
from server.settings import Settings, add_common_arguments
from server.storage.db import make_engine, upgrade

EXIT_USAGE = 2


def parser(sub: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    add_common_arguments(p)
    return p


def fail(zh: str, en: str, code: int = 1) -> int:
    print(f"错误：{zh}（error: {en}）", file=sys.stderr)
    return code


def guarded(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Config problems and refused requests print their bilingual text and exit non-zero, no traceback."""

    @wraps(fn)
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except ConfigError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        except Problem as exc:
            return fail(exc.zh, exc.en, EXIT_USAGE if exc.status in (400, 404, 409, 422) else 1)

    return run


def open_db(args: argparse.Namespace) -> tuple[Settings, Deployment, Engine]:
    settings = Settings.resolve(args)
    deployment = config.load(settings.config_path)
    engine = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    return settings, deployment, engine


def check_hall(deployment: Deployment, hall: str | None) -> str | None:
    if hall is not None and hall not in {h.id for h in deployment.halls}:
        known = ", ".join(h.id for h in deployment.halls)
        raise Problem(
            "unknown_hall",
            f"配置中没有大厅 {hall!r}（现有：{known}）",
            f"no hall {hall!r} in the config (known: {known})",
            404,
        )
    return hall


def now() -> float:
    return time.time()


def windows_arg(value: str) -> list[int]:
    try:
        return sorted({int(v) for v in value.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"窗口号列表如 1,2,5（window list like 1,2,5）: {value!r}"
        ) from None


def print_json(value: Any) -> None:
    import json

    print(json.dumps(value, ensure_ascii=False, indent=2))

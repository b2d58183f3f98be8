"""hallq init [--dir DIR]: a working directory with var/hallq.db (at head), var/hall.toml, var/secret.key."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import config
from server.halls.reference import sync_config
from server.settings import DEFAULT_DB, LOCAL_CONFIG, Settings, write_secret
from server.storage.db import make_engine, upgrade

from .common import guarded, now, parser


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(
        sub,
        "init",
        "初始化：数据库、配置副本、密钥 / create the database, a config copy and a secret key",
    )
    p.add_argument("--dir", default=".", help="工作目录 / working directory (default: .)")
    p.set_defaults(func=run)


@guarded
def run(args: argparse.Namespace) -> int:
    base = Path(args.dir)
    source = Path(args.config).resolve() if args.config else config.default_config_path()
    config.load(source)  # refuse a broken config before creating anything
    (base / "var").mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    os.chdir(base)  # the defaults (var/…) are relative to the working directory
    try:
        if not LOCAL_CONFIG.exists():
            shutil.copyfile(source, LOCAL_CONFIG)
            print(f"配置 / config: {base / LOCAL_CONFIG} (copy of {source})")
        settings = Settings.resolve(argparse.Namespace(db=args.db, config=str(LOCAL_CONFIG)))
        deployment = config.load(settings.config_path)
        if not settings.secret_file.exists():
            write_secret(settings.secret_file)
            print(f"密钥 / secret key: {base / settings.secret_file}")
        engine = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
        upgrade(engine)
        sync_config(engine, deployment, now=now(), by="cli:init", source=str(settings.config_path))
        engine.dispose()
        shown = (
            settings.db_url
            if settings.db_url != DEFAULT_DB
            else f"sqlite:///{base / 'var/hallq.db'}"
        )
        print(f"数据库 / database: {shown} (schema at head)")
        print("下一步 / next: hallq clerk add …, hallq device add …, hallq server")
    finally:
        os.chdir(cwd)
    return 0

"""hallq restore FILE [--db URL] [--force]: put a ``hallq backup`` copy back, into a fresh database.

The target must be empty (a new SQLite path, or a PostgreSQL database without tables) unless ``--force``,
so a restore never lands on the running hall by mistake. The copy is checked first (SQLite integrity and
audit chain; ``pg_restore --list``), restored (SQLite backup API into the target file; ``pg_restore``),
upgraded to the current schema (a copy from an older release) and its audit chain verified again.
Then start ``hallq server`` on it (docs/deploy.md "Restore").
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select

from server.audit import verify
from server.halls.errors import Problem
from server.settings import Settings
from server.storage import schema as t
from server.storage.db import is_sqlite, make_engine, read_transaction, sqlite_path, upgrade

from .backup import check_sqlite_file, libpq_url
from .common import guarded, parser, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "restore", "从备份恢复到新数据库 / restore a backup into a fresh database")
    p.add_argument("file", help="hallq backup 生成的文件 / a file made by hallq backup (.sqlite3 / .pgdump)")
    p.add_argument(
        "--force",
        action="store_true",
        help="目标非空也覆盖 / overwrite a target that already holds data (stop the server first)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def _refuse_nonempty(zh_where: str, en_where: str) -> Problem:
    return Problem(
        "restore_target_not_empty",
        f"{zh_where}已有数据；先停止服务器并加 --force，或恢复到新库",
        f"{en_where} already holds data: stop the server and add --force, or restore into a new database",
        409,
    )


def restore_sqlite(file: Path, url: str, force: bool) -> None:
    if file.suffix != ".sqlite3":
        raise Problem("restore_kind", f"{file} 不是 SQLite 备份", f"{file} is not a SQLite backup", 422)
    check_sqlite_file(file)
    target = sqlite_path(url)
    if target is None:
        raise Problem("restore_target", "需要 SQLite 文件路径", "a SQLite file path is needed", 422)
    if target.exists() and target.stat().st_size > 0 and not force:
        raise _refuse_nonempty(f"数据库文件 {target} ", f"the database file {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        if force:
            stale.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target), timeout=15)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def restore_postgres(file: Path, url: str, force: bool) -> None:
    if file.suffix != ".pgdump":
        raise Problem("restore_kind", f"{file} 不是 PostgreSQL 备份", f"{file} is not a PostgreSQL backup", 422)
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise Problem(
            "no_pg_restore",
            "未安装 pg_restore（apt-get install postgresql-client）",
            "pg_restore is missing (apt-get install postgresql-client)",
            500,
        )
    engine = make_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables and not force:
        raise _refuse_nonempty("目标数据库", "the target database")
    cmd = [pg_restore, "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", libpq_url(url)]
    if tables:
        cmd[1:1] = ["--clean", "--if-exists"]
    done = subprocess.run([*cmd, str(file)], capture_output=True, text=True)
    if done.returncode != 0:
        raise Problem(
            "restore_failed",
            f"pg_restore 失败：{done.stderr.strip()}",
            f"pg_restore failed: {done.stderr.strip()}",
            500,
        )


@guarded
def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(args)
    file = Path(args.file)
    if not file.is_file():
        raise Problem("no_backup", f"没有备份文件 {file}", f"no backup file {file}", 404)
    if is_sqlite(settings.db_url):
        restore_sqlite(file, settings.db_url, args.force)
    else:
        restore_postgres(file, settings.db_url, args.force)
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)  # a copy from an older release is brought to this release's schema
        with read_transaction(engine) as conn:
            chain = verify(conn)
            tickets = conn.execute(select(func.count()).select_from(t.tickets)).scalar_one()
    finally:
        engine.dispose()
    if args.json:
        print_json({"ok": chain.ok, "tickets": tickets, "audit_records": chain.checked, "db": settings.db_url})
    else:
        print(
            f"已恢复 / restored {file} → {settings.db_url}: {tickets} 张票 tickets, "
            f"审计链{'完整' if chain.ok else '断裂'} audit chain {'intact' if chain.ok else 'BROKEN'} "
            f"({chain.checked} records)"
        )
    return 0 if chain.ok else 1

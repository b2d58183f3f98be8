"""hallq backup [--to DIR] [--keep N]: a consistent copy of the hall database while the hall runs.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies pages under a read snapshot, so
  writers go on meanwhile; the copy is then checked with ``PRAGMA integrity_check`` and its audit chain
  verified before it is renamed into place (a half-written or corrupt copy never carries the final name).
* PostgreSQL: ``pg_dump --format=custom`` (one repeatable-read snapshot); checked with ``pg_restore --list``.

Destination and retention come from the config's ``[backup]`` (flags override). Names carry the hall's
local time: ``hallq-20260302-121000.sqlite3`` / ``.pgdump``. ``hallq restore`` puts one back.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

import config
from server.audit import verify
from server.halls.errors import Problem
from server.settings import Settings
from server.storage.db import is_sqlite, read_transaction, sqlite_path

from .common import guarded, parser, print_json

PATTERNS = ("hallq-*.sqlite3", "hallq-*.pgdump")
PAGES_PER_STEP = 1024  # SQLite backup step: the writers' lock is released between steps


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size: int
    audit_records: int
    removed: list[Path]


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "backup", "备份数据库（大厅运行时亦可）/ back up the database (safe while the hall runs)")
    p.add_argument("--to", metavar="DIR", help="备份目录 / destination (default: config [backup] destination)")
    p.add_argument("--keep", type=int, help="保留份数 / copies kept (default: config [backup] keep)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql://…`` for pg_dump / pg_restore / psql."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def check_sqlite_file(path: Path) -> int:
    """``PRAGMA integrity_check`` and the audit chain of a SQLite file; the number of audit records."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # not a database at all, or cut short
        result = [str(exc)]
    finally:
        conn.close()
    if result != ["ok"]:
        raise Problem(
            "backup_corrupt", f"备份文件 {path} 损坏：{result[:3]}", f"the backup {path} is corrupt: {result[:3]}", 500
        )
    engine = create_engine(f"sqlite:///{path}")
    try:
        with read_transaction(engine) as conn2:
            chain = verify(conn2)
    finally:
        engine.dispose()
    if not chain.ok:
        raise Problem(
            "backup_audit_broken",
            f"备份的审计链断裂于第 {chain.broken_seq} 条：{chain.reason_zh}",
            f"the backup's audit chain is broken at record {chain.broken_seq}: {chain.reason_en}",
            500,
        )
    return chain.checked


def _stamp(tz: ZoneInfo) -> str:
    return datetime.now(tz).strftime("%Y%m%d-%H%M%S")


def _free_name(directory: Path, stem: str, suffix: str) -> Path:
    """A new name that sorts after every copy already made in the same second (one pruned away included:
    the counter goes past the highest one still there, never back to a freed name below it)."""
    same = [_age_key(p)[1] for p in directory.glob(f"{stem}*") if _age_key(p)[0] == stem]
    if not same:
        return directory / f"{stem}{suffix}"
    return directory / f"{stem}-{max(same) + 1}{suffix}"


def backup_sqlite(url: str, directory: Path, tz: ZoneInfo) -> tuple[Path, int]:
    source = sqlite_path(url)
    if source is None or not source.exists():
        raise Problem("no_database", f"没有数据库文件 {source}", f"no database file {source}", 404)
    final = _free_name(directory, f"hallq-{_stamp(tz)}", ".sqlite3")
    partial = final.with_suffix(".sqlite3.partial")
    src = sqlite3.connect(str(source), timeout=15)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
    finally:
        dst.close()
        src.close()
    try:
        records = check_sqlite_file(partial)
    except Problem:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, final)
    return final, records


def backup_postgres(url: str, directory: Path, tz: ZoneInfo) -> tuple[Path, int]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise Problem(
            "no_pg_dump",
            "未安装 pg_dump（apt-get install postgresql-client）",
            "pg_dump is missing (apt-get install postgresql-client)",
            500,
        )
    final = _free_name(directory, f"hallq-{_stamp(tz)}", ".pgdump")
    partial = final.with_suffix(".pgdump.partial")
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(partial), libpq_url(url)],
        capture_output=True,
        text=True,
    )
    listed = (
        subprocess.run(["pg_restore", "--list", str(partial)], capture_output=True, text=True)
        if done.returncode == 0
        else done
    )
    if done.returncode != 0 or listed.returncode != 0:
        partial.unlink(missing_ok=True)
        err = (done.stderr or listed.stderr).strip()
        raise Problem("backup_failed", f"pg_dump 失败：{err}", f"pg_dump failed: {err}", 500)
    records = sum(1 for line in listed.stdout.splitlines() if "TABLE DATA" in line)
    os.replace(partial, final)
    return final, records


def _age_key(path: Path) -> tuple[str, int]:
    """``hallq-20260302-121000-2.sqlite3`` → ("hallq-20260302-121000", 2): the time in the name, then the
    counter of a second copy made in the same second (by plain name "-2" would sort before ".sqlite3")."""
    stem = path.name.split(".", 1)[0]
    base, _, n = stem.rpartition("-")
    return (base, int(n)) if base.count("-") == 2 and n.isdigit() else (stem, 1)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups (by the time in their names, then their counter)."""
    copies = sorted({p for pattern in PATTERNS for p in directory.glob(pattern)}, key=_age_key)
    old = copies[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def make_backup(url: str, directory: Path, keep: int, tz: ZoneInfo) -> BackupResult:
    directory.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url):
        path, records = backup_sqlite(url, directory, tz)
    else:
        path, records = backup_postgres(url, directory, tz)
    removed = prune(directory, keep)
    return BackupResult(path, path.stat().st_size, records, removed)


@guarded
def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(args)
    deployment = config.load(settings.config_path)  # no upgrade here: a backup changes nothing
    directory = Path(args.to or deployment.backup.destination)
    keep = args.keep if args.keep is not None else deployment.backup.keep
    result = make_backup(settings.db_url, directory, keep, deployment.tz)
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "size": result.size,
                "checked": result.audit_records,
                "removed": [str(p) for p in result.removed],
            }
        )
    else:
        what = "审计记录 audit records" if result.path.suffix == ".sqlite3" else "数据表 tables"
        print(
            f"备份完成 / backup written: {result.path} ({result.size / 1e6:.1f} MB; "
            f"校验通过 checked: {result.audit_records} {what})"
        )
        for path in result.removed:
            print(f"已删除旧备份 / removed old backup: {path}")
    return 0

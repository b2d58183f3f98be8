"""Server settings: command-line flags > environment (``HALLQ_*``) > defaults.

Defaults are relative to the current directory, the layout ``hallq init`` creates::

    var/hallq.db      the SQLite database           (--db,          HALLQ_DB)
    var/hall.toml     the hall configuration        (--config,      HALLQ_CONFIG; else the shipped one)
    var/secret.key    keyed hashes of personal data (--secret-file, HALLQ_SECRET_FILE)
"""

from __future__ import annotations

import argparse
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "sqlite:///var/hallq.db"
LOCAL_CONFIG = Path("var/hall.toml")
DEFAULT_SECRET = Path("var/secret.key")


def default_config() -> Path:
    """``var/hall.toml`` if ``hallq init`` made one here, else the configuration shipped with hallq."""
    if LOCAL_CONFIG.exists():
        return LOCAL_CONFIG
    from config import default_config_path

    return Path(default_config_path())


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    config_path: Path
    secret_file: Path
    sqlite_synchronous: str = "FULL"  # durable against a power cut: see server/storage/db.py
    lockout_failures: int = 5
    lockout_minutes: float = 15
    token_hours: float = 12
    tick_interval_s: float = 30  # tide controller
    poll_interval_s: float = 0.15  # SQLite: how often other processes' events are looked for
    replay_limit: int = 10_000  # a WebSocket client further behind than this must resync
    supervision_interval_s: float = 30  # 电子监察 sweep (server/supervision); 0 = off
    device_silent_after_s: float = 180  # a device without a heartbeat this long is silent (a warning)
    config_poll_interval_s: float = 1.0  # how often a process looks for a `hallq config apply` change

    @classmethod
    def resolve(
        cls, args: argparse.Namespace | None = None, env: dict[str, str] | None = None
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        flag = (lambda name: getattr(args, name, None)) if args is not None else (lambda name: None)

        def pick(name: str, var: str, default: str | None) -> str | None:
            value = flag(name)
            return str(value) if value not in (None, "") else env.get(var) or default

        config = pick("config", "HALLQ_CONFIG", None)
        return cls(
            db_url=pick("db", "HALLQ_DB", DEFAULT_DB) or DEFAULT_DB,
            config_path=Path(config) if config else default_config(),
            secret_file=Path(
                pick("secret_file", "HALLQ_SECRET_FILE", str(DEFAULT_SECRET)) or DEFAULT_SECRET
            ),
            sqlite_synchronous=(
                pick("sqlite_synchronous", "HALLQ_SQLITE_SYNCHRONOUS", "FULL") or "FULL"
            ).upper(),
            lockout_failures=int(pick("lockout_failures", "HALLQ_LOCKOUT_FAILURES", "5") or 5),
            lockout_minutes=float(pick("lockout_minutes", "HALLQ_LOCKOUT_MINUTES", "15") or 15),
            tick_interval_s=float(pick("tick_interval", "HALLQ_TICK_INTERVAL", "30") or 30),
            supervision_interval_s=float(
                pick("supervision_interval", "HALLQ_SUPERVISION_INTERVAL", "30") or 0
            ),
            device_silent_after_s=float(
                pick("device_silent_after", "HALLQ_DEVICE_SILENT_AFTER", "180") or 180
            ),
        )

    def secret(self, *, create: bool = True) -> bytes:
        """The deployment's secret key (keyed hashes of phone/ID numbers, issue 8); made on first use."""
        if not self.secret_file.exists():
            if not create:
                raise FileNotFoundError(self.secret_file)
            write_secret(self.secret_file)
        return bytes.fromhex(self.secret_file.read_text().strip())


def write_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db`` and ``--config``: every server-side command takes them."""
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"数据库 / database URL (HALLQ_DB; default {DEFAULT_DB}; "
        "or postgresql+psycopg://user@host/db)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="大厅配置 / hall config TOML (HALLQ_CONFIG; default var/hall.toml or the shipped one)",
    )

"""The demo's working directory: ``var/`` made by the same code as ``hallq init``, and the demo's own
accounts (clerks with a known PIN, device tokens), kept in ``var/live.json`` so that a second run reuses
them instead of filling the device list with strangers.

The clerks are ``D01``, ``D02`` … (one per window, PIN :data:`DEMO_PIN`) and the manager ``DM``; a person
can log in at the counter app or the dashboard with them.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

import config
from config import Deployment, HallConfig
from server.auth import add_clerk, add_device, resolve
from server.halls.errors import Problem
from server.settings import Settings
from server.storage import schema as t
from server.storage.db import make_engine, read_transaction

DEMO_PIN = "135790"
MANAGER = "DM"
KIOSKS = 2
STATE_FILE = Path("var/live.json")


def clerk_of(window: int) -> str:
    return f"D{window:02d}"


@dataclass
class Accounts:
    """Tokens and staff numbers the simulated hall (and the apps it opens) use."""

    kiosks: list[str] = field(default_factory=list)  # the simulated visitors' kiosks
    screen_kiosk: str = ""  # the kiosk app's, when a screen is present
    display: str = ""
    pads: dict[int, str] = field(default_factory=dict)  # window → its rating pad's token
    counters: dict[int, str] = field(default_factory=dict)  # window → its counter terminal's token
    clerks: dict[int, str] = field(default_factory=dict)  # window → staff number (PIN DEMO_PIN)
    manager: str = MANAGER


@dataclass
class Site:
    root: Path
    settings: Settings
    deployment: Deployment
    hall: HallConfig
    engine: Engine
    init_output: str  # what `hallq init` said (shown on the first run)


def prepare(root: Path, hall_id: str | None = None) -> Site:
    """``hallq init`` in ``root`` (idempotent), then open its database. Raises ``config.ConfigError``."""
    from server.commands import init

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = init.run(argparse.Namespace(dir=str(root), config=None, db=None))
    if code != 0:
        raise SystemExit(code)
    cwd = Path.cwd()
    os.chdir(root)  # Settings' defaults are relative to the working directory (var/…)
    try:
        settings = Settings.resolve(argparse.Namespace(db=None, config=None))
        settings = dataclasses.replace(settings, config_path=settings.config_path.resolve(),
                                       secret_file=settings.secret_file.resolve(),
                                       db_url=_absolute_sqlite(settings.db_url))
    finally:
        os.chdir(cwd)
    deployment = config.load(settings.config_path)
    hall = deployment.hall(hall_id) if hall_id else deployment.halls[0]
    engine = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
    return Site(root, settings, deployment, hall, engine, out.getvalue())


def _absolute_sqlite(url: str) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(Path(url[len(prefix):]).resolve())
    return url


def newest_event(engine: Engine, hall: str) -> float | None:
    """When the hall's newest recorded event happened (the demo clock never starts before it)."""
    with read_transaction(engine) as conn:
        return conn.execute(select(func.max(t.events.c.at)).where(t.events.c.hall == hall)).scalar()


def accounts(site: Site, windows: list[int], *, now: float, screen: bool = False) -> Accounts:
    """The demo accounts for ``windows`` (and the kiosk app's with a ``screen``), reusing those recorded in
    ``var/live.json`` that still work."""
    path = site.root / STATE_FILE
    saved: dict = {}
    if path.exists():
        with contextlib.suppress(ValueError, OSError):
            saved = json.loads(path.read_text(encoding="utf-8"))
    devices: dict[str, str] = saved.get("devices", {}) if saved.get("hall") == site.hall.id else {}
    with read_transaction(site.engine) as conn:
        devices = {name: tok for name, tok in devices.items() if resolve(conn, tok, now=now) is not None}

    def device(name: str, kind: str, window: int | None = None) -> str:
        if name not in devices:
            devices[name] = add_device(site.engine, kind=kind, name=name, hall=site.hall.id, window=window,
                                       now=now, by="hallq run").token
        return devices[name]

    acc = Accounts()
    acc.kiosks = [device(f"演示取号机 demo kiosk {i}", "kiosk") for i in range(1, KIOSKS + 1)]
    if screen:
        acc.screen_kiosk = device("演示取号机（屏幕）demo kiosk app", "kiosk")
    acc.display = device("演示大厅屏 demo display", "display")
    for n in windows:
        acc.pads[n] = device(f"演示评价器 demo pad {n}", "pad", n)
        acc.counters[n] = device(f"演示窗口终端 demo counter {n}", "counter", n)
        acc.clerks[n] = clerk_of(n)
        _clerk(site, clerk_of(n), f"演示员{n:02d}", "clerk", [n], now)
    _clerk(site, MANAGER, "演示经理", "manager", [w.number for w in site.hall.windows], now)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # tokens: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"hall": site.hall.id, "devices": devices}, f, ensure_ascii=False, indent=1)
    return acc


def _clerk(site: Site, staff_no: str, name: str, role: str, windows: list[int], now: float) -> None:
    with read_transaction(site.engine) as conn:
        if conn.execute(select(t.clerks.c.id).where(t.clerks.c.staff_no == staff_no)).first():
            return  # made by an earlier run (same name, same PIN); hashing a PIN again costs ~0.1 s
    try:
        add_clerk(site.engine, staff_no=staff_no, name=name, pin=DEMO_PIN, role=role, windows=windows,
                  hall=site.hall.id, now=now, by="hallq run")
    except Problem as exc:
        if exc.code != "duplicate_staff_no":  # another process made it meanwhile
            raise

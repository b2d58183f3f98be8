"""Live configuration (issue 15 §5): a changed hall configuration takes effect without a restart.

``hallq config apply FILE`` (server/commands/config_apply.py) validates FILE with the loader's own
file/key/reason errors, shows the difference to the configuration in use, refuses what needs a restart
(halls added or removed, another time zone), then replaces the server's configuration file, mirrors it
into the database (``halls.config_hash``, ``config.load`` audit) and audits ``config.apply`` with every
changed key's before and after.

Every server process runs :func:`watch`: when the database's ``config_hash`` differs from the one it
runs with, it reloads its configuration file, hands it to ``HallService.reload`` (services, windows and
their profiles, green-channel and tide flags, daily caps, hours, notices: the next command uses them) and
puts one ``hall.config`` event on each hall's stream — once per change whichever process is first, since
the check runs under the hall lock. Terminals act on it: the lobby display takes the notices from it, the
kiosk reloads its services.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

import config
from config import Deployment
from server.audit import AuditRecord, append
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction, write_transaction
from vocab import EventKind

from .reference import config_hash, sync_config

log = logging.getLogger("hallq.config")
MAX_AUDITED_CHANGES = 200  # a wholesale rewrite is audited by its first changes and its count


@dataclass(frozen=True, slots=True)
class KeyChange:
    path: str  # "halls.county.windows.3.profile", "halls.county.notices"
    before: Any
    after: Any


# list items are keyed by their identity, so that reordering is no change and "window 3" reads as such
_KEYS = ("id", "code", "number")


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{path}.{k}" if path else k, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        key = next((k for k in _KEYS if all(k in v for v in value)), None)
        if key is None:
            out[path] = value
            return
        for v in value:
            _flatten(v, f"{path}.{v[key]}", out)
    else:
        out[path] = value


def flatten(deployment: Deployment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _flatten(deployment.model_dump(mode="json"), "", out)
    # a window's profile is one setting: compare it whole, not tier by tier
    return _merge_profiles(out, deployment)


def _merge_profiles(out: dict[str, Any], deployment: Deployment) -> dict[str, Any]:
    merged = {k: v for k, v in out.items() if ".profile" not in k}
    for hall in deployment.halls:
        for w in hall.windows:
            merged[f"halls.{hall.id}.windows.{w.number}.profile"] = [tier.model_dump(mode="json") for tier in w.profile]
    return merged


def diff(old: Deployment, new: Deployment) -> list[KeyChange]:
    before, after = flatten(old), flatten(new)
    return [
        KeyChange(k, before.get(k), after.get(k))
        for k in sorted(before.keys() | after.keys())
        if before.get(k) != after.get(k)
    ]


def restart_reasons(old: Deployment, new: Deployment) -> list[tuple[str, str]]:
    """What a running server cannot take over: (zh, en) for each."""
    reasons = []
    if [h.id for h in old.halls] != [h.id for h in new.halls]:
        reasons.append(("大厅的增减须重启服务器", "adding or removing halls needs a server restart"))
    if old.deployment.timezone != new.deployment.timezone:
        reasons.append(("时区的变更须重启服务器", "another time zone needs a server restart"))
    return reasons


def changed_halls(changes: list[KeyChange], deployment: Deployment) -> list[str]:
    every = [h.id for h in deployment.halls]
    if any(not c.path.startswith("halls.") for c in changes):  # calendar, deployment: every hall
        return every
    return [h for h in every if any(c.path.startswith(f"halls.{h}.") for c in changes)]


def describe(change: KeyChange) -> str:
    def show(v: Any) -> str:
        return "（无 none）" if v is None else json.dumps(v, ensure_ascii=False)

    return f"{change.path}: {show(change.before)} → {show(change.after)}"


def plan(current_path: Path, new_path: Path) -> tuple[Deployment, Deployment, list[KeyChange]]:
    """Load both (ConfigError: file/key/reason), refuse what needs a restart, and list the changes."""
    new = config.load(new_path)
    old = config.load(current_path)
    reasons = restart_reasons(old, new)
    if reasons:
        raise Problem("config_restart_needed", "；".join(r[0] for r in reasons), "; ".join(r[1] for r in reasons), 409)
    return old, new, diff(old, new)


def apply(engine: Engine, current_path: Path, new_path: Path, *, actor: str, role: str, now: float) -> list[KeyChange]:
    """Replace the configuration file and record the change; running servers pick it up (:func:`watch`)."""
    _old, new, changes = plan(current_path, new_path)
    if not changes:
        return []
    if current_path.resolve() != new_path.resolve():
        partial = current_path.with_name(current_path.name + ".partial")
        shutil.copyfile(new_path, partial)
        os.replace(partial, current_path)  # servers never read half a file
    sync_config(engine, new, now=now, by=actor, source=str(current_path))
    with write_transaction(engine) as conn:
        append(
            conn,
            AuditRecord(
                "config.apply",
                actor,
                role,
                None,
                None,
                None,
                {
                    "source": str(new_path),
                    "hash": config_hash(new),
                    "count": len(changes),
                    "changes": [
                        {"path": c.path, "before": c.before, "after": c.after} for c in changes[:MAX_AUDITED_CHANGES]
                    ],
                },
            ),
            at=now,
        )
    return changes


@dataclass(frozen=True, slots=True)
class HallConfigEvent:
    """``hall.config``: what terminals need to follow a change without fetching everything again."""

    at: float
    digest: str
    changed: list[str]
    notices: list[str]
    kind: str = EventKind.HALL_CONFIG.value

    def to_dict(self) -> dict[str, Any]:
        return {"hash": self.digest, "changed": self.changed, "notices": self.notices}


def _announced(conn: Any, hall: str) -> str | None:
    row = conn.execute(
        select(t.events.c.payload)
        .where(t.events.c.hall == hall, t.events.c.kind == EventKind.HALL_CONFIG.value)
        .order_by(t.events.c.seq.desc())
        .limit(1)
    ).first()
    return json.loads(row.payload).get("hash") if row else None


def announce(service: Any, old: Deployment, new: Deployment, who: Any) -> None:
    digest = config_hash(new)
    changes = diff(old, new)
    for hall_id in changed_halls(changes, new):
        paths = [c.path for c in changes if c.path.startswith(f"halls.{hall_id}.") or not c.path.startswith("halls.")]
        notices = list(new.hall(hall_id).notices)

        def step(
            conn: Any,
            _hall: Any,
            now: float,
            hall_id: str = hall_id,
            paths: list[str] = paths,
            notices: list[str] = notices,
        ) -> list[HallConfigEvent]:
            if _announced(conn, hall_id) == digest:
                return []  # another process announced this change already
            return [HallConfigEvent(now, digest, paths[:50], notices)]

        service.append_events(hall_id, step, who=who)


def stored_hash(engine: Engine) -> str | None:
    with read_transaction(engine) as conn:
        return conn.execute(select(t.halls.c.config_hash).limit(1)).scalar()


def check(ctx: Any, state: dict[str, Any]) -> bool:
    """One look: True if this process took a new configuration."""
    from server.auth import Principal

    wanted = stored_hash(ctx.engine)
    held = state.get("running")
    if held is None or held[0] is not ctx.deployment:  # hashed once per configuration taken, not per look:
        held = state["running"] = (ctx.deployment, config_hash(ctx.deployment))  # 0.9 ms a 100-window hall
    running = held[1]
    if wanted is None or wanted == running or state.get("ignored") == wanted:
        return False
    new = config.load(ctx.settings.config_path)
    if config_hash(new) != wanted:
        log.warning("the database holds another configuration than %s: not reloaded", ctx.settings.config_path)
        state["ignored"] = wanted
        return False
    reasons = restart_reasons(ctx.deployment, new)
    if reasons:
        log.error("configuration changed but needs a restart: %s", "; ".join(r[1] for r in reasons))
        state["ignored"] = wanted
        return False
    old = ctx.deployment
    ctx.service.reload(new)
    ctx.deployment = new
    log.info("configuration reloaded", extra={"fields": {"hash": wanted, "changes": len(diff(old, new))}})
    announce(ctx.service, old, new, Principal(actor="system", role="system", hall=None))
    return True


async def watch(ctx: Any, interval: float) -> None:
    """Every ``interval`` s: has the configuration been changed (``hallq config apply``)? Take it."""
    state: dict[str, Any] = {}
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(check, ctx, state)
        except Exception:
            log.exception("configuration check failed")

"""Live configuration from the dashboard (issue 15 §5), managers only (``config.write``).

``GET /halls/{hall}/config`` → the everyday keys (notices, windows, services' daily caps, hours, tide);
``PATCH /halls/{hall}/config`` with any of them → ``{"changes": [{"path", "before", "after"}]}``. The edit is
made on the configuration file's text (server/halls/config_edit.py), validated by the loader (422
``config_invalid`` naming file, key and reason), audited and taken by every server process like
``hallq config apply`` (server/halls/live_config.py); this process takes it before answering.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from fastapi import APIRouter

from config import ConfigError
from server.auth import Action, authorize
from server.halls import live_config
from server.halls.config_edit import HallEdit, apply_edit, editable
from server.halls.errors import Problem

from ..deps import Ctx, Who
from ..schemas import ERRORS

router = APIRouter(tags=["config"])
_lock = asyncio.Lock()  # one edit at a time in this process: each starts from the file the last one wrote


@router.get("/halls/{hall}/config", responses=ERRORS)
def get_config(hall: str, ctx: Ctx, who: Who) -> dict:
    cfg = ctx.service.config(hall)
    authorize(who, Action.CONFIG_WRITE, hall)
    return editable(cfg)


@router.patch("/halls/{hall}/config", responses=ERRORS)
async def patch_config(hall: str, body: HallEdit, ctx: Ctx, who: Who) -> dict:
    ctx.service.config(hall)
    authorize(who, Action.CONFIG_WRITE, hall)
    async with _lock:
        return await asyncio.to_thread(_edit, ctx, who, hall, body)


def _edit(ctx: Ctx, who, hall: str, body: HallEdit) -> dict:
    current = Path(ctx.settings.config_path)
    proposed = current.with_name(current.name + ".proposed")
    proposed.write_text(apply_edit(current.read_text(encoding="utf-8"), hall, body), encoding="utf-8")
    try:
        changes = live_config.apply(
            ctx.engine, current, proposed, actor=who.actor, role=who.role, now=ctx.service.clock()
        )
    except ConfigError as exc:
        lines = [f"{p.path}: {p.zh}" for p in exc.problems]
        raise Problem(
            "config_invalid",
            "配置无效：" + "；".join(lines),
            "invalid configuration: " + "; ".join(f"{p.path}: {p.en}" for p in exc.problems),
            422,
        ) from None
    finally:
        if proposed.exists():
            os.unlink(proposed)
    live_config.check(ctx, {})  # this process at once (the others within a second)
    return {"changes": [{"path": c.path, "before": c.before, "after": c.after} for c in changes]}

"""Mirror the hall configuration into the database (reference data for reports and history)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Engine, select, update

from config import Deployment
from server.audit import AuditRecord, append
from server.storage import schema as t
from server.storage.db import write_transaction

from .repo import upsert


def config_hash(deployment: Deployment) -> str:
    dumped = json.dumps(deployment.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(dumped.encode("utf-8")).hexdigest()


def sync_config(
    engine: Engine, deployment: Deployment, *, now: float, by: str = "server", source: str = ""
) -> bool:
    """Create missing hall rows and mirror services/windows; audit the load. True if anything changed.

    Codes and windows that left the config stay, marked inactive: history refers to them.
    """
    digest = config_hash(deployment)
    with write_transaction(engine) as conn:
        known = {r.id: r.config_hash for r in conn.execute(select(t.halls.c.id, t.halls.c.config_hash))}
        changed = any(known.get(h.id) != digest for h in deployment.halls)
        for hall in deployment.halls:
            if hall.id not in known:
                conn.execute(
                    t.halls.insert().values(id=hall.id, config_hash=digest, updated_at=now)
                )
            elif known[hall.id] != digest:
                conn.execute(
                    update(t.halls).where(t.halls.c.id == hall.id).values(config_hash=digest)
                )
            if known.get(hall.id) == digest:
                continue
            conn.execute(
                update(t.services).where(t.services.c.hall == hall.id).values(active=False)
            )
            conn.execute(update(t.windows).where(t.windows.c.hall == hall.id).values(active=False))
            upsert(
                conn,
                t.services,
                [
                    {
                        "hall": hall.id,
                        "code": s.code,
                        "name_zh": s.name_zh,
                        "name_en": s.name_en,
                        "category": s.category,
                        "prefix": s.prefix,
                        "minutes": s.minutes,
                        "daily_cap": s.daily_cap,
                        "active": True,
                    }
                    for s in hall.services
                ],
                keys=["hall", "code"],
            )
            upsert(
                conn,
                t.windows,
                [
                    {
                        "hall": hall.id,
                        "number": w.number,
                        "name_zh": w.name_zh,
                        "name_en": w.name_en,
                        "kind": str(w.kind),
                        "zone": w.zone,
                        "green_channel": w.green_channel,
                        "tide_eligible": w.tide_eligible,
                        "profile": json.dumps(
                            [tier.model_dump(mode="json") for tier in w.profile], ensure_ascii=False
                        ),
                        "active": True,
                    }
                    for w in hall.windows
                ],
                keys=["hall", "number"],
            )
        append(
            conn,
            AuditRecord(
                "config.load",
                by,
                "system",
                None,
                None,
                None,
                {
                    "hash": digest,
                    "changed": changed,
                    "source": source,
                    "halls": [h.id for h in deployment.halls],
                },
            ),
            at=now,
        )
    return changed

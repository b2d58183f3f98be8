"""Appending to and verifying the hash chain in ``audit_log``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from server.storage import schema as t
from server.storage.db import execute_many

GENESIS = "0" * 64
# built once: every hall mutation appends, and building statements costs more than running them
_HEAD_LOCKED = select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1).with_for_update()
_INSERT = t.audit_log.insert()
_MOVE_HEAD = (update(t.audit_head).where(t.audit_head.c.id == 1)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One action: who (actor id + role), when, where (hall, window, device), what."""

    action: str
    actor: str
    role: str
    hall: str | None = None
    window: int | None = None
    device: str | None = None
    detail: Mapping[str, Any] | None = None


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _digest(seq: int, at: float, rec_fields: tuple[Any, ...], detail: str, prev_hash: str) -> str:
    body = canonical_json([seq, at, *rec_fields, detail, prev_hash])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(conn: Connection, records: list[AuditRecord] | AuditRecord, *, at: float) -> None:
    """Append records in order. Takes the global audit lock (``audit_head`` row) for the transaction."""
    items = [records] if isinstance(records, AuditRecord) else records
    if not items:
        return
    head = conn.execute(_HEAD_LOCKED).one()
    seq, prev = head.seq, head.hash
    rows = []
    for rec in items:
        seq += 1
        detail = canonical_json(dict(rec.detail or {}))
        fields = (rec.actor, rec.role, rec.hall, rec.window, rec.device, rec.action)
        digest = _digest(seq, at, fields, detail, prev)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": rec.actor,
                "role": rec.role,
                "hall": rec.hall,
                "window": rec.window,
                "device": rec.device,
                "action": rec.action,
                "detail": detail,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    execute_many(conn, _INSERT, rows)
    conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def verify(conn: Connection, *, batch: int = 5000) -> VerifyResult:
    """Recompute the whole chain; report the first broken link."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = conn.execute(
            select(t.audit_log)
            .where(t.audit_log.c.seq > last_seq)
            .order_by(t.audit_log.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return VerifyResult(
                    False,
                    checked,
                    expected_seq,
                    f"第 {expected_seq} 条记录缺失（下一条是第 {row.seq} 条）",
                    f"record {expected_seq} is missing (next is {row.seq})",
                )
            if row.prev_hash != prev:
                return VerifyResult(
                    False,
                    checked,
                    row.seq,
                    f"第 {row.seq} 条记录的 prev_hash 与上一条的哈希不符",
                    f"record {row.seq}: prev_hash does not match the previous record's hash",
                )
            fields = (row.actor, row.role, row.hall, row.window, row.device, row.action)
            if _digest(row.seq, row.at, fields, row.detail, row.prev_hash) != row.hash:
                return VerifyResult(
                    False,
                    checked,
                    row.seq,
                    f"第 {row.seq} 条记录的内容与其哈希不符（记录被改动）",
                    f"record {row.seq}: contents do not match its hash (record altered)",
                )
            prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
            last_seq = row.seq
    head = conn.execute(
        select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1)
    ).one()
    if head.seq != last_seq or head.hash != prev:
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            f"审计链末端被截断：应有 {head.seq} 条记录，只找到 {last_seq} 条",
            f"the end of the chain was cut off: {head.seq} records expected, {last_seq} found",
        )
    return VerifyResult(True, checked)

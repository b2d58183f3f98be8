"""Administration without SQL (issue 15 §4): devices and staff accounts listed and changed, every change
audited with its before and after.

* devices: list (with disabled ones), rename (names unique per hall), disable/enable, remove;
* clerks: list, disable/enable, reset PIN, change windows and role.

A disabled or removed device and a disabled clerk stop at once: their tokens stop resolving
(:func:`server.auth.store.resolve` reads ``active`` on every request; a removed device's row is gone; a
disabled clerk's sessions are revoked), and :func:`revoked_actors` names them so that the caller can put an
``access.revoked`` event on the hall's stream, on which every server process closes their open event
streams (server/api/routes/events.py). A removed device no longer appears anywhere, so it is never "silent".

Token rotation and unlocking a locked account belong to the login code (server/auth/store.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from server.audit import AuditRecord, append
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction, write_transaction
from vocab import EventKind

from .pins import weak_reason
from .principal import STAFF_ROLES, Principal
from .secrets import hash_pin
from .throttle import ThrottlePolicy, waiting_accounts


@dataclass(frozen=True, slots=True)
class Change:
    """What an admin action did: the audit action, the row before and after, whose access ended."""

    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    revoked: str | None = None  # actor whose tokens and streams must end ("device:7", "clerk:1001")
    halls: tuple[str, ...] = ()  # where to announce the revocation


@dataclass(frozen=True, slots=True)
class AccessRevoked:
    """The ``access.revoked`` event: every process closes this actor's event streams on seeing it."""

    actor: str
    at: float
    kind: str = EventKind.ACCESS_REVOKED.value

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor}


def _missing(what_zh: str, what_en: str) -> Problem:
    return Problem("not_found", f"没有{what_zh}", f"no {what_en}", 404)


def _device_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "hall": row.hall,
        "window": row.window,
        "active": bool(row.active),
        "created_at": row.created_at,
        "last_seen": row.last_seen,
    }


def _clerk_dict(row: Any) -> dict[str, Any]:
    return {
        "staff_no": row.staff_no,
        "name": row.name,
        "role": row.role,
        "hall": row.hall,
        "windows": json.loads(row.windows),
        "active": bool(row.active),
        "locked_until": row.locked_until,
        "created_at": row.created_at,
    }


def _audit(conn: Connection, who: Principal, change: Change, hall: str | None, now: float, subject: str) -> None:
    append(
        conn,
        AuditRecord(
            change.action,
            who.actor,
            who.role,
            hall,
            None,
            who.device,
            {"subject": subject, "before": change.before, "after": change.after},
        ),
        at=now,
    )


def _in_scope(who: Principal, hall: str | None) -> None:
    """A manager of one hall administers that hall only (staff of every hall: hall None → CLI or HQ)."""
    if who.hall is not None and hall != who.hall:
        raise Problem(
            "forbidden",
            f"无权管理大厅 {hall or '全部'} 的账号或设备",
            f"not authorised to administer hall {hall or 'all halls'}",
            403,
        )


# ── devices ──────────────────────────────────────────────────────────────────────────────────────────


def list_devices(engine: Engine, hall: str | None = None) -> list[dict[str, Any]]:
    """Every device (disabled ones too, marked), oldest first."""
    q = select(t.devices).order_by(t.devices.c.hall, t.devices.c.id)
    if hall is not None:
        q = q.where(t.devices.c.hall == hall)
    with read_transaction(engine) as conn:
        return [_device_dict(r) for r in conn.execute(q)]


def name_taken(conn: Connection, hall: str, name: str, *, except_id: int | None = None) -> bool:
    q = select(t.devices.c.id).where(t.devices.c.hall == hall, t.devices.c.name == name.strip())
    if except_id is not None:
        q = q.where(t.devices.c.id != except_id)
    return conn.execute(q).first() is not None


def duplicate_name(hall: str, name: str) -> Problem:
    return Problem(
        "duplicate_device_name",
        f"大厅 {hall} 已有名为 {name} 的设备",
        f"hall {hall} already has a device named {name}",
        409,
    )


def check_new_device_name(engine: Engine, hall: str, name: str) -> None:
    """Refuse a second device of the same name in a hall (a second "kiosk-1" stayed silent for ever)."""
    with read_transaction(engine) as conn:
        if name_taken(conn, hall, name):
            raise duplicate_name(hall, name.strip())


def _device(conn: Connection, device_id: int) -> Any:
    row = conn.execute(select(t.devices).where(t.devices.c.id == device_id)).first()
    if row is None:
        raise _missing(f" {device_id} 号设备", f"device {device_id}")
    return row


def rename_device(engine: Engine, device_id: int, name: str, *, who: Principal, now: float) -> Change:
    name = name.strip()
    if not name or len(name) > 64:
        raise Problem("bad_name", "设备名称须为 1–64 个字符", "a device name has 1-64 characters", 422)
    with write_transaction(engine) as conn:
        row = _device(conn, device_id)
        _in_scope(who, row.hall)
        if name_taken(conn, row.hall, name, except_id=device_id):
            raise duplicate_name(row.hall, name)
        conn.execute(update(t.devices).where(t.devices.c.id == device_id).values(name=name))
        change = Change("admin.device.rename", {"name": row.name}, {"name": name})
        _audit(conn, who, change, row.hall, now, f"device:{device_id}")
    return change


def set_device_active(engine: Engine, device_id: int, active: bool, *, who: Principal, now: float) -> Change:
    with write_transaction(engine) as conn:
        row = _device(conn, device_id)
        _in_scope(who, row.hall)
        conn.execute(update(t.devices).where(t.devices.c.id == device_id).values(active=active))
        change = Change(
            "admin.device.enable" if active else "admin.device.disable",
            {"active": bool(row.active)},
            {"active": active},
            None if active else f"device:{device_id}",
            (row.hall,),
        )
        _audit(conn, who, change, row.hall, now, f"device:{device_id}")
    return change


def remove_device(engine: Engine, device_id: int, *, who: Principal, now: float) -> Change:
    """Delete the device: its token is gone with it; history keeps its id in events and the audit trail."""
    with write_transaction(engine) as conn:
        row = _device(conn, device_id)
        _in_scope(who, row.hall)
        conn.execute(delete(t.devices).where(t.devices.c.id == device_id))
        change = Change("admin.device.remove", _device_dict(row), None, f"device:{device_id}", (row.hall,))
        _audit(conn, who, change, row.hall, now, f"device:{device_id}")
    return change


# ── clerks ───────────────────────────────────────────────────────────────────────────────────────────


def list_clerks(
    engine: Engine, hall: str | None = None, *, throttle_policy: ThrottlePolicy | None = None, now: float = 0.0
) -> list[dict[str, Any]]:
    """Staff accounts (no PIN hashes, no guessing addresses), by staff number; ``hall``: that hall's and
    every-hall accounts. ``locked_until``: the hard lock (until a manager unlocks); with ``throttle_policy``,
    ``throttled_until``: wrong PINs make some address wait until then (None: nobody waits) — both are what
    the manager's 解锁 unlock lifts."""
    q = select(t.clerks).order_by(t.clerks.c.staff_no)
    if hall is not None:
        q = q.where((t.clerks.c.hall == hall) | t.clerks.c.hall.is_(None))
    with read_transaction(engine) as conn:
        waiting = waiting_accounts(conn, throttle_policy, now) if throttle_policy is not None else {}
        return [{**_clerk_dict(r), "throttled_until": waiting.get(r.staff_no)} for r in conn.execute(q)]


def _clerk(conn: Connection, staff_no: str) -> Any:
    row = conn.execute(select(t.clerks).where(t.clerks.c.staff_no == staff_no)).first()
    if row is None:
        raise _missing(f"工号 {staff_no}", f"staff number {staff_no}")
    return row


def _revoke_sessions(conn: Connection, clerk_id: int) -> None:
    conn.execute(update(t.auth_tokens).where(t.auth_tokens.c.clerk_id == clerk_id).values(revoked=True))


def _halls_of(row: Any, all_halls: tuple[str, ...]) -> tuple[str, ...]:
    return (row.hall,) if row.hall is not None else all_halls


def _not_self(who: Principal, staff_no: str) -> None:
    if who.staff_no == staff_no:
        raise Problem(
            "self_admin", "不能停用自己或修改自己的角色", "you cannot disable yourself or change your own role", 409
        )


def set_clerk_active(
    engine: Engine, staff_no: str, active: bool, *, who: Principal, now: float, all_halls: tuple[str, ...]
) -> Change:
    if not active:
        _not_self(who, staff_no)
    with write_transaction(engine) as conn:
        row = _clerk(conn, staff_no)
        _in_scope(who, row.hall)
        conn.execute(update(t.clerks).where(t.clerks.c.id == row.id).values(active=active))
        if not active:
            _revoke_sessions(conn, row.id)
        change = Change(
            "admin.clerk.enable" if active else "admin.clerk.disable",
            {"active": bool(row.active)},
            {"active": active},
            None if active else f"clerk:{staff_no}",
            _halls_of(row, all_halls),
        )
        _audit(conn, who, change, row.hall, now, f"clerk:{staff_no}")
    return change


def reset_pin(
    engine: Engine, staff_no: str, pin: str, *, who: Principal, now: float, all_halls: tuple[str, ...]
) -> Change:
    """A new PIN: the old one and every open session end; a lock from wrong PINs is lifted with it."""
    if (weak := weak_reason(pin)) is not None:  # issue 13: 6–12 digits, not easy
        raise Problem("bad_pin", *weak, 422)
    pin_hash = hash_pin(pin)  # slow on purpose: outside the write lock
    with write_transaction(engine) as conn:
        row = _clerk(conn, staff_no)
        _in_scope(who, row.hall)
        conn.execute(
            update(t.clerks)
            .where(t.clerks.c.id == row.id)
            .values(pin_hash=pin_hash, failed_attempts=0, locked_until=None)
        )
        _revoke_sessions(conn, row.id)
        # the PIN itself is never recorded: only that it changed
        change = Change(
            "admin.clerk.reset_pin",
            {"locked_until": row.locked_until},
            {"locked_until": None},
            f"clerk:{staff_no}",
            _halls_of(row, all_halls),
        )
        _audit(conn, who, change, row.hall, now, f"clerk:{staff_no}")
    return change


def set_clerk_access(
    engine: Engine,
    staff_no: str,
    *,
    windows: list[int] | None = None,
    role: str | None = None,
    who: Principal,
    now: float,
    known_windows: set[int],
) -> Change:
    """New authorised windows and/or role; both apply to the next request (principals are read per request)."""
    if role is not None and role not in STAFF_ROLES:
        raise Problem(
            "bad_role", f"角色须为 {'、'.join(STAFF_ROLES)} 之一", f"role must be one of {', '.join(STAFF_ROLES)}", 422
        )
    if windows is not None:
        unknown = sorted(set(windows) - known_windows)
        if unknown:
            raise Problem("unknown_window", f"没有窗口 {unknown}", f"no window(s) {unknown}", 404)
    if role is not None:
        _not_self(who, staff_no)
    with write_transaction(engine) as conn:
        row = _clerk(conn, staff_no)
        _in_scope(who, row.hall)
        values: dict[str, Any] = {}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if windows is not None:
            values["windows"] = json.dumps(sorted(set(windows)))
            before["windows"], after["windows"] = json.loads(row.windows), sorted(set(windows))
        if role is not None:
            values["role"] = role
            before["role"], after["role"] = row.role, role
        if values:
            conn.execute(update(t.clerks).where(t.clerks.c.id == row.id).values(**values))
        change = Change("admin.clerk.access", before, after)
        _audit(conn, who, change, row.hall, now, f"clerk:{staff_no}")
    return change

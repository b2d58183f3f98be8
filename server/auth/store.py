"""Clerks, devices and their tokens in the database: add, log in (with lockout), resolve a token."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, select, update

from server.audit import AuditRecord, append
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import read_transaction, write_transaction

from .principal import DEVICE_KINDS, STAFF_ROLES, Principal
from .secrets import CLERK_PREFIX, DEVICE_PREFIX, hash_pin, hash_token, new_token, verify_pin

PIN_RE = re.compile(r"^\d{4,12}$")
STAFF_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5  # failed PINs in a row before the account locks
    lock_minutes: float = 15
    token_hours: float = 12  # a clerk's shift; log in again after it


@dataclass(frozen=True, slots=True)
class Login:
    token: str
    expires_at: float
    principal: Principal


def _bad(code: str, zh: str, en: str) -> Problem:
    return Problem(code, zh, en, 422)


def add_clerk(
    engine: Engine,
    *,
    staff_no: str,
    name: str,
    pin: str,
    role: str = "clerk",
    windows: list[int] | tuple[int, ...] = (),
    hall: str | None = None,
    photo: str = "",
    now: float,
    by: str = "cli",
) -> int:
    if not STAFF_NO_RE.match(staff_no):
        raise _bad(
            "bad_staff_no",
            f"工号 {staff_no!r} 只能含字母、数字、_ 和 -（最多 32 位）",
            f"staff number {staff_no!r} may only hold letters, digits, _ and - (at most 32)",
        )
    if not PIN_RE.match(pin):
        raise _bad("bad_pin", "密码须为 4–12 位数字", "the PIN must be 4-12 digits")
    if role not in STAFF_ROLES:
        raise _bad(
            "bad_role",
            f"角色须为 {'、'.join(STAFF_ROLES)} 之一",
            f"role must be one of {', '.join(STAFF_ROLES)}",
        )
    if not name.strip():
        raise _bad("bad_name", "姓名不能为空", "the name must not be empty")
    pin_hash = hash_pin(pin)  # slow on purpose: outside the write lock
    with write_transaction(engine) as conn:
        if conn.execute(select(t.clerks.c.id).where(t.clerks.c.staff_no == staff_no)).first():
            raise Problem(
                "duplicate_staff_no",
                f"工号 {staff_no} 已存在",
                f"staff number {staff_no} exists",
                409,
            )
        clerk_id = conn.execute(
            t.clerks.insert().values(
                staff_no=staff_no,
                name=name.strip(),
                role=role,
                hall=hall,
                photo=photo,
                pin_hash=pin_hash,
                windows=json.dumps(sorted(set(windows))),
                created_at=now,
            )
        ).inserted_primary_key[0]
        append(
            conn,
            AuditRecord(
                "clerk.add",
                by,
                "admin",
                hall,
                None,
                None,
                {
                    "staff_no": staff_no,
                    "name": name.strip(),
                    "role": role,
                    "windows": sorted(set(windows)),
                },
            ),
            at=now,
        )
    return int(clerk_id)


@dataclass(frozen=True, slots=True)
class NewDevice:
    id: int
    kind: str
    name: str
    hall: str
    window: int | None
    token: str  # shown once, never stored


def add_device(
    engine: Engine,
    *,
    kind: str,
    name: str,
    hall: str,
    window: int | None = None,
    now: float,
    by: str = "cli",
) -> NewDevice:
    if kind not in DEVICE_KINDS:
        raise _bad(
            "bad_kind",
            f"设备类型须为 {'、'.join(DEVICE_KINDS)} 之一",
            f"device kind must be one of {', '.join(DEVICE_KINDS)}",
        )
    if kind in ("counter", "pad") and window is None:
        raise _bad(
            "window_required",
            f"{kind} 设备须指定所在窗口（--window）",
            f"a {kind} device needs the window it sits at (--window)",
        )
    if not name.strip():
        raise _bad("bad_name", "设备名称不能为空", "the device name must not be empty")
    token, token_hash = new_token(DEVICE_PREFIX)
    with write_transaction(engine) as conn:
        device_id = conn.execute(
            t.devices.insert().values(
                kind=kind,
                name=name.strip(),
                hall=hall,
                window=window,
                token_hash=token_hash,
                created_at=now,
            )
        ).inserted_primary_key[0]
        append(
            conn,
            AuditRecord(
                "device.add",
                by,
                "admin",
                hall,
                window,
                f"device:{device_id}",
                {"kind": kind, "name": name.strip()},
            ),
            at=now,
        )
    return NewDevice(int(device_id), kind, name.strip(), hall, window, token)


def _clerk_principal(row) -> Principal:
    return Principal(
        actor=f"clerk:{row.staff_no}",
        role=row.role,
        hall=row.hall,
        windows=frozenset(json.loads(row.windows)),
        staff_no=row.staff_no,
        name=row.name,
    )


def _local(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M")


def login(
    engine: Engine,
    staff_no: str,
    pin: str,
    *,
    now: float,
    tz: ZoneInfo,
    policy: LoginPolicy = LoginPolicy(),
    where: str | None = None,
) -> Login:
    """Check a PIN; lock the account after ``max_failures`` failures; audit success and failure."""
    with read_transaction(engine) as conn:
        row = conn.execute(
            select(t.clerks).where(t.clerks.c.staff_no == staff_no, t.clerks.c.active.is_(True))
        ).first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        _audit_login(engine, staff_no, row.role, False, "locked", now, where)
        raise _locked(row.locked_until, tz)
    ok = verify_pin(
        row.pin_hash if row else None, pin
    )  # argon2 is slow: never inside the write lock
    with write_transaction(engine) as conn:
        if row is None:
            append(
                conn,
                AuditRecord(
                    "auth.login_failed",
                    f"clerk:{staff_no}",
                    "unknown",
                    None,
                    None,
                    where,
                    {"reason": "unknown_staff_no"},
                ),
                at=now,
            )
            failure: Problem | None = _bad_credentials(None)
        else:
            current = conn.execute(
                select(t.clerks.c.failed_attempts, t.clerks.c.locked_until).where(
                    t.clerks.c.id == row.id
                )
            ).one()
            if current.locked_until is not None and current.locked_until > now:
                ok = False  # locked by a concurrent attempt meanwhile
            if ok:
                token, token_hash = new_token(CLERK_PREFIX)
                expires = now + policy.token_hours * 3600
                conn.execute(
                    update(t.clerks)
                    .where(t.clerks.c.id == row.id)
                    .values(failed_attempts=0, locked_until=None)
                )
                conn.execute(
                    t.auth_tokens.insert().values(
                        token_hash=token_hash, clerk_id=row.id, created_at=now, expires_at=expires
                    )
                )
                append(
                    conn,
                    AuditRecord(
                        "auth.login", f"clerk:{staff_no}", row.role, row.hall, None, where, {}
                    ),
                    at=now,
                )
                return Login(token, expires, _clerk_principal(row))
            failures = current.failed_attempts + 1
            locked_until = (
                now + policy.lock_minutes * 60 if failures >= policy.max_failures else None
            )
            conn.execute(
                update(t.clerks)
                .where(t.clerks.c.id == row.id)
                .values(failed_attempts=0 if locked_until else failures, locked_until=locked_until)
            )
            append(
                conn,
                AuditRecord(
                    "auth.login_failed",
                    f"clerk:{staff_no}",
                    row.role,
                    row.hall,
                    None,
                    where,
                    {"reason": "bad_pin", "failures": failures, "locked_until": locked_until},
                ),
                at=now,
            )
            failure = (
                _locked(locked_until, tz)
                if locked_until
                else _bad_credentials(policy.max_failures - failures)
            )
    raise failure


def _bad_credentials(left: int | None) -> Problem:
    zh, en = "工号或密码错误", "wrong staff number or PIN"
    if left is not None:
        zh, en = (
            f"{zh}，还可尝试 {left} 次",
            f"{en}; {left} attempt(s) left before the account locks",
        )
    return Problem("bad_credentials", zh, en, 401)


def _locked(until: float, tz: ZoneInfo) -> Problem:
    when = _local(until, tz)
    return Problem(
        "account_locked",
        f"密码错误次数过多，账号已锁定至 {when}",
        f"too many wrong PINs: the account is locked until {when}",
        423,
    )


def _audit_login(
    engine: Engine, staff_no: str, role: str, ok: bool, reason: str, now: float, where: str | None
) -> None:
    with write_transaction(engine) as conn:
        append(
            conn,
            AuditRecord(
                "auth.login" if ok else "auth.login_failed",
                f"clerk:{staff_no}",
                role,
                None,
                None,
                where,
                {"reason": reason},
            ),
            at=now,
        )


# built once: every request resolves its token, and building these cost ~5x running them (~0.3 ms)
_CLERK_BY_TOKEN = (
    select(t.clerks)
    .join(t.auth_tokens, t.auth_tokens.c.clerk_id == t.clerks.c.id)
    .where(
        t.auth_tokens.c.token_hash == bindparam("digest"),
        t.auth_tokens.c.revoked.is_(False),
        t.auth_tokens.c.expires_at > bindparam("now"),
        t.clerks.c.active.is_(True),
    )
)
_DEVICE_BY_TOKEN = select(t.devices).where(t.devices.c.token_hash == bindparam("digest"),
                                            t.devices.c.active.is_(True))


def resolve(conn: Connection, token: str, *, now: float) -> Principal | None:
    """The principal behind a bearer token, or None if it is unknown, expired or revoked."""
    digest = hash_token(token)
    if token.startswith(CLERK_PREFIX):
        row = conn.execute(_CLERK_BY_TOKEN, {"digest": digest, "now": now}).first()
        return _clerk_principal(row) if row else None
    if token.startswith(DEVICE_PREFIX):
        row = conn.execute(_DEVICE_BY_TOKEN, {"digest": digest}).first()
        if row is None:
            return None
        return Principal(
            actor=f"device:{row.id}",
            role=row.kind,
            hall=row.hall,
            windows=frozenset([row.window]) if row.window is not None else frozenset(),
            name=row.name,
            device_id=row.id,
        )
    return None


def public_clerks(conn: Connection, staff_nos: set[str]) -> dict[str, dict[str, str]]:
    """Public window information of clerks (004 第十四条): name, staff number, photo."""
    if not staff_nos:
        return {}
    rows = conn.execute(
        select(t.clerks.c.staff_no, t.clerks.c.name, t.clerks.c.photo).where(
            t.clerks.c.staff_no.in_(staff_nos)
        )
    ).all()
    return {r.staff_no: {"name": r.name, "staff_no": r.staff_no, "photo": r.photo} for r in rows}

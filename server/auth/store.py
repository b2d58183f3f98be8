"""Clerks, devices and their tokens in the database: add, log in (with lockout), resolve a token."""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, select, update

from server.audit import AuditRecord, append
from server.halls.errors import Problem
from server.storage import schema as t
from server.storage.db import write_transaction

from . import throttle
from .pins import weak_reason
from .principal import DEVICE_KINDS, STAFF_ROLES, Principal
from .secrets import CLERK_PREFIX, DEVICE_PREFIX, hash_pin, hash_token, new_token, verify_pin

log = logging.getLogger("hallq.auth")
STAFF_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


HARD_LOCK_S = 100 * 365 * 86400  # "until a manager unlocks it"


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5  # free failures per (staff number, address) before delays start
    lock_minutes: float = 15  # the longest delay between guesses
    token_hours: float = 12  # a clerk's shift; log in again after it
    hard_lock_failures: int = 50  # failures from all addresses before the account locks until unlocked
    free_per_address: int = 20
    delay_s: float = 30

    @classmethod
    def of(cls, failures: int, minutes: float, token_hours: float, env: dict[str, str]) -> LoginPolicy:
        """From the settings, and ``HALLQ_LOGIN_DELAY_S`` / ``HALLQ_LOGIN_FREE_PER_ADDRESS`` /
        ``HALLQ_HARD_LOCK_FAILURES`` (the defaults suit a hall; tests shorten or lengthen them)."""
        return cls(failures, minutes, token_hours,
                   hard_lock_failures=int(env.get("HALLQ_HARD_LOCK_FAILURES") or 50),
                   free_per_address=int(env.get("HALLQ_LOGIN_FREE_PER_ADDRESS") or 20),
                   delay_s=float(env.get("HALLQ_LOGIN_DELAY_S") or 30))

    @property
    def throttle(self) -> throttle.ThrottlePolicy:
        return throttle.ThrottlePolicy(free_per_account=self.max_failures,
                                       free_per_address=self.free_per_address, delay_s=self.delay_s,
                                       max_delay_s=self.lock_minutes * 60)


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
    if (weak := weak_reason(pin)) is not None:
        raise _bad("bad_pin", *weak)
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
    expires_at: float | None = None,
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
                # only when set: a database one revision behind (the upgrade test) has no such column
                **({"token_expires_at": expires_at} if expires_at is not None else {}),
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
                {"kind": kind, "name": name.strip(), "expires_at": expires_at},
            ),
            at=now,
        )
    return NewDevice(int(device_id), kind, name.strip(), hall, window, token)


def rotate_device_token(
    engine: Engine, device_id: int, *, now: float, by: str = "cli", expires_at: float | None = None
) -> NewDevice:
    """Give a device a new token (shown once) and revoke the old one at once: requests with it get 401
    and its open event streams close within ``ws_recheck_s`` (``server/api/wsauth.py``). Audited.
    Raises 404 ``unknown_device`` for no such active device."""
    token, token_hash = new_token(DEVICE_PREFIX)
    with write_transaction(engine) as conn:
        row = conn.execute(
            select(t.devices).where(t.devices.c.id == device_id, t.devices.c.active.is_(True))
        ).first()
        if row is None:
            raise Problem("unknown_device", f"没有 {device_id} 号设备", f"no device {device_id}", 404)
        conn.execute(update(t.devices).where(t.devices.c.id == device_id)
                     .values(token_hash=token_hash, token_expires_at=expires_at))
        append(conn, AuditRecord("device.rotate", by, "admin", row.hall, row.window, f"device:{device_id}",
                                 {"expires_at": expires_at}), at=now)
    return NewDevice(int(device_id), row.kind, row.name, row.hall, row.window, token)


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
    address: str | None = None,
    secret: bytes = b"",
) -> Login:
    """Check a PIN, throttled per (staff number, address) and per address (``throttle.py``).

    1. claim a guess (one atomic transaction; a throttled attempt is answered 429 without checking the
       PIN, a hard-locked account 423); 2. argon2 outside any lock; 3. a correct PIN returns its claim
       and gets a token; a wrong one stays counted and may lock the account hard (audited either way).
    """
    addr = throttle.address_key(secret, address)
    with write_transaction(engine) as conn:
        row = conn.execute(
            select(t.clerks)
            .where(t.clerks.c.staff_no == staff_no, t.clerks.c.active.is_(True))
            .with_for_update()
        ).first()
        if row is not None and row.locked_until is not None and row.locked_until > now:
            locked_until: float | None = row.locked_until
        else:
            locked_until = None
            wait, left = throttle.claim(conn, staff_no, addr, policy.throttle, now)
            if wait == 0 and row is not None:
                conn.execute(update(t.clerks).where(t.clerks.c.id == row.id)
                             .values(failed_attempts=t.clerks.c.failed_attempts + 1))
    if locked_until is not None:
        _audit_login(engine, staff_no, row.role, False, "locked", now, where)
        raise _locked(locked_until, tz, now)
    if wait:
        log.warning("login throttled", extra={"fields": {"staff_no": staff_no, "retry_after_s": wait}})
        raise _throttled(wait)
    ok = verify_pin(row.pin_hash if row else None, pin)  # argon2 is slow: never inside the write lock
    with write_transaction(engine) as conn:
        if row is not None and ok:
            throttle.give_back(conn, staff_no, addr)
            conn.execute(update(t.clerks).where(t.clerks.c.id == row.id, t.clerks.c.locked_until.is_(None))
                         .values(failed_attempts=0))
            token, token_hash = new_token(CLERK_PREFIX)
            expires = now + policy.token_hours * 3600
            conn.execute(t.auth_tokens.insert().values(
                token_hash=token_hash, clerk_id=row.id, created_at=now, expires_at=expires))
            append(conn, AuditRecord("auth.login", f"clerk:{staff_no}", row.role, row.hall, None, where, {}),
                   at=now)
            throttle.purge(conn, now, policy.throttle)
            return Login(token, expires, _clerk_principal(row))
        failures = None
        hard = False
        if row is not None:
            failures = conn.execute(select(t.clerks.c.failed_attempts).where(t.clerks.c.id == row.id)).scalar_one()
            if failures >= policy.hard_lock_failures:
                hard = conn.execute(update(t.clerks).where(t.clerks.c.id == row.id, t.clerks.c.locked_until.is_(None))
                                    .values(locked_until=now + HARD_LOCK_S)).rowcount == 1
        append(conn, AuditRecord(
            "auth.login_failed", f"clerk:{staff_no}", row.role if row else "unknown",
            row.hall if row else None, None, where,
            {"reason": "bad_pin" if row else "unknown_staff_no", "failures": failures, "hard_lock": hard}),
            at=now)
    if hard:
        raise _locked(now + HARD_LOCK_S, tz, now)
    raise _bad_credentials(left if row is not None else None)


def unlock(engine: Engine, staff_no: str, *, by: str, now: float) -> bool:
    """Lift a clerk's account lock and forget its failed guesses (a manager's act, audited).

    For ``hallq clerk unlock`` and the dashboard. False when there is no such clerk."""
    with write_transaction(engine) as conn:
        row = conn.execute(select(t.clerks.c.id, t.clerks.c.role, t.clerks.c.hall, t.clerks.c.locked_until)
                           .where(t.clerks.c.staff_no == staff_no)).first()
        if row is None:
            return False
        conn.execute(update(t.clerks).where(t.clerks.c.id == row.id).values(failed_attempts=0, locked_until=None))
        conn.execute(t.login_throttle.delete().where(t.login_throttle.c.key.like(f"acct:{staff_no}@%")))
        append(conn, AuditRecord("auth.unlock", by, "admin", row.hall, None, f"clerk:{staff_no}",
                                 {"was_locked_until": row.locked_until}), at=now)
    return True


def _throttled(wait: int) -> Problem:
    minutes = max(1, math.ceil(wait / 60))
    return Problem(
        "login_throttled",
        f"密码错误次数过多，请 {minutes} 分钟后再试",
        f"too many wrong PINs: try again in {minutes} min",
        429,
        {"Retry-After": str(wait)},
    )


def _bad_credentials(left: int | None) -> Problem:
    zh, en = "工号或密码错误", "wrong staff number or PIN"
    if left is not None:
        zh, en = (
            f"{zh}，还可尝试 {left} 次，之后每次需等待" if left else f"{zh}，再试需等待",
            f"{en}; {left} more attempt(s), then each try must wait" if left else f"{en}; further tries must wait",
        )
    return Problem("bad_credentials", zh, en, 401)


def _locked(until: float, tz: ZoneInfo, now: float) -> Problem:
    if until - now > 10 * 365 * 86400:  # a hard lock: no end date
        return Problem(
            "account_locked",
            "密码错误次数过多，账号已锁定，请联系大厅管理员解锁",
            "too many wrong PINs: the account is locked until a manager unlocks it",
            423,
        )
    when = _local(until, tz)
    return Problem(
        "account_locked",
        f"账号已锁定至 {when}",
        f"the account is locked until {when}",
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
_DEVICE_BY_TOKEN = select(t.devices).where(
    t.devices.c.token_hash == bindparam("digest"),
    t.devices.c.active.is_(True),
    (t.devices.c.token_expires_at.is_(None)) | (t.devices.c.token_expires_at > bindparam("now")),
)


def resolve(conn: Connection, token: str, *, now: float) -> Principal | None:
    """The principal behind a bearer token, or None if it is unknown, expired or revoked."""
    digest = hash_token(token)
    if token.startswith(CLERK_PREFIX):
        row = conn.execute(_CLERK_BY_TOKEN, {"digest": digest, "now": now}).first()
        return _clerk_principal(row) if row else None
    if token.startswith(DEVICE_PREFIX):
        row = conn.execute(_DEVICE_BY_TOKEN, {"digest": digest, "now": now}).first()
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


def still_valid(conn: Connection, digests: set[str], *, now: float) -> set[str]:
    """Of these token hashes (clerk or device), the ones that still resolve now: one query per table,
    for re-checking every open event stream at once (logout, expiry, rotation, a disabled account)."""
    if not digests:
        return set()
    clerks = conn.execute(
        select(t.auth_tokens.c.token_hash)
        .join(t.clerks, t.auth_tokens.c.clerk_id == t.clerks.c.id)
        .where(t.auth_tokens.c.token_hash.in_(digests), t.auth_tokens.c.revoked.is_(False),
               t.auth_tokens.c.expires_at > now, t.clerks.c.active.is_(True))
    ).scalars()
    devices = conn.execute(
        select(t.devices.c.token_hash).where(
            t.devices.c.token_hash.in_(digests), t.devices.c.active.is_(True),
            (t.devices.c.token_expires_at.is_(None)) | (t.devices.c.token_expires_at > now))
    ).scalars()
    return set(clerks) | set(devices)


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

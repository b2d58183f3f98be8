"""Authentication and the role matrix over real HTTP: every mutating endpoint accepts exactly the
roles of ``ROLE_MATRIX`` (others 403), and no token or a bad one is 401. PIN lockout; token expiry."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine, select

import config
from server.auth import ROLE_MATRIX, Action, LoginPolicy, add_clerk, login, resolve, unlock
from server.halls.errors import Problem
from server.halls.reference import sync_config
from server.storage import schema as t
from server.storage.db import read_transaction

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

H = "/api/v1/halls/test"
W = f"{H}/windows/1"
# every mutating endpoint: (action, path, body)
MUTATIONS: list[tuple[Action, str, dict | None]] = [
    (Action.ISSUE, f"{H}/tickets", {"service": "GEN"}),
    (Action.CANCEL, f"{H}/tickets/test-20990101-A001/cancel", None),
    (Action.REQUEUE, f"{H}/tickets/test-20990101-A001/requeue", None),
    (Action.RATE, f"{H}/tickets/test-20990101-A001/rating", {"score": 5}),
    (Action.SIGN_IN, f"{W}/sign-in", None),
    (Action.SIGN_OUT, f"{W}/sign-out", None),
    (Action.CALL, f"{W}/call", None),
    (Action.RECALL, f"{W}/recall", None),
    (Action.NO_SHOW, f"{W}/no-show", None),
    (Action.START, f"{W}/start", None),
    (Action.FINISH, f"{W}/finish", {"outcome": "completed"}),
    (Action.TRANSFER, f"{W}/transfer", {"service": "TAX"}),
    (Action.PAUSE, f"{W}/pause", {"reason": "会议"}),
    (Action.RESUME, f"{W}/resume", None),
    (Action.TAKEOVER, f"{W}/takeover", None),
    (Action.TIDE_OPEN, f"{H}/windows/3/tide/open", {"service": "GEN"}),
    (Action.TIDE_CLOSE, f"{H}/windows/3/tide/close", None),
    (Action.HEARTBEAT, "/api/v1/devices/heartbeat", {"devices": []}),
    (Action.WARNING_ACK, f"{H}/warnings/999/ack", {}),  # reads: tests/supervision/test_supervision_api.py
    (Action.FOLLOWUP_WRITE, f"{H}/followups/999/close", {"reply": "已答复"}),
    (Action.CHECK_IN, f"{H}/bookings/check-in", {"code": "ZZZZ9999"}),  # more: tests/booking
    (Action.CARD_USE, f"{H}/cards/lookup", {"person_hash": "0" * 64}),  # more: tests/kiosk/test_kiosk_idcard.py
]
ROLES = ("kiosk", "counter", "display", "pad", "clerk", "manager", "maintenance")


@pytest.fixture(scope="module")
def tokens(server) -> dict[str, str]:
    server.add_clerk("c1", windows=(1, 3))
    server.add_clerk("m1", role="manager", windows=(1, 3))
    server.add_clerk("x1", role="maintenance")
    server.add_clerk("c2", windows=(2,))
    return {
        "kiosk": server.add_device("kiosk"), "counter": server.add_device("counter", window=1),
        "display": server.add_device("display"), "pad": server.add_device("pad", window=1),
        "clerk": server.login("c1"), "manager": server.login("m1"), "maintenance": server.login("x1"),
        "clerk_w2": server.login("c2"), "town_kiosk": server.add_device("kiosk", hall="town"),
        "counter_w2": server.add_device("counter", window=2),
    }


def test_every_mutating_endpoint_is_in_the_matrix() -> None:
    assert {a for a, _, _ in MUTATIONS} == {a for a in ROLE_MATRIX if a not in (
        Action.READ_TICKET, Action.WINDOW_READ, Action.SNAPSHOT, Action.EVENTS, Action.DEVICES_READ,
        Action.WARNINGS_READ, Action.FOLLOWUPS_READ, Action.REPORTS, Action.BOOKINGS_READ,
        # administration and live config (PATCH/DELETE/POST, each refused to the wrong role in tests/deploy)
        Action.DEVICES_ADMIN, Action.CLERKS_ADMIN, Action.CONFIG_WRITE)}


def test_role_matrix_over_every_mutating_endpoint(server, tokens) -> None:
    wrong: list[str] = []
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        for action, path, body in MUTATIONS:
            for role in ROLES:
                r = c.post(path, json=body, headers={"Authorization": f"Bearer {tokens[role]}"})
                allowed = role in ROLE_MATRIX[action].roles
                if allowed == (r.status_code == 403) or r.status_code == 401 or r.status_code >= 500:
                    wrong.append(f"{role} {action}: {r.status_code} {r.text[:120]}")
                if r.status_code == 403:
                    assert r.json()["code"] == "forbidden" and r.json()["message_zh"] and r.json()["message_en"]
            missing = c.post(path, json=body)
            bad = c.post(path, json=body, headers={"Authorization": "Bearer d_not-a-real-token"})
            for resp in (missing, bad):
                if resp.status_code != 401 or resp.json()["code"] != "unauthorized":
                    wrong.append(f"no/bad token {action}: {resp.status_code}")
            assert missing.headers["www-authenticate"] == "Bearer"
    assert not wrong, "\n".join(wrong)


def test_window_and_hall_scoping(server, tokens) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        def post(token: str, path: str, body: dict | None = None) -> int:
            return c.post(path, json=body, headers={"Authorization": f"Bearer {tokens[token]}"}).status_code

        assert post("clerk_w2", f"{W}/sign-in") == 403  # not authorised for window 1
        assert post("clerk_w2", f"{H}/windows/2/sign-in") == 200
        assert post("counter_w2", f"{W}/call") == 403  # bound to window 2
        assert post("counter_w2", f"{H}/windows/2/call") in (200, 204)
        assert post("town_kiosk", f"{H}/tickets", {"service": "GEN"}) == 403  # another hall's kiosk
        assert post("town_kiosk", "/api/v1/halls/town/tickets", {"service": "GEN"}) == 201
        r = c.get("/api/v1/devices", headers={"Authorization": f"Bearer {tokens['clerk']}"})
        assert r.status_code == 403
        assert c.get(f"{H}/snapshot", headers={"Authorization": f"Bearer {tokens['pad']}"}).status_code == 403
        assert c.get(f"{H}/snapshot").status_code == 401


def test_wrong_pins_are_slowed_down_over_http(server) -> None:
    server.add_clerk("lock1", pin="246813")
    with server.client() as c:
        for _ in range(5):  # five free tries from this address
            r = c.post("/api/v1/auth/login", json={"staff_no": "lock1", "pin": "000000"})
            assert r.status_code == 401 and r.json()["code"] == "bad_credentials"
        r = c.post("/api/v1/auth/login", json={"staff_no": "lock1", "pin": "000000"})
        assert r.status_code == 429 and r.json()["code"] == "login_throttled"
        assert "分钟后再试" in r.json()["message_zh"] and int(r.headers["Retry-After"]) >= 1
        right = c.post("/api/v1/auth/login", json={"staff_no": "lock1", "pin": "246813"})
        assert right.status_code == 429  # even the right PIN waits out the delay from this address
        unknown = c.post("/api/v1/auth/login", json={"staff_no": "nobody", "pin": "246813"})
        assert unknown.status_code == 401 and unknown.json()["code"] == "bad_credentials"


T0 = 1_772_413_200.0
TZ = ZoneInfo("Asia/Shanghai")


def test_delays_double_then_a_hard_lock_that_a_manager_lifts(engine: Engine, deployment: config.Deployment) -> None:
    sync_config(engine, deployment, now=T0)
    add_clerk(engine, staff_no="e1", name="测试", pin="135792", windows=[1], now=T0)
    for weak_pin in ("12", "1357", "123456", "888888", "121212"):
        with pytest.raises(Problem) as weak:
            add_clerk(engine, staff_no="e2", name="测试", pin=weak_pin, now=T0)
        assert weak.value.code == "bad_pin"
    policy = LoginPolicy(max_failures=2, lock_minutes=15, token_hours=8, hard_lock_failures=4, delay_s=60)

    def attempt(pin: str, at: float, address: str = "10.0.0.9") -> int:
        try:
            login(engine, "e1", pin, now=at, tz=TZ, policy=policy, address=address)
        except Problem as problem:
            return problem.status
        return 200

    assert [attempt("000000", T0), attempt("000000", T0)] == [401, 401]
    assert attempt("135792", T0 + 59) == 429  # 60 s after the 2nd failure from this address
    assert attempt("135792", T0 + 1, address="10.0.0.2") == 200  # the clerk at their own counter
    assert attempt("000000", T0 + 60) == 401  # the delay is over: one more guess, then 120 s
    assert attempt("000000", T0 + 179) == 429
    assert attempt("000000", T0 + 180) == 401
    assert attempt("000000", T0 + 180, address="10.0.0.3") == 401
    assert attempt("000000", T0 + 181, address="10.0.0.4") == 423  # 4 failures since the last success
    assert attempt("135792", T0 + 10 * 86400, address="10.0.0.2") == 423  # days later, any address
    assert unlock(engine, "e1", by="clerk:m1", now=T0 + 10 * 86400)
    session = login(engine, "e1", "135792", now=T0 + 10 * 86400 + 1, tz=TZ, policy=policy, address="10.0.0.9")
    with read_transaction(engine) as conn:
        assert resolve(conn, session.token, now=T0 + 10 * 86400 + 3600).windows == frozenset({1})
        assert resolve(conn, session.token, now=T0 + 10 * 86400 + 1 + 8 * 3600) is None
        actions = set(conn.execute(select(t.audit_log.c.action)).scalars())
    assert "auth.unlock" in actions


def test_the_documented_role_matrix_is_the_enforced_one() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    header = next(line for line in doc.splitlines() if line.startswith("| action |"))
    roles = [c.strip() for c in header.strip("|").split("|")][1:-1]
    documented = {}
    for line in doc.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            documented[cells[0].strip("`")] = ({r for r, c in zip(roles, cells[1:-1], strict=True) if c == "✓"},
                                               cells[-1] == "yes")
    assert documented == {a.value: (set(r.roles), r.window) for a, r in ROLE_MATRIX.items()}

"""The lean POST path (server/api/fastpath.py, issue 14) answers exactly as the FastAPI routes do.

Two real servers on their own SQLite files and the same test clock: one as shipped, one with
``HALLQ_LEAN_POST=0`` (every write through FastAPI's routing and dependencies). The same script of
requests goes to both — issues, a counter's call/start/finish, and each class of error: no token, a bad
token, the wrong role, another hall, an unknown hall, another clerk's window, malformed and invalid
bodies, an unknown service, a refusal from the hall, an idempotent retry and a reused key — and every
answer must match: status, body and headers (the random tracking token and the clock's instants masked).
The shipped server's ``hallq_lean_posts_total`` shows that its happy paths did take the lean path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import ServerProcess, fixed_clock_env, start_server, stop_server

pytestmark = pytest.mark.timeout(300)

H = "/api/v1/halls/test"
_VARYING = ("date",)  # uvicorn's; the rest of the headers must be equal
_INSTANT = re.compile(r"(_at|_until)$")


def _setup(srv: ServerProcess) -> dict[str, str]:
    srv.add_clerk("a1", windows=(1, 2), name="张三")
    srv.add_clerk("b1", windows=(3,), name="李四")
    clerk = srv.login("a1")
    with srv.client(clerk) as c:
        for n in (1, 2):
            assert c.post(f"{H}/windows/{n}/sign-in").status_code == 200
    return {
        "kiosk": srv.add_device("kiosk"),
        "town_kiosk": srv.add_device("kiosk", hall="town"),
        "display": srv.add_device("display"),
        "clerk": clerk,
        "clerk_b": srv.login("b1"),
    }


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[list[tuple[ServerProcess, dict[str, str]]]]:
    clock = fixed_clock_env()
    started = []
    try:
        for name, env in (("lean", {}), ("route", {"HALLQ_LEAN_POST": "0"})):
            (tmp_path / name).mkdir()
            started.append(start_server(tmp_path / name, f"sqlite:///{tmp_path / name / 'hallq.db'}",
                                        env={**clock, **env}))
        yield [(srv, _setup(srv)) for srv in started]
    finally:
        for srv in started:
            stop_server(srv)


def _masked(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if key == "track_url" and isinstance(value, str):
        return value.rsplit("/", 1)[0] + "/<token>"
    if _INSTANT.search(key) and value is not None:
        return "<instant>"
    return value


def _answer(srv: ServerProcess, tokens: dict[str, str], step: dict[str, Any]) -> tuple[int, Any, list]:
    headers = dict(step.get("headers", {}))
    if step.get("as"):
        headers["Authorization"] = f"Bearer {tokens[step['as']]}" if step["as"] in tokens else step["as"]
    kw: dict[str, Any] = {"headers": headers}
    if "json" in step:
        kw["json"] = step["json"]
    elif "content" in step:
        kw["content"] = step["content"]
    with httpx.Client(base_url=srv.base_url, timeout=60) as c:
        r = c.post(step["path"], **kw)
    body: Any = r.content
    if r.headers.get("content-type") == "application/json":
        body = _masked(r.json())
        # the body's bytes are JSON of the same shape (key order included) whichever path answered
        assert json.loads(r.content) is not None
    heads = [(k, v if k != "content-length" or not isinstance(body, dict) else "<len>")
             for k, v in r.headers.items() if k not in _VARYING]
    return r.status_code, body, heads


def _lean_counts(srv: ServerProcess) -> dict[str, float]:
    with httpx.Client(base_url=srv.base_url, timeout=60) as c:
        text = c.get("/metrics").text
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r'^hallq_lean_posts_total\{route="([^"]+)"\} (\S+)$', text, re.M)}


KEY = {"Idempotency-Key": "kiosk-retry-1"}
SCRIPT: list[dict[str, Any]] = [
    # issue: success, then each error class
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN"}},
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN", "lane": "priority"}},
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "TAX"}},
    {"path": f"{H}/tickets", "json": {"service": "GEN"}},  # no token
    {"path": f"{H}/tickets", "as": "Bearer d_not-a-real-token-at-all-0000000000000", "json": {"service": "GEN"}},
    {"path": f"{H}/tickets", "as": "display", "json": {"service": "GEN"}},  # wrong role
    {"path": f"{H}/tickets", "as": "town_kiosk", "json": {"service": "GEN"}},  # another hall
    {"path": "/api/v1/halls/nowhere/tickets", "as": "kiosk", "json": {"service": "GEN"}},  # unknown hall
    {"path": f"{H}/tickets", "as": "kiosk", "content": b'{"service": "GEN"',
     "headers": {"Content-Type": "application/json"}},  # malformed JSON
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN", "colour": "red"}},  # extra field
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"lane": "normal"}},  # missing field
    {"path": f"{H}/tickets", "as": "kiosk", "json": ["GEN"]},  # not an object
    {"path": f"{H}/tickets", "as": "kiosk", "content": b""},  # no body
    {"path": f"{H}/tickets", "as": "kiosk", "content": b'{"service": "GEN"}',
     "headers": {"Content-Type": "text/plain"}},  # not declared JSON
    {"path": f"{H}/tickets", "as": "kiosk", "content": b"[" * 5000 + b"]" * 5000,
     "headers": {"Content-Type": "application/json"}},  # nested too deep for json.loads
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "NOPE"}},  # unknown service (the hall refuses)
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN"}, "headers": KEY},  # keyed
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN"}, "headers": KEY},  # retried: replayed
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "TAX"}, "headers": KEY},  # key reused
    {"path": f"{H}/tickets", "as": "kiosk", "json": {"service": "GEN"},
     "headers": {"Idempotency-Key": "x" * 200}},  # a bad key
    # a counter: call, start, finish, and their errors
    {"path": f"{H}/windows/1/start", "as": "clerk"},  # nobody called: the hall refuses
    {"path": f"{H}/windows/1/call", "as": "clerk"},
    {"path": f"{H}/windows/1/call", "as": "clerk_b"},  # another clerk's window
    {"path": f"{H}/windows/1/call", "as": "kiosk"},  # wrong role
    {"path": f"{H}/windows/1/start", "as": "clerk", "headers": {"Idempotency-Key": "start-1"}},
    {"path": f"{H}/windows/1/start", "as": "clerk", "headers": {"Idempotency-Key": "start-1"}},  # replayed
    {"path": f"{H}/windows/1/finish", "as": "clerk", "json": {"outcome": "perfect"}},  # invalid body
    {"path": f"{H}/windows/1/finish", "as": "clerk", "json": {}},
    {"path": f"{H}/windows/1/finish", "as": "clerk", "json": {"outcome": "completed"}},
    {"path": f"{H}/windows/01/call", "as": "clerk"},  # the route's spelling of window 1
    {"path": f"{H}/windows/9/call", "as": "clerk"},  # no such window (and not the clerk's)
    {"path": f"{H}/windows/2/call", "as": "clerk"},  # TAX is waiting
    {"path": f"{H}/windows/2/call", "as": "clerk"},  # the queue is empty now: 204
    {"path": f"{H}/windows/2/finish", "as": "clerk", "json": {"outcome": "completed"}},  # not started: refused
    {"path": f"{H}/windows/1/start", "as": "clerk"},
    {"path": f"{H}/windows/1/finish", "as": "clerk", "json": {"outcome": "consulted"}},
    {"path": f"{H}/windows/1/call", "as": "clerk"},  # the last one waiting for GEN
    {"path": f"{H}/windows/1/start", "as": "clerk"},
    {"path": f"{H}/windows/1/finish", "as": "clerk", "json": {"outcome": "completed"}},
    {"path": f"{H}/windows/1/call", "as": "clerk"},  # nobody waits: 204
    {"path": f"{H}/windows/abc/call", "as": "clerk"},
]


def test_lean_path_answers_exactly_as_the_routes(pair) -> None:
    (lean, lean_tokens), (route, route_tokens) = pair
    for i, step in enumerate(SCRIPT):
        got = _answer(lean, lean_tokens, step)
        want = _answer(route, route_tokens, step)
        assert got == want, f"step {i} {step}"
    counts = _lean_counts(lean)
    for kind in ("tickets", "windows/{window}/call", "windows/{window}/start", "windows/{window}/finish"):
        assert counts.get(f"/api/v1/halls/{{hall}}/{kind}", 0) >= 1, counts
    assert _lean_counts(route) == {}

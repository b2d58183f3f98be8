"""Fuzzing the HTTP API from its own OpenAPI description (schemathesis generates the requests, hypothesis
drives them) against a real server process.

Every operation the server publishes gets requests that fit its schema and requests that break it, with
every kind of caller (each device kind, each staff role, no token, a forged token) and path parameters
that hit real halls, windows and tickets as well as made-up ones. The property: no 5xx ever, and every
4xx is the JSON error body with a code and its message in Chinese and English — what a kiosk or counter
shows the person in front of it.

Bounded: about ``BUDGET`` requests in all, spread over the operations (new endpoints are fuzzed without
touching this file), no shrinking (a failure is reported as generated), derandomised (the same run each
time).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

pytestmark = pytest.mark.timeout(300)

H = "/api/v1/halls/test"
BUDGET = 600  # requests in all, shared by the operations
MIN_PER_OPERATION = 6


@pytest.fixture(scope="module")
def world(server) -> dict[str, Any]:
    """Callers of every kind, and a hall with something in it: windows signed in, tickets waiting, one
    called, one finished (so that ratings, recalls and transfers have something to act on)."""
    server.add_clerk("a1", windows=(1, 2, 3))
    server.add_clerk("m1", role="manager", windows=(1, 2, 3))
    server.add_clerk("x1", role="maintenance")
    tokens = {
        "kiosk": server.add_device("kiosk"),
        "counter": server.add_device("counter", window=1),
        "display": server.add_device("display"),
        "pad": server.add_device("pad", window=1),
        "clerk": server.login("a1"),
        "manager": server.login("m1"),
        "maintenance": server.login("x1"),
    }
    tickets = []
    with server.client(tokens["kiosk"]) as kiosk, server.client(tokens["manager"]) as manager:
        for service in ("GEN", "GEN", "SOC", "GEN", "TAX"):
            r = kiosk.post(f"{H}/tickets", json={"service": service})
            assert r.status_code == 201, r.text
            tickets.append(r.json())
        for n in (1, 3):
            assert manager.post(f"{H}/windows/{n}/sign-in").status_code == 200
        for path in ("call", "start"):
            assert manager.post(f"{H}/windows/1/{path}").status_code == 200
        assert manager.post(f"{H}/windows/1/finish", json={"outcome": "completed"}).status_code == 200
        assert manager.post(f"{H}/windows/1/call").status_code == 200
    return {
        "tokens": tokens,
        "path_values": {
            "hall": ["test", "town"],
            "window": [1, 3, 2],
            "ticket_id": [tk["id"] for tk in tickets],
            "staff_no": ["a1", "m1"],
            "token": [tickets[0]["track_url"].rsplit("/", 1)[-1]],
        },
    }


@pytest.fixture(scope="module")
def schema(server, world) -> Any:
    return schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")


def pinned(names: list[str], values: dict[str, list[Any]], count: int = 3) -> list[dict[str, Any]]:
    """A few path-parameter choices that reach real objects (the i-th known value of each parameter)."""
    known = [n for n in names if n in values]
    if not known:
        return []
    return [{n: values[n][i % len(values[n])] for n in known} for i in range(count)]


def operation_strategy(op: Any, mode: GenerationMode, pins: list[dict[str, Any]]) -> st.SearchStrategy | None:
    has_input = bool(len(op.query) or len(op.headers) or (op.body and len(op.body)))
    if mode is GenerationMode.NEGATIVE:
        if not (has_input or len(op.path_parameters)):
            return None  # nothing to get wrong
        # pinned path parameters leave only the body/query to break
        choices = [op.as_strategy(mode)] + ([op.as_strategy(mode, path_parameters=p) for p in pins]
                                            if has_input else [])
        return st.one_of(choices)
    return st.one_of([op.as_strategy(mode)] + [op.as_strategy(mode, path_parameters=p) for p in pins])


def problems_of(response: Any) -> str | None:
    """What is wrong with a schemathesis ``Response`` (headers are lists of values), if anything."""
    status = response.status_code
    if status >= 500:
        return f"{status}: {response.text[:300]}"
    if 400 <= status < 500:
        content_type = (response.headers.get("content-type") or [""])[0]
        if not content_type.startswith("application/json"):
            return f"{status} without a JSON body: {content_type!r}"
        body = response.json()
        if not (isinstance(body, dict) and body.get("code") and body.get("message_zh") and body.get("message_en")):
            return f"{status} without code/message_zh/message_en: {body}"
    return None


def test_no_request_from_the_openapi_description_gets_a_5xx_or_a_bare_4xx(server, world, schema) -> None:
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=lambda op: op.label)
    assert len(operations) >= 25  # the description really lists the API
    per_operation = max(MIN_PER_OPERATION, BUDGET // len(operations))
    callers = [*world["tokens"].values(), world["tokens"]["manager"], None, "d_forged-token"]
    failures: list[str] = []
    seen: dict[int, int] = {}
    session = requests.Session()

    def fuzz(op: Any, mode: GenerationMode, strategy: st.SearchStrategy, examples: int) -> None:
        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy, caller=st.sampled_from(callers))
        def run(case: Any, caller: str | None) -> None:
            headers = {"Authorization": f"Bearer {caller}"} if caller else {}
            response = case.call(base_url=server.base_url, session=session, headers=headers, timeout=30)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            problem = problems_of(response)
            if problem:
                failures.append(f"{op.label} [{mode.value}] {case.path_parameters} "
                                f"query={case.query} body={case.body!r:.200}: {problem}")

        try:
            run()
        except Unsatisfiable:
            # negative mode only: every input that fits the path is valid (e.g. a free-text {hall}, no
            # body), so there is nothing to break; the positive run covered the operation
            if mode is not GenerationMode.NEGATIVE:
                raise

    for op in operations:
        pins = pinned([p.name for p in op.path_parameters], world["path_values"])
        for mode, share in ((GenerationMode.POSITIVE, 0.6), (GenerationMode.NEGATIVE, 0.4)):
            strategy = operation_strategy(op, mode, pins)
            if strategy is None:
                continue

            fuzz(op, mode, strategy, max(2, int(per_operation * share)))
    session.close()

    assert not failures, "\n".join(itertools.islice(failures, 20))
    assert sum(seen.values()) >= len(operations) * 4
    # the run reached past the door: successes and refusals of every kind, not only 401/404/422
    assert {200, 401, 403, 404, 409, 422} <= set(seen), seen

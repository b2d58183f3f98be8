"""Bad requests get a 4xx JSON body with a code and Chinese + English messages (never a 500), and a
retried request with the same Idempotency-Key is applied once."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

H = "/api/v1/halls/test"


@pytest.fixture(scope="module")
def kiosk(server) -> httpx.Client:
    with server.client(server.add_device("kiosk")) as c:
        yield c


def problem(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code, body
    assert body["message_zh"] and body["message_en"]
    assert body["message"] == f"{body['message_zh']}（{body['message_en']}）"
    return body


@pytest.mark.parametrize(("payload", "path_in_message"), [
    ({}, "body.service"),
    ({"service": "GEN", "lane": "vip"}, "body.lane"),
    ({"service": "GEN", "colour": "red"}, "body.colour"),
    ({"service": 12}, "body.service"),
    ({"service": "gen!"}, "body.service"),
    ([1, 2], "body"),
])
def test_invalid_bodies_name_the_field(kiosk, payload, path_in_message) -> None:
    body = problem(kiosk.post(f"{H}/tickets", json=payload), 422, "invalid_request")
    assert path_in_message in body["message_zh"] and path_in_message in body["message_en"]


def test_broken_json_and_wrong_content(kiosk) -> None:
    problem(kiosk.post(f"{H}/tickets", content=b'{"service": ', headers={"Content-Type": "application/json"}),
            422, "invalid_request")
    problem(kiosk.post(f"{H}/tickets", content="\xff\xfe".encode("latin-1"),
                       headers={"Content-Type": "application/json"}), 422, "invalid_request")


def test_unknown_things_are_404_or_422(server, kiosk) -> None:
    server.add_clerk("err1", windows=(1,))
    clerk = server.login("err1")
    problem(kiosk.post("/api/v1/halls/nowhere/tickets", json={"service": "GEN"}), 404, "unknown_hall")
    problem(kiosk.post(f"{H}/tickets", json={"service": "NOPE"}), 422, "unknown_service")
    problem(kiosk.get("/api/v1/no/such/path"), 404, "not_found")
    problem(kiosk.delete(f"{H}/tickets"), 405, "method_not_allowed")
    with server.client(clerk) as c:
        problem(c.get(f"{H}/tickets/test-20990101-A001"), 404, "unknown_ticket")
        problem(c.post(f"{H}/windows/abc/call"), 422, "invalid_request")
        problem(c.post(f"{H}/windows/1/pause", json={"reason": "  "}), 422, "invalid_request")
        problem(c.post(f"{H}/windows/1/finish", json={"outcome": "maybe"}), 422, "invalid_request")
        problem(c.post(f"{H}/windows/1/call"), 409, "window_closed")
    with server.client() as public:
        problem(public.get("/api/v1/track/nonsense"), 404, "unknown_ticket")


def test_daily_cap_is_a_409_that_says_so(kiosk) -> None:
    for _ in range(3):  # TAX has daily_cap = 3 in the test hall
        assert kiosk.post(f"{H}/tickets", json={"service": "TAX"}).status_code == 201
    body = problem(kiosk.post(f"{H}/tickets", json={"service": "TAX"}), 409, "daily_cap")
    assert "3" in body["message_zh"]


def test_a_retried_request_is_applied_once(server, kiosk) -> None:
    first = kiosk.post(f"{H}/tickets", json={"service": "GEN"}, headers={"Idempotency-Key": "retry-1"})
    again = kiosk.post(f"{H}/tickets", json={"service": "GEN"}, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    fresh = kiosk.post(f"{H}/tickets", json={"service": "GEN"}, headers={"Idempotency-Key": "retry-2"})
    assert fresh.json()["number"] != first.json()["number"]
    problem(kiosk.post(f"{H}/tickets", json={"service": "SOC"}, headers={"Idempotency-Key": "retry-1"}),
            422, "idempotency_key_reused")
    problem(kiosk.post(f"{H}/tickets", json={"service": "GEN"}, headers={"Idempotency-Key": "x" * 200}),
            400, "bad_idempotency_key")
    # the same key from another device is another request
    with server.client(server.add_device("kiosk")) as other:
        assert other.post(f"{H}/tickets", json={"service": "GEN"},
                          headers={"Idempotency-Key": "retry-1"}).json()["id"] != first.json()["id"]


def test_control_characters_and_non_finite_numbers_are_refused(server, kiosk) -> None:
    server.add_clerk("err2", windows=(1,))
    with server.client(server.login("err2")) as c:
        assert c.post(f"{H}/windows/1/sign-in").status_code == 200
        problem(c.post(f"{H}/windows/1/pause", json={"reason": "午\x00休"}), 422, "invalid_request")
        problem(c.get(f"{H}/tickets/bad%00id"), 422, "invalid_request")
        assert c.post(f"{H}/windows/1/sign-out").status_code == 200
    problem(kiosk.post("/api/v1/devices/heartbeat", content=b'{"devices": [{"device": "printer", "level": "OK", '
                       b'"facts": {"temp": NaN}}]}', headers={"Content-Type": "application/json"}),
            422, "invalid_request")
    with server.client() as public:
        problem(public.post("/api/v1/auth/login", json={"staff_no": "a\x00", "pin": "1234"}), 422, "invalid_request")
        problem(public.get("/api/v1/track/x%00y"), 422, "invalid_request")

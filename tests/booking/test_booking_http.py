"""Booking, check-in, remote tickets and reminders over real HTTP against a real ``hallq server`` process
(the shared fixture of tests/server), with the sim notifier writing to a file the test reads."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from server.booking import Person
from tests.server.conftest import ServerProcess, fixed_clock_env, start_server, stop_server

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run

H = "/api/v1/halls/test"
PHONE = "13812345678"
REMOTE_PER_IP_HOUR = 8  # remote tickets and reminder requests per client address and hour, this server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("booking-server")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HALLQ_NOTIFY", f"sim://{workdir / 'notices.jsonl'}")
        mp.setenv("HALLQ_BOOKING_REMOTE_PER_IP_HOUR", str(REMOTE_PER_IP_HOUR))
        mp.setenv("HALLQ_BOOKING_BOOKING_PER_IP_HOUR", "200")  # many numbers are proved from this address
        # on the test clock (a Monday morning): the soonest slot is today's whenever the suite runs
        srv = start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", env=fixed_clock_env())
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def actors(server: ServerProcess) -> Iterator[dict[str, httpx.Client]]:
    server.add_clerk("b1", windows=(1, 2, 3))
    clients = {
        "public": server.client(),
        "kiosk": server.client(server.add_device("kiosk")),
        "display": server.client(server.add_device("display")),
        "clerk": server.client(server.login("b1")),
    }
    yield clients
    for c in clients.values():
        c.close()


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def problem(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["message_zh"] and body["message_en"], body
    return body


def slots(client: httpx.Client, service: str) -> list[dict]:
    """Every bookable slot of a service, soonest first, with its day."""
    offer = ok(client.get(f"{H}/booking/slots", params={"service": service}))
    return [{**s, "day": d["day"]} for d in offer["days"] for s in d["slots"]]


def notices(server: ServerProcess) -> list[dict]:
    path = server.workdir / "notices.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


_proofs: dict[str, str] = {}


def proof(server: ServerProcess, client: httpx.Client, phone: str = PHONE) -> str:
    """The phone's owner proves it once (a code by message, typed back), as the phone pages do."""
    if phone not in _proofs:
        sent = ok(client.post(f"{H}/phone/code", json={"phone": phone}), 202)
        message = [n for n in notices(server) if n["kind"] == "code" and n["to"] == sent["to"]][-1]
        code = next(w.rstrip(",") for w in message["text_en"].split() if w.rstrip(",").isdigit())
        _proofs[phone] = ok(client.post(f"{H}/phone/verify", json={"phone": phone, "code": code}))["phone_token"]
    return _proofs[phone]


def test_the_phone_pages_are_served_with_a_strict_content_security_policy(actors) -> None:
    public = actors["public"]
    for path in ("/m", "/m/test", "/m/test/book", "/m/test/mine", "/m/test/take", "/t/AbC_123-x"):
        r = public.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "<script" not in r.text.split("</head>")[1]  # no inline script in the body
    r = public.get("/m/nowhere/book")
    assert r.status_code == 404 and "没有这个服务大厅" in r.text
    assert public.get("/m/static/app.js").headers["content-type"].startswith("text/javascript")
    assert public.get("/m/static/..%2Fpages.py").status_code == 404
    assert public.get("/t/not*a*token").status_code == 404


def test_book_look_up_and_cancel(server, actors) -> None:
    public = actors["public"]
    slot = next(s for s in slots(public, "GEN")[4:] if s["left"] > 0)
    mine = proof(server, public)
    booking = ok(public.post(f"{H}/bookings", json={"service": "GEN", "day": slot["day"], "start": slot["start"],
                                                    "person": PHONE, "phone_token": mine}), 201)["booking"]
    assert (booking["person"], booking["state"], booking["start"]) == ("138****5678", "booked", slot["start"])
    assert len(booking["code"]) == 8 and "person_hash" not in booking and "id" not in booking
    assert PHONE not in json.dumps(booking)
    after = next(s for s in slots(public, "GEN") if s["at"] == slot["at"])
    assert after["left"] == slot["left"] - 1
    problem(public.post(f"{H}/bookings", json={"service": "GEN", "day": slot["day"], "start": slot["start"],
                                               "person": PHONE, "phone_token": mine}), 409, "already_booked")
    problem(public.post(f"{H}/bookings", json={"service": "GEN", "day": slot["day"], "start": slot["start"],
                                               "person": PHONE}), 403, "phone_unverified")
    other = proof(server, public, "13900000000")
    problem(public.post(f"{H}/bookings/lookup", json={"code": booking["code"], "phone_token": other}),
            404, "unknown_booking")
    found = ok(public.post(f"{H}/bookings/lookup", json={"code": booking["code"].lower(), "phone_token": mine}))
    assert found["booking"]["code"] == booking["code"] and found["booking"]["cancellable"] is True
    cancelled = ok(public.post(f"{H}/bookings/{booking['code']}/cancel", json={"phone_token": mine}))["booking"]
    assert cancelled["state"] == "cancelled" and cancelled["cancellable"] is False
    problem(public.post(f"{H}/bookings/{booking['code']}/cancel", json={"phone_token": mine}), 409, "not_cancellable")


@pytest.mark.parametrize("body, status, code", [
    ({"service": "GEN", "day": "2030-01-01", "start": "09:00", "person": "12345"}, 422, "bad_person"),
    ({"service": "NOPE", "day": "2030-01-01", "start": "09:00", "person": PHONE}, 422, "unknown_service"),
    ({"service": "GEN", "day": "tomorrow", "start": "09:00", "person": PHONE}, 422, "invalid_request"),
    ({"service": "GEN", "day": "2030-01-01", "start": "25:00", "person": PHONE}, 422, "invalid_request"),
    ({"service": "GEN", "day": "2030-01-01", "start": "09:00", "person": PHONE, "x": 1}, 422, "invalid_request"),
    ({"service": "GEN", "day": "2030-01-01", "start": "09:00", "person": PHONE}, 422, "too_far"),
    ({"service": "GEN", "day": "2020-01-01", "start": "09:00", "person": PHONE}, 409, "slot_past"),
])
def test_bad_bookings_are_refused_in_chinese_and_english(server, actors, body: dict, status: int, code: str) -> None:
    if Person.parse(PHONE).value in body["person"]:
        body = {**body, "phone_token": proof(server, actors["public"])}
    problem(actors["public"].post(f"{H}/bookings", json=body), status, code)


def test_kiosk_check_in_by_code_and_by_phone_gives_appointment_lane_tickets(server, actors) -> None:
    public, kiosk = actors["public"], actors["kiosk"]
    soon = slots(public, "SOC")[0]  # starts within 30 minutes: check-in is open (appointment_early_min)
    by_code = ok(public.post(f"{H}/bookings", json={"service": "SOC", "day": soon["day"], "start": soon["start"],
                                                    "person": "13700000001",
                                                    "phone_token": proof(server, public, "13700000001")}),
                 201)["booking"]
    ok(public.post(f"{H}/bookings", json={"service": "SOC", "day": soon["day"], "start": soon["start"],
                                          "person": "13700000002",
                                          "phone_token": proof(server, public, "13700000002")}), 201)
    problem(actors["display"].post(f"{H}/bookings/check-in", json={"code": by_code["code"]}), 403, "forbidden")
    problem(public.post(f"{H}/bookings/check-in", json={"code": by_code["code"]}), 401, "unauthorized")
    problem(kiosk.post(f"{H}/bookings/check-in", json={"code": "ZZZZ9999"}), 404, "unknown_booking")
    problem(kiosk.post(f"{H}/bookings/check-in", json={}), 422, "invalid_request")

    ticket = ok(kiosk.post(f"{H}/bookings/check-in", json={"code": by_code["code"]}), 201)
    assert (ticket["lane"], ticket["channel"], ticket["service"], ticket["late"]) == ("appointment", "appointment",
                                                                                    "SOC", False)
    assert ticket["booking"]["state"] == "checked_in" and ticket["message"]["zh"] == "签到成功，已进入预约通道"
    assert ticket["track_url"].startswith("http://hall.test/t/") and "appointment_id" not in ticket  # kiosk: public
    problem(kiosk.post(f"{H}/bookings/check-in", json={"code": by_code["code"]}), 409, "already_checked_in")

    by_phone = ok(kiosk.post(f"{H}/bookings/check-in", json={"phone": "137 0000 0002"}), 201)
    assert by_phone["lane"] == "appointment" and by_phone["booking"]["person"] == "137****0002"

    listed = ok(actors["clerk"].get(f"{H}/bookings", params={"day": soon["day"]}))["bookings"]
    mine = [b for b in listed if b["code"] == by_code["code"]]
    assert mine[0]["ticket_id"] == ticket["id"] and mine[0]["person"] == "137****0001"
    problem(actors["display"].get(f"{H}/bookings"), 403, "forbidden")


def test_remote_ticket_then_reminder_once(server, actors) -> None:
    public, clerk = actors["public"], actors["clerk"]
    mine = proof(server, public)
    ticket = ok(public.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": PHONE, "phone_token": mine}), 201)
    assert ticket["channel"] == "phone" and ticket["track_url"].endswith(ticket["track_token"])
    problem(public.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": PHONE, "phone_token": mine}), 409,
            "already_queued")
    problem(public.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": "11010519491231002X",
                                                     "phone_token": mine}), 422, "bad_person")
    # nobody ahead: the reminder left with the answer; the file shows the masked number only
    sent = [n for n in notices(server) if n["ticket"] == ticket["id"]]
    assert [(n["kind"], n["to"]) for n in sent] == [("near", "138****5678")]
    assert "下一个就叫到您" in sent[0]["text_zh"] and PHONE not in (server.workdir / "notices.jsonl").read_text()

    kiosk_ticket = ok(actors["kiosk"].post(f"{H}/tickets", json={"service": "TAX"}), 201)
    token = kiosk_ticket["track_url"].rsplit("/", 1)[1]
    sub = ok(public.post(f"/api/v1/track/{token}/notify", json={"phone": "13911112222"}), 202)
    assert sub == {"subscribed": True, "to": "139****2222", "ahead": 3}
    assert [n["to"] for n in notices(server) if n["ticket"] == kiosk_ticket["id"]] == ["139****2222"]
    ok(clerk.post(f"{H}/windows/2/sign-in"))
    assert ok(clerk.post(f"{H}/windows/2/call"))["ticket"]["id"] == ticket["id"]
    assert len([n for n in notices(server) if n["ticket"] == ticket["id"]]) == 1  # once per ticket
    problem(public.post("/api/v1/track/nosuchtoken/notify", json={"phone": PHONE}), 404, "unknown_ticket")


def test_remote_tickets_are_rate_limited_per_client_address(server, actors) -> None:
    """The module's server allows REMOTE_PER_IP_HOUR remote requests per address and hour."""
    public = actors["public"]
    phones = [f"1370000{i:04d}" for i in range(REMOTE_PER_IP_HOUR + 1)]
    tokens = [proof(server, public, p) for p in phones]
    answers = [public.post(f"{H}/remote-tickets", json={"service": "GEN", "phone": p, "phone_token": tok})
               for p, tok in zip(phones, tokens, strict=True)]
    assert {r.status_code for r in answers} == {201, 429}
    limited = answers[-1]
    body = problem(limited, 429, "rate_limited")
    assert 3000 <= int(limited.headers["retry-after"]) <= 3600 and "分钟后再试" in body["message_zh"]
    assert "try again in" in body["message_en"]

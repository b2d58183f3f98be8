"""凭身份证取号 on the server (issue 18), over HTTP against two ``hallq server`` processes on one database
(SQLite file; PostgreSQL when reachable): one card, many kiosks at once → exactly the hall's per-person
number of tickets; a limited service without a card is refused; a booking made with an ID number is
found and checked in by the card's keyed hash (and by nothing else)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from drivers.idcard.card import id_check_char
from vocab.cardhash import card_hash

pytestmark = pytest.mark.timeout(300)

CONFIG = Path(__file__).parents[1] / "kiosk" / "hall_idcard.toml"
T = "/api/v1/halls/card"


def number(seq: int) -> str:
    first17 = f"11010519800101{seq:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def pair(db_url: str, spawn_server):
    a = spawn_server(db_url, "--config", str(CONFIG))
    b = spawn_server(db_url, "--config", str(CONFIG))
    token = a.add_device("kiosk", hall="card")
    with a.client(token) as c:
        key = bytes.fromhex(c.get("/api/v1/devices/card-key").json()["card_key"])
    return a, b, token, key


def test_one_card_racing_on_two_processes_gets_one_ticket(pair) -> None:
    a, b, token, key = pair
    hashed = card_hash(key, number(1))
    card = {"kind": "resident", "age_band": "18-59"}

    def take(i: int):
        with (a, b)[i % 2].client(token) as c:
            return c.post(f"{T}/tickets", json={"service": "RE01", "person_hash": hashed, "card": card})

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(take, range(16)))
    assert sorted(r.status_code for r in answers) == [201] + [409] * 15
    refused = [r.json() for r in answers if r.status_code == 409]
    assert {r["code"] for r in refused} == {"per_person_limit"}
    assert "每人每天限取 1 个号" in refused[0]["message_zh"] and "per person a day" in refused[0]["message_en"]
    with a.client(token) as c:
        no_card = c.post(f"{T}/tickets", json={"service": "RE01"})
        assert no_card.status_code == 409 and no_card.json()["code"] == "card_required"
        other = c.post(f"{T}/tickets", json={"service": "RE01", "person_hash": card_hash(key, number(2))})
        assert other.status_code == 201
        for _ in range(2):  # an unlimited service takes the card too, and is not limited by it
            assert c.post(f"{T}/tickets", json={"service": "SA03", "person_hash": hashed}).status_code == 201
        bad = c.post(f"{T}/tickets", json={"service": "RE01", "person_hash": number(3)})  # a number, not a hash
        assert bad.status_code == 422
    with a.client(a.add_device("display", hall="card")) as screen:
        assert screen.get("/api/v1/devices/card-key").status_code == 403  # kiosks only


def test_a_booking_made_with_the_id_number_is_found_and_checked_in_by_card(pair) -> None:
    a, _, token, key = pair
    visitor = number(4)
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    with a.client() as public:
        day = public.get(f"{T}/booking/slots", params={"service": "CS01"}).json()["days"][0]
        if day["day"] != today:
            pytest.skip("from 23:30 to midnight the soonest booking slot is tomorrow's")
        made = public.post(f"{T}/bookings", json={"service": "CS01", "day": day["day"],
                                                 "start": day["slots"][0]["start"], "person": visitor})
        assert made.status_code == 201, made.text
        phone = public.post(f"{T}/bookings", json={"service": "CS01", "day": day["day"],
                                                  "start": day["slots"][0]["start"], "person": "13912345678"})
        assert phone.status_code == 403  # issue 13: a phone booking needs the number proved by a code first
    with a.client(token) as kiosk:
        found = kiosk.post(f"{T}/cards/lookup", json={"person_hash": card_hash(key, visitor)}).json()["booking"]
        assert found["service"] == "CS01" and set(found) == {"service", "service_name_zh", "service_name_en", "day",
                                                              "start", "end", "state"}
        nobody = kiosk.post(f"{T}/cards/lookup", json={"person_hash": card_hash(key, number(5))}).json()
        assert nobody == {"booking": None}
        done = kiosk.post(f"{T}/cards/check-in", json={"person_hash": card_hash(key, visitor)})
        assert done.status_code == 201 and done.json()["lane"] == "appointment"
        assert done.json()["booking"]["state"] == "checked_in"
        again = kiosk.post(f"{T}/cards/check-in", json={"person_hash": card_hash(key, visitor)})
        assert again.status_code == 404 and again.json()["code"] == "unknown_booking"

"""D2: a stranger who knows someone's phone or ID number can neither learn nor change their bookings,
nor get them blacklisted; refusals say nothing about anyone else. Real server, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from server.booking import BookingState
from server.booking.model import Booking
from server.booking.person import person_hash
from server.booking.store import insert_booking
from server.storage.db import write_transaction
from tests.security.conftest import H, from_address, last_code, notices, prove_phone
from vocab.cardhash import card_hash, derive_card_key

pytestmark = pytest.mark.timeout(300)

# each test its own numbers: a number gets 3 codes an hour, and the tests of a module may share a server
VICTIM_PHONE, STRANGER_PHONE = "13812340001", "13912340002"
OWNER_PHONE, TAKER_PHONE = "13812340003", "13812340004"
VICTIM_ID = "11010519491231002X"  # a valid check digit
OTHER_ID = "110101199003077774"


def problem(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["message_zh"] and body["message_en"], body
    return body


def soonest(client: httpx.Client, service: str, skip: int = 0) -> dict:
    offer = client.get(f"{H}/booking/slots", params={"service": service}).json()
    return [{**s, "day": d["day"]} for d in offer["days"] for s in d["slots"] if s["left"] > 0][skip]


def book(client: httpx.Client, slot: dict, person: str, token: str | None = None, service: str = "GEN"):
    body = {"service": service, "day": slot["day"], "start": slot["start"], "person": person}
    if token:
        body["phone_token"] = token
    return client.post(f"{H}/bookings", json=body)


@pytest.fixture(scope="module")
def people(edge):
    victim, stranger = from_address(edge, "127.0.0.21"), from_address(edge, "127.0.0.22")
    yield victim, stranger
    victim.close()
    stranger.close()


def test_a_stranger_cannot_book_look_up_or_cancel_in_someone_elses_phone(edge, people) -> None:
    victim, stranger = people
    slot = soonest(victim, "GEN", skip=3)
    mine = book(victim, slot, VICTIM_PHONE, prove_phone(edge, victim, VICTIM_PHONE))
    assert mine.status_code == 201, mine.text
    code = mine.json()["booking"]["code"]
    assert any(code in n["text_zh"] for n in notices(edge) if n["to"] == "138****0001" and n["kind"] == "booked")

    # booking in the victim's number: refused for want of proof, saying nothing about the booking
    for token in (None, prove_phone(edge, stranger, STRANGER_PHONE)):
        body = problem(book(stranger, slot, VICTIM_PHONE, token), 403, "phone_unverified")
        assert code not in json.dumps(body) and "已预约" not in body["message_zh"]
    stranger_token = prove_phone(edge, stranger, STRANGER_PHONE)
    # knowing the code (it was shown on the victim's screen) is not enough either
    problem(stranger.post(f"{H}/bookings/lookup", json={"code": code, "phone_token": stranger_token}),
            404, "unknown_booking")
    problem(stranger.post(f"{H}/bookings/{code}/cancel", json={"phone_token": stranger_token}), 404, "unknown_booking")
    problem(stranger.post(f"{H}/bookings/{code}/cancel", json={"person": VICTIM_PHONE}), 422, "invalid_request")
    problem(stranger.post(f"{H}/bookings/{code}/cancel", json={"phone_token": "p_" + "x" * 43}), 403,
            "phone_unverified")
    # a guessed one-time code: five tries kill it, and the victim's number stays unproved
    stranger.post(f"{H}/phone/code", json={"phone": VICTIM_PHONE})
    real = last_code(edge, "138****0001")
    wrong = [c for c in (f"{n:06d}" for n in range(1000, 1010)) if c != real][:6]
    answers = [stranger.post(f"{H}/phone/verify", json={"phone": VICTIM_PHONE, "code": c}) for c in wrong]
    assert [r.status_code for r in answers] == [403] * 6
    problem(stranger.post(f"{H}/phone/verify", json={"phone": VICTIM_PHONE, "code": real}), 403, "bad_code")

    # the victim, and only the victim, sees and cancels it; a second booking is refused without the code
    victim_token = prove_phone(edge, victim, VICTIM_PHONE)
    body = problem(book(victim, slot, VICTIM_PHONE, victim_token), 409, "already_booked")
    assert code not in json.dumps(body)
    assert victim.post(f"{H}/bookings/lookup", json={"code": code, "phone_token": victim_token}).status_code == 200
    r = victim.post(f"{H}/bookings/{code}/cancel", json={"phone_token": victim_token})
    assert r.status_code == 200 and r.json()["booking"]["state"] == "cancelled"


def test_codes_are_rate_limited_per_number(edge, people) -> None:
    _victim, stranger = people
    statuses = [stranger.post(f"{H}/phone/code", json={"phone": "13712349999"}).status_code for _ in range(5)]
    assert statuses[:3] == [202] * 3 and statuses[3:] == [429, 429]


def test_id_bookings_reveal_no_blacklist_and_need_the_card_at_the_kiosk(edge, people) -> None:
    victim, stranger = people
    secret = bytes.fromhex((edge.workdir / "secret.key").read_text().strip())
    now = time.time()
    with write_transaction(edge.engine) as conn:  # the victim was blacklisted: three verified no-shows
        for i in range(3):
            at = now - (10 + i * 20) * 86400
            insert_booking(conn, Booking(
                id=f"test-OLD{i}", code=f"OLDNS00{i}", hall="test", service="GEN", day="2026-01-01",
                slot_start=at - 3600, slot_end=at - 1800, closes_at=at, person_hash=person_hash(secret, VICTIM_ID),
                person_mask="1101**********002X", channel="web", state=BookingState.NO_SHOW, after_hours=False,
                created_at=at - 86400, no_show_at=at, verified=True, phone_hash=person_hash(secret, OWNER_PHONE)))
    slot = soonest(stranger, "SOC")  # starts within half an hour: check-in is open
    # the stranger typing the victim's ID number learns nothing: no blacklist, no booking of theirs
    r = book(stranger, slot, VICTIM_ID, service="SOC")
    assert r.status_code == 201, r.text
    unverified = r.json()["booking"]
    # the victim, proved, is told their own state
    body = problem(book(victim, soonest(victim, "SOC", 1), VICTIM_ID, prove_phone(edge, victim, OWNER_PHONE),
                        service="SOC"), 403, "blacklisted")
    assert "前不能预约" in body["message_zh"]

    kiosk = edge.client(edge.add_device("kiosk"))
    card_key = derive_card_key(secret)  # what the kiosk's reader hashes the chip's number with
    problem(kiosk.post(f"{H}/bookings/check-in", json={"code": unverified["code"]}), 409, "card_required")
    problem(kiosk.post(f"{H}/bookings/check-in", json={"code": unverified["code"],
                                                       "card": card_hash(card_key, OTHER_ID)}), 409, "card_required")
    r = kiosk.post(f"{H}/bookings/check-in", json={"code": unverified["code"], "card": card_hash(card_key, VICTIM_ID)})
    assert r.status_code == 201 and r.json()["lane"] == "appointment", r.text  # the card's holder came
    kiosk.close()


def test_remote_tickets_need_the_proved_number_and_refusals_name_no_ticket(edge, people) -> None:
    victim, stranger = people
    problem(stranger.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": TAKER_PHONE,
                                                       "phone_token": prove_phone(edge, stranger, "13912340005")}),
            403, "phone_unverified")
    token = prove_phone(edge, victim, TAKER_PHONE)
    first = victim.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": TAKER_PHONE, "phone_token": token})
    assert first.status_code == 201, first.text
    again = problem(victim.post(f"{H}/remote-tickets", json={"service": "TAX", "phone": TAKER_PHONE,
                                                             "phone_token": token}), 409, "already_queued")
    assert first.json()["number"] not in json.dumps(again)

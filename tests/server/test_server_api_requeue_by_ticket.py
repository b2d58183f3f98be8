"""过号重排 by what is printed on the ticket (issue 16): the number, or the tracking QR that a kiosk's
scanner types, over real HTTP against a real server process. The hall's rule (tests/server/hall_test.toml:
behind 1 other, within 60 min) is the core's; here: who may ask, how the ticket is found, what a
visitor is told when it cannot be done."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.timeout(180)

H = "/api/v1/halls/test"


@pytest.fixture(scope="module")
def actors(server) -> Iterator[dict[str, httpx.Client]]:
    server.add_clerk("rq1", windows=(2,), name="重排员")
    made = {
        "kiosk": server.client(server.add_device("kiosk")),
        "counter": server.client(server.add_device("counter", window=2)),
        "display": server.client(server.add_device("display")),
        "clerk": server.client(server.login("rq1")),
        "public": server.client(),
    }
    yield made
    for c in made.values():
        c.close()


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


def missed(actors) -> dict:
    """A ticket whose visitor did not come when called at window 2."""
    t = ok(actors["kiosk"].post(f"{H}/tickets", json={"service": "TAX"}), 201)
    ok(actors["clerk"].post(f"{H}/windows/2/sign-in"))
    while (called := ok(actors["counter"].post(f"{H}/windows/2/call"))["ticket"])["id"] != t["id"]:
        ok(actors["counter"].post(f"{H}/windows/2/no-show"))  # tickets of earlier tests, if any
    assert called["number"] == t["number"]
    ok(actors["counter"].post(f"{H}/windows/2/no-show"))
    return t


def test_the_kiosk_requeues_a_typed_number_and_the_answer_says_where_it_is(actors) -> None:
    t = missed(actors)
    other = ok(actors["kiosk"].post(f"{H}/tickets", json={"service": "TAX"}), 201)  # someone waiting
    back = ok(actors["kiosk"].post(f"{H}/tickets/requeue", json={"number": t["number"].lower() + " "}))
    assert back["ticket"]["id"] == t["id"] and back["ticket"]["state"] == "waiting"
    assert back["ahead"] == 1 and back["requeue_behind"] == 1 and back["requeue_within_min"] == 60
    assert back["track_url"] == t["track_url"] and back["estimated_wait_s"] > 0
    again = actors["kiosk"].post(f"{H}/tickets/requeue", json={"number": t["number"]})
    assert again.status_code == 409 and again.json()["code"] == "not_missed"
    assert again.json()["message_zh"] == f"{t['number']} 号还在排队，不需要重排，请留意叫号"
    for ticket in (other, t):  # the queue as the requeue left it: the other one first
        assert ok(actors["counter"].post(f"{H}/windows/2/call"))["ticket"]["id"] == ticket["id"]
        ok(actors["counter"].post(f"{H}/windows/2/start"))
        ok(actors["counter"].post(f"{H}/windows/2/finish", json={"outcome": "consulted"}))
    ok(actors["counter"].post(f"{H}/windows/2/sign-out"))


def test_the_scanned_qr_finds_the_ticket_and_a_counter_may_requeue_too(actors) -> None:
    t = missed(actors)
    back = ok(actors["kiosk"].post(f"{H}/tickets/requeue", json={"track": t["track_url"]}))  # what a scanner types
    assert back["ticket"]["id"] == t["id"] and back["ticket"]["requeues"] == 1
    ok(actors["counter"].post(f"{H}/windows/2/call"))
    ok(actors["counter"].post(f"{H}/windows/2/no-show"))
    token = t["track_url"].rsplit("/", 1)[1]
    back = ok(actors["clerk"].post(f"{H}/tickets/requeue", json={"track": token}))  # the clerk's key
    assert back["ticket"]["requeues"] == 2
    ok(actors["counter"].post(f"{H}/windows/2/call"))
    ok(actors["counter"].post(f"{H}/windows/2/start"))
    ok(actors["counter"].post(f"{H}/windows/2/finish", json={"outcome": "consulted"}))
    done = actors["kiosk"].post(f"{H}/tickets/requeue", json={"number": t["number"]})
    assert done.status_code == 409 and done.json()["message_zh"] == f"{t['number']} 号已经办理完毕"
    ok(actors["counter"].post(f"{H}/windows/2/sign-out"))


def test_who_may_ask_and_what_is_not_found(actors) -> None:
    for who, status in (("display", 403), ("public", 401)):
        r = actors[who].post(f"{H}/tickets/requeue", json={"number": "B001"})
        assert r.status_code == status, (who, r.text)
    none = actors["kiosk"].post(f"{H}/tickets/requeue", json={"number": "B999"})
    assert none.status_code == 404 and "今天本大厅没有 B999 号" in none.json()["message_zh"]
    bad_qr = actors["kiosk"].post(f"{H}/tickets/requeue", json={"track": "http://x.test/t/nosuchtoken"})
    assert bad_qr.status_code == 404 and "请输入票上的号码" in bad_qr.json()["message_zh"]
    for body in ({"number": "票号"}, {}, {"number": "B001", "track": "abc"}):
        r = actors["kiosk"].post(f"{H}/tickets/requeue", json=body)
        assert r.status_code == 422, (body, r.text)

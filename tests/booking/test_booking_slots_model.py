"""Booking slot availability from memory (issue 14, server/readmodels/slots.py): the public slots page
answers from memory what the database would answer, learns other processes' bookings, and a phone that
polls with ``If-None-Match`` gets 304 until the places left change.

* equality: after random bookings, cancels, check-ins, no-show sweeps and the clock moving on, from two
  BookingService instances (two "processes") on one SQLite file, the in-memory answer is byte for byte
  the database path's, and the hall was loaded once (every change after that applied incrementally);
* a real ``hallq server``: 304 while nothing changes, the new count after a booking by someone else;
* two real server processes on one SQLite file: a booking and a cancel made through the second show in
  the first's answer at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.idcard.card import id_check_char
from server.booking import BookingRefused, Person
from server.booking.offer import offer_body
from server.booking.policy import BookingPolicy
from server.booking.service import BookingService
from server.core import Refused
from server.halls.errors import Problem
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.readmodels.hub import encode
from server.readmodels.slots import SlotModels
from server.storage.db import make_engine, upgrade
from tests.booking.booking_helpers import KIOSK, SECRET, Clock, at, load_deployment, make_bench
from tests.server.conftest import ServerProcess, fixed_clock_env, start_server, stop_server
from tests.support.phones import prove_phone

pytestmark = pytest.mark.timeout(300)

SERVICES = ("GEN", "BIZ", "EXT")
PHONES = [f"1381234{i:04d}" for i in range(6)]
POLICY = BookingPolicy(booking_per_ip_hour=100_000)


# -- equality with the database path --------------------------------------------------------------------------
def _db_answer(booking: BookingService, service: str) -> bytes:
    svc, days = booking.offer("t", service)
    return encode(offer_body("t", booking.config("t"), svc, days, booking.tz))


OPS = st.lists(
    st.tuples(
        st.integers(0, 1),  # which "process"
        st.one_of(
            st.tuples(st.just("book"), st.sampled_from(SERVICES), st.integers(0, 5), st.integers(0, 5)),
            st.tuples(st.sampled_from(["cancel", "check_in"]), st.integers(0, 30)),
            st.tuples(st.just("tick"), st.integers(1, 180)),  # minutes: slots start and drop out
            st.tuples(st.just("sweep")),
        ),
    ),
    min_size=1, max_size=30,
)
_examples = itertools.count()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_slots_from_memory_equal_the_database_after_two_processes_book_cancel_and_check_in(
        tmp_path: Path, template_db: Path, ops) -> None:
    workdir = tmp_path / f"example-{next(_examples)}"
    workdir.mkdir()
    bench = make_bench(workdir, template_db, now="2026-09-21 08:00", policy=POLICY)
    other = BookingService(HallService(bench.halls.engine, bench.halls.deployment, clock=bench.clock), SECRET,
                           POLICY)
    codes: list[tuple[str, str]] = []  # (code, phone)
    loads = 0

    async def run() -> None:
        nonlocal loads
        models = SlotModels(bench.booking)
        real_load = models._load

        def counted(hall: str):
            nonlocal loads
            loads += 1
            return real_load(hall)

        models._load = counted  # type: ignore[method-assign]
        await models.start()
        for s in SERVICES:  # loaded before the changes: everything after is applied incrementally
            assert await models.answer("t", s) is not None
        for which, op in ops:
            svc = (bench.booking, other)[which]
            with contextlib.suppress(BookingRefused, Problem, Refused):
                if op[0] == "book":
                    _, service, pick, who = op
                    _, days = svc.offer("t", service)
                    offered = [(d.day, s) for d in days for s, _ in d.slots][:6]
                    if offered:
                        day, slot = offered[pick % len(offered)]
                        phone = Person.parse(PHONES[who])
                        made = await asyncio.to_thread(
                            svc.book, "t", service=service, day=day, start_min=slot.start_min, person=phone,
                            address="10.0.0.1", phone=phone.key(SECRET))
                        codes.append((made.code, PHONES[who]))
                elif op[0] == "cancel" and codes:
                    code, phone = codes[op[1] % len(codes)]
                    await asyncio.to_thread(svc.cancel, "t", code, Person.parse(phone).key(SECRET), "10.0.0.1")
                elif op[0] == "check_in" and codes:
                    code, _ = codes[op[1] % len(codes)]
                    await asyncio.to_thread(svc.check_in, "t", who=KIOSK, code=code,
                                            render=lambda done: (201, None))
                elif op[0] == "tick":
                    bench.clock.now += op[1] * 60
                elif op[0] == "sweep":
                    await asyncio.to_thread(svc.sweep)
            for s in SERVICES:
                memory = await models.answer("t", s)
                assert memory.body == _db_answer(other, s), (op, s)
                again = await models.answer("t", s)
                assert again.etag == memory.etag  # nothing changed: the same tag (a phone gets 304)
        await models.stop()

    try:
        asyncio.run(run())
    finally:
        bench.halls.engine.dispose()
    assert loads == 1  # never rebuilt from scratch: the other process's changes came from booking_changes


def test_on_postgresql_another_process_booking_and_cancel_show_in_memory(tmp_path: Path, pg_url: str) -> None:
    """The PostgreSQL path: bookings numbered under the hall's advisory lock, the readers' shared probe."""
    deployment = load_deployment(tmp_path)
    setup = make_engine(pg_url)
    upgrade(setup)
    sync_config(setup, deployment, now=at("2026-01-01 00:00"), source="test")
    setup.dispose()
    clock = Clock(at("2026-09-21 08:00"))
    one, two = (BookingService(HallService(make_engine(pg_url), deployment, clock=clock), SECRET, POLICY)
                for _ in range(2))

    async def run() -> None:
        models = SlotModels(one)
        await models.start()
        try:
            await models.answer("t", "GEN")
            made = []
            for i, svc in enumerate((two, one, two)):  # the soonest slot holds 3
                _, days = svc.offer("t", "GEN")
                slot = days[0].slots[0][0]
                phone = Person.parse(PHONES[i])
                made.append((svc, await asyncio.to_thread(
                    svc.book, "t", service="GEN", day=days[0].day, start_min=slot.start_min, person=phone,
                    address="10.0.0.1", phone=phone.key(SECRET)), phone))
                assert (await models.answer("t", "GEN")).body == _db_answer(two, "GEN")
            assert json.loads((await models.answer("t", "GEN")).body)["days"][0]["slots"][0]["left"] == 0
            svc, booking, phone = made[0]
            await asyncio.to_thread(svc.cancel, "t", booking.code, phone.key(SECRET), "10.0.0.1")
            memory = await models.answer("t", "GEN")
            assert memory.body == _db_answer(one, "GEN")
            assert json.loads(memory.body)["days"][0]["slots"][0]["left"] == 1  # one place back
        finally:
            await models.stop()

    try:
        asyncio.run(run())
    finally:
        one.engine.dispose()
        two.engine.dispose()


# -- real servers ---------------------------------------------------------------------------------------------
H = "/api/v1/halls/test"
_ids = itertools.count(501)


def id_number() -> str:
    """A made-up ID number (valid check character): an ID booking needs no proved phone."""
    first17 = f"11010519800101{next(_ids):03d}"
    return first17 + id_check_char(first17)


def _server(workdir: Path, db: str) -> ServerProcess:
    env = {**fixed_clock_env(), "HALLQ_NOTIFY": f"sim://{workdir / 'notices.jsonl'}",
           "HALLQ_BOOKING_BOOKING_PER_IP_HOUR": "500"}
    return start_server(workdir, db, env=env)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two ``hallq server`` processes on one SQLite file, on the test clock (a Monday morning)."""
    workdir = tmp_path_factory.mktemp("slots-servers")
    db = f"sqlite:///{workdir / 'hallq.db'}"
    a = _server(workdir, db)
    b = _server(workdir, db)
    try:
        yield a, b
    finally:
        stop_server(b)
        stop_server(a)


def book(client: httpx.Client, service: str, slot: dict, person: str, token: str | None = None) -> dict:
    body = {"service": service, "day": slot["day"], "start": slot["start"], "person": person}
    if token:
        body["phone_token"] = token
    made = client.post(f"{H}/bookings", json=body)
    assert made.status_code == 201, made.text
    return made.json()["booking"]


def first_slot(answer: httpx.Response) -> dict:
    day = answer.json()["days"][0]
    return {**day["slots"][0], "day": day["day"]}


def prove(server: ServerProcess, client: httpx.Client, phone: str) -> str:
    return prove_phone(server.workdir, client, phone, "test")


def test_a_polling_phone_gets_304_until_someone_books_then_the_new_count(servers) -> None:
    a, _ = servers
    with a.client() as phone, a.client() as visitor:
        first = phone.get(f"{H}/booking/slots", params={"service": "GEN"})
        assert first.status_code == 200 and first.headers["etag"]
        assert first.headers["cache-control"].startswith("public")  # a public page: a proxy may hold it
        tag, slot = first.headers["etag"], first_slot(first)
        for _ in range(3):
            again = phone.get(f"{H}/booking/slots", params={"service": "GEN"}, headers={"If-None-Match": tag})
            assert again.status_code == 304 and again.content == b""
        book(visitor, "TAX", first_slot(visitor.get(f"{H}/booking/slots", params={"service": "TAX"})), id_number())
        unchanged = phone.get(f"{H}/booking/slots", params={"service": "GEN"}, headers={"If-None-Match": tag})
        assert unchanged.status_code == 304  # another service's booking leaves this page as it was
        book(visitor, "GEN", slot, id_number())
        changed = phone.get(f"{H}/booking/slots", params={"service": "GEN"}, headers={"If-None-Match": tag})
        assert changed.status_code == 200 and changed.headers["etag"] != tag
        assert first_slot(changed)["left"] == slot["left"] - 1
        assert first_slot(changed)["start"] == slot["start"]


def test_a_booking_and_a_cancel_through_another_process_show_at_once(servers) -> None:
    a, b = servers
    with a.client() as phone, b.client() as elsewhere:
        before = phone.get(f"{H}/booking/slots", params={"service": "SOC"})
        assert before.status_code == 200
        slot = first_slot(before)
        made = book(elsewhere, "SOC", slot, "13712340001", prove(b, elsewhere, "13712340001"))
        after = phone.get(f"{H}/booking/slots", params={"service": "SOC"},
                          headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and first_slot(after)["left"] == slot["left"] - 1
        assert after.json()["days"][1:] == before.json()["days"][1:]  # nothing else moved
        cancelled = elsewhere.post(f"{H}/bookings/{made['code']}/cancel",
                                   json={"phone_token": prove(b, elsewhere, "13712340001")})
        assert cancelled.status_code == 200, cancelled.text
        back = phone.get(f"{H}/booking/slots", params={"service": "SOC"},
                         headers={"If-None-Match": after.headers["etag"]})
        assert back.status_code == 200 and back.content == before.content
        assert back.headers["etag"] == before.headers["etag"]  # the same places: the same tag


def test_the_fast_path_answers_as_the_route_does(servers) -> None:
    """``?service=X`` alone is answered by the fast-path middleware (server/api/fastpath.py); any other
    query goes through the FastAPI route. A phone must not tell them apart: same body, tag and headers,
    and the same bilingual refusals."""
    a, _ = servers
    with a.client() as phone:
        fast = phone.get(f"{H}/booking/slots?service=GEN")
        routed = phone.get(f"{H}/booking/slots?service=GEN&from=phone")  # an extra key: the route
        assert fast.status_code == routed.status_code == 200
        assert fast.content == routed.content
        for header in ("etag", "cache-control", "content-type"):
            assert fast.headers[header] == routed.headers[header]
        unknown = phone.get(f"{H}/booking/slots?service=NOPE")  # fast-path shape, the route's refusal
        unknown_routed = phone.get(f"{H}/booking/slots?service=NOPE&from=phone")
        assert unknown.status_code == unknown_routed.status_code == 422
        assert unknown.json() == unknown_routed.json() and unknown.json()["message_zh"]
        metrics = phone.get("/metrics").text
        assert 'route="/api/v1/halls/{hall}/booking/slots"' in metrics

"""好差评 (DOMAIN rule 8): after finish the pad opens for that visit; the visitor's key press — from a
serial pad on a pty or a USB keypad through real evdev events — is stored tied to ticket, service, window
and clerk; no press → 未评价 stored, never a default grade; one per visit; the clerk cannot rate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from counter_helpers import CLERK_A, HALL, finish, serve, signed_in, wait_until
from evdev import InputEvent, ecodes
from PySide6.QtCore import Qt
from sqlalchemy import select

from client import ApiError, HallClient
from counter import Timings
from drivers.pad import open_pad
from drivers.pad.simulator import PadSimulator
from drivers.terminal import Devices
from server.storage import schema as t

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("clean_hall")]

KEYPAD = "/dev/input/by-path/pci-0000:00:14.0-usb-0:3:1.0-event-kbd"


def ratings(server, ticket_id: str) -> list[dict]:
    with server.engine.connect() as conn:
        rows = conn.execute(select(t.ratings).where(t.ratings.c.ticket_id == ticket_id)).mappings().all()
    return [dict(r) for r in rows]


def audit_actions(server, action: str) -> list[dict]:
    with server.engine.connect() as conn:
        rows = conn.execute(select(t.audit_log).where(t.audit_log.c.action == action)).mappings().all()
    return [dict(r) for r in rows]


@pytest.fixture
def pad_sim() -> Iterator[PadSimulator]:
    with PadSimulator() as sim:
        yield sim


def key_down(code: int, t: float = 100.0) -> list[InputEvent]:
    """What the kernel sends for a key going down: MSC_SCAN, the key, SYN_REPORT."""
    sec, usec = int(t), round((t % 1) * 1_000_000)
    return [InputEvent(sec, usec, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70059),
            InputEvent(sec, usec, ecodes.EV_KEY, code, 1),
            InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)]


def test_the_rating_endpoint_takes_the_visitors_rating_once(server, kiosk, manager) -> None:
    manager.sign_in(HALL, 1)
    kiosk.issue(HALL, "GEN")
    ticket = manager.call(HALL, 1).ticket
    manager.start(HALL, 1)
    with (HallClient(server.base_url, server.add_device("counter", hall=HALL, window=1)) as counter,
          HallClient(server.base_url, server.add_device("counter", hall=HALL, window=2)) as elsewhere,
          HallClient(server.base_url, server.add_device("pad", hall=HALL, window=1)) as pad):
        with pytest.raises(ApiError) as early:
            counter.rate(HALL, ticket.id, 5)
        assert (early.value.status, early.value.code) == (409, "not_finished")
        manager.finish(HALL, 1, "completed")
        with pytest.raises(ApiError) as clerk:
            manager.rate(HALL, ticket.id, 5)  # staff: the rating is the visitor's (004 第三十三条)
        assert (clerk.value.status, clerk.value.code) == (403, "forbidden")
        with pytest.raises(ApiError) as other:
            elsewhere.rate(HALL, ticket.id, 5)  # another window's counter
        assert other.value.status == 403
        stored = counter.rate(HALL, ticket.id, None, idempotency_key="rate-once-1")
        assert (stored.score, stored.label_zh, stored.window, stored.clerk, stored.service) == (
            None, "未评价", 1, "6009", "GEN")
        again = counter.rate(HALL, ticket.id, None, idempotency_key="rate-once-1")  # a retry: replayed
        assert again.at == stored.at
        with pytest.raises(ApiError) as twice:
            pad.rate(HALL, ticket.id, 1)
        assert (twice.value.status, twice.value.code) == (409, "already_rated")
        with pytest.raises(ApiError) as bad:
            counter.rate(HALL, ticket.id, 6)
        assert bad.value.code == "invalid_request"
    assert [(r["score"], r["window"], r["clerk"], r["channel"]) for r in ratings(server, ticket.id)] == [
        (None, 1, "6009", "pad")]
    audited = [a for a in audit_actions(server, "ticket.rate") if ticket.id in a["detail"]]
    assert len(audited) == 1 and audited[0]["window"] == 1 and audited[0]["role"] == "counter"


def test_a_rating_from_the_serial_pad(qtbot, server, pad_sim, make_counter, kiosk) -> None:
    counter = make_counter(server, 1, Devices(pad=open_pad(pad_sim.url_for(1, timeout=2))))
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    main = counter.window.main
    assert not pad_sim.lights()  # the pad stays dark until the visit is finished
    finish(qtbot, counter)
    assert pad_sim.wait_for(lambda: pad_sim.lights(), timeout=20)
    assert pad_sim.prompt() == "欢迎您对本次服务进行评价"
    assert "请申请人在评价器上评价" in main.rating.text() and "自愿" in main.rating.text()
    pad_sim.press(4)
    wait_until(qtbot, lambda: main.rating.text() == f"{issued.number}：评价结果已记录")
    [row] = ratings(server, issued.id)
    assert (row["score"], row["service"], row["window"], row["clerk"], row["channel"]) == (4, "GEN", 1, CLERK_A, "pad")
    assert "满意" not in main.rating.text()  # the clerk sees that, not how, the visitor rated
    pad_sim.press(1)  # one per visit: a second press counts for nothing
    assert pad_sim.wait_for(lambda: len(pad_sim.key_acks()) == 2, timeout=20)
    assert [r["score"] for r in ratings(server, issued.id)] == [4]
    assert pad_sim.wait_for(lambda: not pad_sim.lights(), timeout=20)


def test_a_rating_from_the_usb_keypad(qtbot, server, inputs, make_counter, kiosk) -> None:
    inputs.plug("USB Keypad", KEYPAD, {ecodes.EV_KEY: [ecodes.KEY_KP1, ecodes.KEY_KP5]})
    pad = open_pad(f"evdev://{KEYPAD}?retry=0.02")
    assert pad.source.wait_present()
    counter = make_counter(server, 1, Devices(pad=pad))
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    finish(qtbot, counter, "accepted")
    wait_until(qtbot, lambda: pad.health().facts["rating_open"] == issued.id)
    inputs.emit(KEYPAD, key_down(ecodes.KEY_KP5))
    wait_until(qtbot, lambda: bool(ratings(server, issued.id)))
    [row] = ratings(server, issued.id)
    assert (row["score"], row["clerk"], row["window"]) == (5, CLERK_A, 1)


def test_no_press_records_not_rated_and_the_clerk_cannot_rate(qtbot, server, pad_sim, make_counter,
                                                               kiosk) -> None:
    counter = make_counter(server, 1, Devices(pad=open_pad(pad_sim.url_for(1, timeout=2))),
                           timings=Timings(probe_ms=100, rating_s=0.5))
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    finish(qtbot, counter, "consulted")
    for digit in (Qt.Key.Key_5, Qt.Key.Key_1):  # the clerk's keyboard is not the visitor's pad
        qtbot.keyClick(counter.window, digit)
    wait_until(qtbot, lambda: bool(ratings(server, issued.id)))  # the pad's own deadline ran out
    [row] = ratings(server, issued.id)
    assert row["score"] is None and (row["clerk"], row["window"]) == (CLERK_A, 1)  # 未评价, never a grade
    wait_until(qtbot, lambda: counter.window.main.rating.text() == f"{issued.number}：未评价（已记录）")
    assert pad_sim.wait_for(lambda: not pad_sim.lights(), timeout=20)
    pad_sim.press(5)  # too late: the visit's rating has ended
    assert pad_sim.wait_for(lambda: len(pad_sim.key_acks()) == 1, timeout=20)
    assert [r["score"] for r in ratings(server, issued.id)] == [None]

"""Two terminals pressing 叫号 at the same moment never get the same visitor; a press whose answer is lost
(applied by the server, never heard back) is held, sent again with the same key, and applied once."""

from __future__ import annotations

import pytest
from counter_helpers import CLERK_A, CLERK_B, HALL, current, finish, settle, signed_in, wait_until
from sqlalchemy import func, select

from counter import Act
from server.storage import schema as t
from tests.client.support import LosingTransport

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("clean_hall")]

ROUNDS = 3


def called_events(server, ticket_id: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.events).where(
            t.events.c.ticket == ticket_id, t.events.c.kind == "ticket.called")).scalar_one()


def test_two_terminals_calling_at_once_never_share_a_visitor(qtbot, server, make_counter, kiosk) -> None:
    one, two = make_counter(server, 1), make_counter(server, 2)  # both windows serve 综合受理 first
    signed_in(qtbot, one, CLERK_A)
    signed_in(qtbot, two, CLERK_B)
    seen: set[str] = set()
    for _ in range(ROUNDS):
        issued = {kiosk.issue(HALL, "GEN").id for _ in range(2)}
        wait_until(qtbot, lambda: all(Act.CALL in c.controller.allowed() for c in (one, two)))
        one.window.main.buttons[Act.CALL].click()  # both requests leave before either answer is back
        two.window.main.buttons[Act.CALL].click()
        settle(qtbot, one)
        settle(qtbot, two)
        a, b = current(one), current(two)
        assert a is not None and b is not None
        assert a.id != b.id and {a.id, b.id} == issued
        assert (a.window, b.window) == (1, 2)
        seen |= {a.id, b.id}
        for counter in (one, two):
            counter.window.main.buttons[Act.START].click()
            settle(qtbot, counter)
            finish(qtbot, counter)
    assert len(seen) == 2 * ROUNDS
    assert all(called_events(server, ticket) == 1 for ticket in seen)


def test_a_lost_answer_is_sent_again_with_its_key_and_applied_once(qtbot, server, make_counter, kiosk) -> None:
    # every attempt of the client's first round loses its answer: the server applied the call, the
    # terminal heard nothing and holds the press (offline); its next round is answered from the store
    losing = LosingTransport(lose=3, when=lambda r: r.method == "POST" and r.url.path.endswith("/call"))
    counter = make_counter(server, 1, transport=losing, http_retries=2)
    ctrl = counter.controller
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    counter.window.main.buttons[Act.CALL].click()
    settle(qtbot, counter)
    assert current(counter) is not None and current(counter).id == issued.id
    calls = [r for r in losing.seen if r.url.path.endswith("/call")]
    assert len(calls) == 4 and len({r.headers["idempotency-key"] for r in calls}) == 1
    assert called_events(server, issued.id) == 1
    assert ctrl.online and not ctrl.outbox.busy

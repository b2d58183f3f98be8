"""Retries and idempotency: a counter's action is never lost nor applied twice, and a dead server is
reported quickly (bounded attempts), never waited on forever."""

from __future__ import annotations

import queue
import threading

import httpx
import pytest

from client import ApiError, Backoff, ClientError, HallClient, ServerUnreachable
from client.models import TicketState
from tests.client.support import FAST, HALL, Hall, LosingTransport, clear_window
from tests.server.conftest import free_port


def _posts(path_end: str):
    return lambda r: r.method == "POST" and r.url.path.endswith(path_end)


def test_lost_answer_to_issue_is_retried_with_the_same_key_and_applied_once(hall: Hall) -> None:
    lossy = LosingTransport(lose=1, when=_posts("/tickets"))
    with hall.client(hall.kiosk, transport=lossy) as kiosk, hall.client(hall.display) as display:
        before = next(w.total for w in display.snapshot(HALL).waiting if w.service == "SOC")
        issued = kiosk.issue(HALL, "SOC")
        after = next(w.total for w in display.snapshot(HALL).waiting if w.service == "SOC")
    posts = [r for r in lossy.seen if r.method == "POST"]
    assert len(posts) == 2 and posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert after == before + 1  # one ticket, although the server got the request twice
    assert issued.state is TicketState.WAITING


def test_lost_answer_to_call_gives_the_same_visitor_not_the_next(hall: Hall, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    with hall.client(hall.kiosk) as kiosk:
        first, second = kiosk.issue(HALL, "GEN"), kiosk.issue(HALL, "GEN")
    lossy = LosingTransport(lose=1, when=_posts("/call"))
    with hall.client(hall.clerk_token, transport=lossy) as counter:
        called = counter.call(HALL, 1)
        assert called is not None and called.ticket.id == first.id
        assert counter.window(HALL, 1).current.id == first.id
        assert counter.ticket(HALL, second.id).state is TicketState.WAITING
    assert len([r for r in lossy.seen if r.url.path.endswith("/call")]) == 2


def test_a_failing_proxy_is_retried_and_4xx_is_not(hall: Hall) -> None:
    proxy = LosingTransport(lose=2, status=503)
    with hall.client(hall.kiosk, transport=proxy, retries=3) as kiosk:
        issued = kiosk.issue(HALL, "GEN")
        assert issued.number.startswith("A")
        assert len(proxy.seen) == 3 and len(set(proxy.keys())) == 1

        proxy.seen.clear()
        with pytest.raises(ApiError) as refused:
            kiosk.issue(HALL, "XX")
        assert refused.value.status == 422 and len(proxy.seen) == 1


def test_a_proxy_failing_for_good_ends_in_server_unreachable(hall: Hall) -> None:
    proxy = LosingTransport(lose=99, status=502)
    with hall.client(hall.kiosk, transport=proxy, retries=2) as kiosk, pytest.raises(ServerUnreachable) as down:
        kiosk.snapshot(HALL)
    assert down.value.attempts == 3 and len(proxy.seen) == 3 and "502" in down.value.en


def test_the_callers_key_makes_a_repeat_a_replay(hall: Hall) -> None:
    """An app that restarts mid-action can resend with the key it saved: same answer, one ticket."""
    with hall.client(hall.kiosk) as kiosk:
        one = kiosk.issue(HALL, "GEN", idempotency_key="kiosk-7-000123")
        again = kiosk.issue(HALL, "GEN", idempotency_key="kiosk-7-000123")
        assert again.id == one.id and again.seq == one.seq
        with pytest.raises(ApiError) as reused:  # the same key for another request is refused
            kiosk.issue(HALL, "SOC", idempotency_key="kiosk-7-000123")
        assert reused.value.code == "idempotency_key_reused"


def test_login_is_not_repeated_when_its_answer_is_lost(hall: Hall) -> None:
    """Login carries no key: after a lost answer the client cannot know, so it does not resend."""
    lossy = LosingTransport(lose=1, when=_posts("/auth/login"))
    with hall.client(transport=lossy) as client, pytest.raises(ServerUnreachable) as lost:
        client.login(hall.clerk, "246813")
    assert lost.value.attempts == 1 and len(lossy.seen) == 1


def test_server_down_is_reported_after_bounded_attempts() -> None:
    counting = LosingTransport(lose=0)
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with HallClient(base, "token", retries=2, backoff=FAST, transport=counting) as client:
        with pytest.raises(ServerUnreachable) as down:
            client.issue(HALL, "GEN")
        assert down.value.attempts == 3 and len(counting.seen) == 3
        assert len(set(counting.keys())) == 1  # every attempt carried the same key
        assert "无法连接服务器" in down.value.zh and "ConnectError" in down.value.en
        with pytest.raises(ServerUnreachable):
            client.snapshot(HALL)  # reads are bounded the same way


def test_a_closed_client_refuses_clearly() -> None:
    client = HallClient(f"http://127.0.0.1:{free_port()}", retries=1000)
    client.close()
    with pytest.raises(ClientError) as closed:
        client.halls()
    assert closed.value.en == "the client is closed"


def test_a_foreign_error_page_still_gives_a_bilingual_error() -> None:
    page = httpx.MockTransport(lambda r: httpx.Response(500, text="<h1>oops</h1>"))
    with HallClient("http://hall.test", transport=page) as client, pytest.raises(ApiError) as failed:
        client.halls()
    assert failed.value.status == 500 and failed.value.code == "http_error"
    assert failed.value.zh == "服务器返回 HTTP 500"


def test_close_interrupts_a_retry_waiting_in_its_backoff() -> None:
    """An app shutting down does not wait out the backoff of a call in flight."""
    first_attempt = threading.Event()

    class Refusing(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            first_attempt.set()
            raise httpx.ConnectError("refused (test)", request=request)

    client = HallClient("http://hall.test", retries=5, backoff=Backoff(first=600, cap=600),
                        transport=Refusing())
    outcome: queue.Queue[BaseException] = queue.Queue()

    def call() -> None:
        try:
            client.halls()
        except BaseException as exc:
            outcome.put(exc)

    worker = threading.Thread(target=call)
    worker.start()
    assert first_attempt.wait(30)
    client.close()
    worker.join(30)
    error = outcome.get(timeout=30)
    assert isinstance(error, ServerUnreachable) and "client closed" in error.en

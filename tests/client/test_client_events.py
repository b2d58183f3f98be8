"""EventStream against a real server (in order; killed and restarted mid-stream; resync; refused
token) and against a scripted WebSocket server for what a healthy server never sends (gaps,
duplicates, garbage)."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.sync.server import Server, ServerConnection, serve

from client import ApiError, ClientError, EventStream, HallClient
from tests.client.support import HALL, Hall, clear_window, make_hall
from tests.server.conftest import ServerProcess, free_port, start_server, stop_server

pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of blocking the run
WAIT = 30  # seconds to wait for one callback: generous, never a pass condition


class Recorder:
    """The app side of a stream: every callback lands in a queue the test waits on."""

    def __init__(self, on_link: threading.Event | None = None) -> None:
        self.events: queue.Queue[dict] = queue.Queue()
        self.snapshots: queue.Queue[dict] = queue.Queue()
        self.links: queue.Queue[bool] = queue.Queue()
        self.errors: queue.Queue[ClientError] = queue.Queue()
        self.gate = on_link  # if set: a lost link holds the stream thread until the test opens it

    def on_connection(self, up: bool) -> None:
        self.links.put(up)
        if not up and self.gate is not None:
            assert self.gate.wait(WAIT * 4)

    def stream(self, base_url: str, token: str | None, **kw) -> EventStream:
        return EventStream(base_url, token, HALL, on_event=self.events.put, on_snapshot=self.snapshots.put,
                           on_connection=self.on_connection, on_error=self.errors.put, **kw)

    def until(self, seq: int) -> list[dict]:
        """Events up to and including ``seq``."""
        got: list[dict] = []
        while not got or got[-1]["seq"] < seq:
            got.append(self.events.get(timeout=WAIT))
        return got


def test_calls_arrive_in_order_exactly_once(hall: Hall, kiosk: HallClient, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    rec = Recorder()
    with rec.stream(hall.server.base_url, hall.display):
        snapshot = rec.snapshots.get(timeout=WAIT)
        assert rec.links.get(timeout=WAIT) is True
        issued = [kiosk.issue(HALL, "GEN") for _ in range(4)]
        calls = []
        for _ in issued:
            calls.append(clerk.call(HALL, 1))
            clerk.start(HALL, 1)
            last = clerk.finish(HALL, 1, "completed").seq
        events = rec.until(last)
    assert [e["seq"] for e in events] == list(range(snapshot["seq"] + 1, last + 1))
    called = [e["data"]["ticket"]["number"] for e in events if e["kind"] == "ticket.called"]
    assert called == [t.number for t in issued] == [c.ticket.number for c in calls]
    assert rec.snapshots.empty()  # one snapshot at the start, no resync


def test_resync_takes_a_fresh_snapshot_and_goes_on(hall: Hall, kiosk: HallClient) -> None:
    """``since`` ahead of the hall (a database restored from backup): the server says resync."""
    rec = Recorder()
    with rec.stream(hall.server.base_url, hall.display, since=10**9) as stream:
        snapshot = rec.snapshots.get(timeout=WAIT)
        assert snapshot["seq"] < 10**9 and snapshot["hall"] == HALL
        while rec.links.get(timeout=WAIT) is not True:  # the resync connection, then the good one
            pass
        issued = kiosk.issue(HALL, "SOC")
        (event,) = rec.until(issued.seq)
        assert event["kind"] == "ticket.issued" and event["data"]["ticket"]["id"] == issued.id
        assert stream.last_seq == issued.seq


def test_a_refused_token_ends_the_stream_with_a_bilingual_error(hall: Hall) -> None:
    rec = Recorder()
    stream = rec.stream(hall.server.base_url, "not-a-token", since=0).start()
    error = rec.errors.get(timeout=WAIT)
    stream.stop()
    assert isinstance(error, ApiError) and error.status == 401 and error.code == "unauthorized"
    assert error.zh and error.en and stream.error is error and not stream.running


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """A server this test may kill; the list holds every incarnation (all stopped at the end)."""
    servers = [start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}")]
    try:
        yield servers
    finally:
        for srv in servers:
            stop_server(srv)


def test_server_killed_and_restarted_mid_stream_loses_nothing(own_server: list[ServerProcess]) -> None:
    first = own_server[0]
    hall = make_hall(first, "k")
    port = int(first.base_url.rsplit(":", 1)[1])
    reopen = threading.Event()
    rec = Recorder(on_link=reopen)
    with (
        hall.client(hall.kiosk) as kiosk,
        hall.client(hall.clerk_token) as clerk,
        rec.stream(first.base_url, hall.display) as stream,
    ):
        start = rec.snapshots.get(timeout=WAIT)["seq"]
        assert rec.links.get(timeout=WAIT) is True
        clerk.sign_in(HALL, 1)
        kiosk.issue(HALL, "GEN")
        before = clerk.call(HALL, 1).seq
        rec.until(before)

        first.proc.kill()  # SIGKILL: no goodbye on the socket
        first.proc.wait(timeout=WAIT)
        assert rec.links.get(timeout=WAIT) is False  # the stream thread now waits at the gate

        own_server.append(start_server(first.workdir, first.db_url, port=port))
        missed = [kiosk.issue(HALL, "GEN").seq for _ in range(3)]  # the clients reconnect by themselves
        clerk.start(HALL, 1)
        missed.append(clerk.finish(HALL, 1, "completed").seq)
        missed.append(clerk.call(HALL, 1).seq)
        reopen.set()

        assert rec.links.get(timeout=WAIT) is True
        live = kiosk.issue(HALL, "GEN").seq
        after = rec.until(live)
        assert stream.last_seq == live

    seqs = [e["seq"] for e in after]
    assert seqs == list(range(before + 1, live + 1))  # every missed event once, in order, then live
    assert set(missed) <= set(seqs) and start < before
    assert rec.snapshots.empty()  # replayed from the event table: no resync needed


def test_stop_ends_the_thread_while_the_server_is_down() -> None:
    rec = Recorder()
    stream = rec.stream(f"http://127.0.0.1:{free_port()}", "token").start()
    assert rec.links.get(timeout=WAIT) is False  # the snapshot could not be fetched: offline
    stream.stop()
    assert not stream.running and rec.snapshots.empty() and rec.errors.empty()


# -- a scripted WebSocket server: what a healthy server never sends ---------------------------------
class Script:
    """Serves one list of messages per connection and records the ``since`` each connection asked for."""

    def __init__(self, rounds: list[list[str]]) -> None:
        self.rounds = rounds
        self.since: list[int | None] = []
        self.server: Server = serve(self.handle, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, name="script-ws")

    @property
    def base_url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def handle(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        self.since.append(int(query["since"][0]) if "since" in query else None)
        round_ = self.rounds[len(self.since) - 1] if len(self.since) <= len(self.rounds) else []
        for message in round_:
            ws.send(message)
        for _ in ws:  # keep the connection until the client leaves
            pass

    def __enter__(self) -> Script:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(WAIT)


def ev(seq: int) -> str:
    return json.dumps({"seq": seq, "kind": "ticket.issued", "at": 0.0, "data": {"n": seq}})


def test_gap_duplicate_and_garbage_are_handled() -> None:
    rounds = [
        [ev(1), ev(2), "not json", "[1, 2]", json.dumps({"kind": "hello"}), ev(2), ev(4)],  # 3 is missing
        [ev(3), ev(4), ev(4), ev(5)],  # the replay from since=2, with a duplicate
    ]
    rec = Recorder()
    with Script(rounds) as script, rec.stream(script.base_url, "t", since=0) as stream:
        got = rec.until(5)
        assert stream.last_seq == 5
    assert [e["seq"] for e in got] == [1, 2, 3, 4, 5]
    assert [e["data"]["n"] for e in got] == [1, 2, 3, 4, 5]
    assert script.since == [0, 2]


def test_a_failing_callback_does_not_stop_the_stream() -> None:
    got: queue.Queue[int] = queue.Queue()

    def fragile(event: dict) -> None:
        if event["seq"] == 1:
            raise RuntimeError("app bug (test)")
        got.put(event["seq"])

    with Script([[ev(1), ev(2)]]) as script:
        stream = EventStream(script.base_url, "t", HALL, since=0, on_event=fragile, on_snapshot=print)
        with stream:
            assert got.get(timeout=WAIT) == 2

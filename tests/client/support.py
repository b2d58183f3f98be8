"""Helpers shared by the client tests (imported as ``tests.client.support``): the people and devices
of a test hall, a window cleaner, and a transport that loses answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from client import Backoff, HallClient
from tests.server.conftest import ServerProcess
from tests.support.windows import serve_out

HALL = "test"
FAST = Backoff(first=0.01, cap=0.05)  # retries in tests: the rule is under test, not the pacing


@dataclass
class Hall:
    """One server with the people and devices the apps would have."""

    server: ServerProcess
    kiosk: str
    display: str
    counter: str  # bound to window 1
    clerk: str  # staff number of a clerk for windows 1–3 (PIN 246813)
    clerk_b: str  # the B post of the same windows
    manager: str
    clerk_token: str  # logged in once per module: argon2 is slow on purpose
    manager_token: str

    def client(self, token: str | None = None, **kw) -> HallClient:
        kw.setdefault("backoff", FAST)
        kw.setdefault("timeout", 30)  # a loaded CI box, not a slow server, must not fail a test
        return HallClient(self.server.base_url, token, **kw)


def make_hall(srv: ServerProcess, tag: str) -> Hall:
    """Devices and staff with numbers unique per ``tag`` (several test modules share a database
    only when they share a server, which they do not; the tag keeps it safe anyway)."""
    for staff, role in ((f"{tag}1", "clerk"), (f"{tag}2", "clerk"), (f"{tag}9", "manager")):
        srv.add_clerk(staff, role=role, windows=(1, 2, 3))
    return Hall(
        srv,
        kiosk=srv.add_device("kiosk"),
        display=srv.add_device("display"),
        counter=srv.add_device("counter", window=1),
        clerk=f"{tag}1",
        clerk_b=f"{tag}2",
        manager=f"{tag}9",
        clerk_token=srv.login(f"{tag}1"),
        manager_token=srv.login(f"{tag}9"),
    )


def clear_window(client: HallClient, window: int) -> None:
    """Finish whatever a previous test left at the window, and anything waiting for it."""
    serve_out(client, HALL, window)


class LosingTransport(httpx.BaseTransport):
    """Forwards to the real server, then loses the answer of the first ``lose`` matching requests:
    the server has applied them, the client sees a dropped connection (``httpx.ReadError``)."""

    def __init__(self, lose: int = 1, when: Callable[[httpx.Request], bool] = lambda r: True,
                 status: int | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.lose = lose
        self.when = when
        self.status = status  # instead of losing it, answer like a failing proxy (e.g. 503)
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.lose and self.when(request):
            self.lose -= 1
            if self.status is not None:  # a proxy in front of a restarting server: never forwarded
                return httpx.Response(self.status, text="<html>bad gateway</html>")
            response = self.inner.handle_request(request)
            response.read()
            response.close()
            raise httpx.ReadError("connection reset before the answer arrived (test)",
                                  request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    def keys(self) -> list[str | None]:
        return [r.headers.get("idempotency-key") for r in self.seen]

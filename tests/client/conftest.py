"""Fixtures for the API client tests: the server tests' real ``hallq server`` process (reused from
tests/server/conftest.py, one per test module), tokens and clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client import HallClient
from tests.client.support import HALL, Hall, make_hall
from tests.server.conftest import ServerProcess, server
from tests.support.threads import no_thread_left_behind  # noqa: F401  (autouse fixture)

__all__ = ["server"]  # the server tests' fixture: a real `hallq server` per module


@pytest.fixture(scope="module")
def hall(server: ServerProcess) -> Hall:
    return make_hall(server, "c")


@pytest.fixture
def kiosk(hall: Hall) -> Iterator[HallClient]:
    with hall.client(hall.kiosk) as client:
        yield client


@pytest.fixture
def clerk(hall: Hall) -> Iterator[HallClient]:
    """A clerk's client, signed in at window 1."""
    with hall.client(hall.clerk_token) as client:
        client.sign_in(HALL, 1)
        yield client

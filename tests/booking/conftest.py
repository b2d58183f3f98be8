"""Fixtures of the booking tests: a migrated database to copy for each service-level test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.booking.booking_helpers import make_template
from tests.server.conftest import pg_admin, pg_url  # noqa: F401 - fixtures (the slot model on PostgreSQL)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("booking-template"))

"""Fixtures for the deployment tests: real servers (tests/server/conftest.py), a bare X server (Xvfb, no
window manager), Debian's nginx. Tests skip with the package to install when a program is missing."""

from __future__ import annotations

import shutil

import pytest

from tests.server.conftest import deployment, pg_admin, pg_url, spawn_server, sqlite_url  # noqa: F401


def need(program: str, package: str) -> str:
    """The path of ``program``, or skip the test naming the Debian package that provides it."""
    path = shutil.which(program) or (f"/usr/sbin/{program}" if shutil.which(f"/usr/sbin/{program}") else None)
    if path is None:
        pytest.skip(f"{program} is missing: apt-get install {package} (listed in .ci/bootstrap-system)")
    return path

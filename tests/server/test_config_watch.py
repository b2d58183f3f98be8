"""The configuration watch (server/halls/live_config.py) looks at the database once a second in every
server process. A province's deployment is hundreds of halls: hashing the running configuration on every
look cost ~0.9 ms a 100-window hall, a fifth of a core for 200 halls doing nothing. It is hashed once per
configuration the process takes."""

from __future__ import annotations

from pathlib import Path

import config
from server.app import build_context
from server.halls import live_config
from server.settings import Settings
from tests.server.conftest import TEST_CONFIG


def test_the_running_configuration_is_hashed_once_per_configuration_taken(tmp_path: Path, monkeypatch) -> None:
    ctx = build_context(Settings(db_url=f"sqlite:///{tmp_path / 'hallq.db'}", config_path=TEST_CONFIG,
                                 secret_file=tmp_path / "secret.key"))
    hashed = []
    real = live_config.config_hash

    def counting(deployment):
        hashed.append(deployment)
        return real(deployment)

    monkeypatch.setattr(live_config, "config_hash", counting)
    state: dict = {}
    try:
        for _ in range(5):  # nothing changed: nothing taken
            assert live_config.check(ctx, state) is False
        assert hashed == [ctx.deployment]
        ctx.deployment = config.load(TEST_CONFIG)  # as after a reload: another configuration object
        assert live_config.check(ctx, state) is False  # the same file, so the same hash: still nothing to take
        assert hashed == [hashed[0], ctx.deployment]
    finally:
        ctx.engine.dispose()

"""What every request handler needs, built once per process by ``server.app``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from config import Deployment
from server.auth import LoginPolicy
from server.halls.service import HallService
from server.settings import Settings

from .fanout import Fanout


@dataclass(slots=True)
class AppContext:
    settings: Settings
    engine: Engine
    deployment: Deployment
    service: HallService
    fanout: Fanout
    login_policy: LoginPolicy
    device_silent_after_s: float = 180  # a device without a heartbeat this long is reported silent
    readmodels: Any = None  # server.readmodels.ReadModels (issue 14): what screens and phones read
    who_cache: dict[str, Any] = field(default_factory=dict)  # deps.principal_cached

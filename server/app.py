"""The FastAPI application: ``create_app(settings)`` wires storage, the hall service, the fan-out, the
routers, error handling, access logs and the background tide ticks. Nothing happens at import time.

On start-up (lifespan): the schema is upgraded to head, the hall config is loaded and mirrored into the
database (audited as ``config.load``), then the tide controller ticks every ``tick_interval_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI
from sqlalchemy import text

import config
from server import dashboard, metrics, web
from server.api import errors
from server.api.context import AppContext
from server.api.edge import BodyGuard, body_limit_from_env
from server.api.fanout import Fanout
from server.api.fastpath import ReadFastPath
from server.api.logs import AccessLog
from server.api.routes import api
from server.auth import LoginPolicy
from server.halls import live_config
from server.halls.reference import sync_config
from server.halls.service import HallService
from server.readmodels import ReadModels
from server.settings import Settings
from server.storage.db import make_engine, upgrade
from server.supervision import monitor as supervision

log = logging.getLogger("hallq.server")


def build_context(settings: Settings, *, clock: Callable[[], float] = time.time) -> AppContext:
    """Open the database (upgrading it), load and mirror the config. Raises ``config.ConfigError``."""
    deployment = config.load(settings.config_path)
    engine = make_engine(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    sync_config(engine, deployment, now=clock(), source=str(settings.config_path))
    service = HallService(engine, deployment, clock=clock)
    fanout = Fanout(
        engine, poll_interval=settings.poll_interval_s, replay_limit=settings.replay_limit
    )
    service.listeners.append(fanout.on_commit)
    # issue 14: screens, counters and phones read from memory, kept current from the committed events
    readmodels = ReadModels(service, poll_interval=settings.poll_interval_s)
    service.listeners.append(readmodels.on_commit)
    service.token_listeners.append(readmodels.on_tokens)
    service.reload_listeners.append(readmodels.on_reload)
    fanout.notice_hooks.append(readmodels.notified)
    policy = LoginPolicy.of(settings.lockout_failures, settings.lockout_minutes, settings.token_hours,
                            dict(os.environ))
    ctx = AppContext(settings, engine, deployment, service, fanout, policy, settings.device_silent_after_s,
                     readmodels=readmodels)
    service.listeners.append(lambda _hall, rows: _forget_revoked(ctx, rows))
    return ctx


def _forget_revoked(ctx: AppContext, rows: list) -> None:
    """A revocation committed here takes effect here at once, not after the 1 s principal cache
    (deps.principal_cached); other processes drop the token within that second."""
    actors = {(r.data or {}).get("actor") for r in rows if r.kind == "access.revoked"}
    if actors:
        for token, (_until, who) in list(ctx.who_cache.items()):
            if who.actor in actors:
                ctx.who_cache.pop(token, None)


async def _ticker(ctx: AppContext) -> None:
    """Tide controller ticks for every hall; hourly, expired idempotency keys are purged."""
    last_purge = 0.0
    while True:
        await asyncio.sleep(ctx.settings.tick_interval_s)
        for hall in ctx.service.configs:
            try:
                await asyncio.to_thread(ctx.service.tick, hall)
            except Exception:
                log.exception("tide tick of hall %s failed", hall)
        if time.monotonic() - last_purge > 3600:
            last_purge = time.monotonic()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(ctx.service.purge_idempotency_keys)


def create_app(
    settings: Settings, *, clock: Callable[[], float] = time.time, context: AppContext | None = None
) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context or await asyncio.to_thread(build_context, settings, clock=clock)
        app.state.ctx = ctx
        await ctx.fanout.start()
        if ctx.readmodels is not None:
            await ctx.readmodels.start()
        ticker = asyncio.create_task(_ticker(ctx)) if ctx.settings.tick_interval_s > 0 else None
        watcher = (  # 电子监察: warnings and follow-ups (server/supervision/monitor.py)
            asyncio.create_task(supervision.run(ctx.service, ctx.settings.supervision_interval_s,
                                                ctx.device_silent_after_s))
            if ctx.settings.supervision_interval_s > 0 else None
        )
        # live configuration: `hallq config apply` changes take effect here (server/halls/live_config.py)
        reloader = asyncio.create_task(live_config.watch(ctx, ctx.settings.config_poll_interval_s))
        log.info(
            "ready",
            extra={
                "fields": {
                    "db": ctx.engine.url.render_as_string(hide_password=True),
                    "halls": list(ctx.service.configs),
                }
            },
        )
        try:
            yield
        finally:
            for task in (ticker, watcher, reloader):
                if task:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await ctx.fanout.stop()
            if (sessions := getattr(app.state, "ws_sessions", None)) is not None:
                await sessions.stop()  # the event streams' token re-check (server/api/wsauth.py)
            if ctx.readmodels is not None:
                await ctx.readmodels.stop()
            ctx.engine.dispose()

    app = FastAPI(
        # hallq's metrics are Prometheus (GET /metrics) and its logs JSON lines; FastAPI 0.165's native
        # OpenTelemetry would ask the global OTel providers on every request (2 % of a ticket's CPU)
        telemetry={"tracing": False, "metrics": False, "logs": False},
        title="hallq",
        version="1",
        lifespan=lifespan,
        description="政务服务大厅排队叫号系统 API / queue system for government service halls. "
        "Errors: {code, message, message_zh, message_en}.",
    )
    errors.install(app)
    # innermost: inside the metrics and the access log (issue 14); HALLQ_LEAN_POST=0: writes through FastAPI
    app.add_middleware(ReadFastPath, lean_posts=os.environ.get("HALLQ_LEAN_POST", "1") != "0")
    app.include_router(api)
    app.include_router(dashboard.router)  # GET /dashboard: the managers' web dashboard
    app.include_router(web.router)  # /m/… and /t/{token}: the citizens' phone pages (issue 8)
    observed = metrics.install(app)  # GET /metrics (Prometheus), request latency, event counters

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        """Liveness and database reachability."""
        ctx: AppContext = app.state.ctx
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True, "halls": list(ctx.service.configs), "ws_clients": ctx.fanout.clients}

    app.add_middleware(BodyGuard, limit=body_limit_from_env())  # issue 13: bounded bodies, no lone surrogates
    app.add_middleware(AccessLog, metrics=observed)  # outermost: logs the guard's refusals too
    return app

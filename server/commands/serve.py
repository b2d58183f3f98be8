"""hallq server [--host --port]: one uvicorn process. Several processes = start it several times on
different ports against the same database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import argparse
import os
import sys
import time

from .common import EXIT_USAGE, fail, guarded, parser


def register(sub: argparse._SubParsersAction) -> None:
    p = parser(sub, "server", "启动大厅服务器 / run the hall server (HTTP + WebSocket)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument(
        "--secret-file",
        help="密钥文件 / secret key file (HALLQ_SECRET_FILE; default var/secret.key)",
    )
    p.add_argument(
        "--sqlite-synchronous",
        choices=["normal", "full"],
        help="SQLite synchronous (HALLQ_SQLITE_SYNCHRONOUS; default normal: survives kill -9, "
        "not power loss; full: fsync every commit)",
    )
    p.add_argument(
        "--tick-interval", type=float, help="潮汐控制周期 / tide tick seconds (default 30; 0 = off)"
    )
    p.add_argument(
        "--supervision-interval",
        type=float,
        help="电子监察周期 / supervision sweep seconds (HALLQ_SUPERVISION_INTERVAL; default 30; 0 = off)",
    )
    p.add_argument(
        "--device-silent-after",
        type=float,
        help="设备失联阈值 / device silent after seconds without a heartbeat (HALLQ_DEVICE_SILENT_AFTER; "
        "default 180)",
    )
    p.add_argument("--log-level", default="INFO")
    p.set_defaults(func=run)


@guarded
def run(args: argparse.Namespace) -> int:
    import uvicorn

    from server.api.logs import configure
    from server.app import build_context, create_app
    from server.settings import Settings
    from server.testclock import CLOCK_ENV, TestClockRefused, clock_from_env

    configure(args.log_level.upper())
    settings = Settings.resolve(args)
    try:
        clock = clock_from_env(os.environ)  # time.time, unless a test set HALLQ_TEST_CLOCK (test mode only)
    except TestClockRefused as exc:
        return fail(exc.zh, exc.en, EXIT_USAGE)
    if clock is not time.time:
        print(f"hallq server: 测试时钟 / TEST CLOCK {CLOCK_ENV}={os.environ[CLOCK_ENV]}", file=sys.stderr, flush=True)
    settings.secret()  # made on first start if `hallq init` was skipped
    context = build_context(settings, clock=clock)  # config errors exit 2 here, before the port opens
    app = create_app(settings, context=context)
    print(
        f"hallq server: http://{args.host}:{args.port}  (API docs /docs)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    return 0

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
        help="SQLite synchronous (HALLQ_SQLITE_SYNCHRONOUS; default full: fsync each group commit, "
        "survives power loss; normal: survives kill -9 only)",
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
    p.add_argument(
        "--request-timeout", type=float, default=10.0,
        help="请求接收时限 / seconds to receive a whole request (headers and body) before the connection "
        "is closed (slowloris; default 10)",
    )
    p.add_argument(
        "--limit-per-client", type=int, default=64,
        help="每个地址的连接上限 / open HTTP connections per client address (default 64; 0 = no cap, "
        "e.g. behind a reverse proxy)",
    )
    p.add_argument(
        "--limit-connections", type=int, default=4096,
        help="连接总数上限 / open HTTP connections in all (default 4096)",
    )
    p.add_argument(
        "--keep-alive", type=int, default=5,
        help="空闲长连接保持秒数 / seconds an idle keep-alive connection stays open (default 5)",
    )
    p.add_argument(
        "--ws-max-message", type=int, default=64 * 1024,
        help="WebSocket 单条消息上限 / largest WebSocket message a client may send, bytes (default 64 KiB)",
    )
    p.add_argument("--log-level", default="INFO")
    p.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="只信任这些反向代理转发的客户端地址 / trust X-Forwarded-For only from these proxy addresses "
        "(HALLQ_FORWARDED_ALLOW_IPS; default 127.0.0.1: the nginx of deploy/nginx on this box; '' = none)",
    )
    p.add_argument(
        "--allow-unreachable-public-url",
        action="store_true",
        default=None,
        help="public_base_url 为本机或占位地址时仅警告 / only warn when public_base_url is loopback or a "
        "placeholder (HALLQ_ALLOW_UNREACHABLE_PUBLIC_URL=1; test benches and demos)",
    )
    p.set_defaults(func=run)


@guarded
def run(args: argparse.Namespace) -> int:
    import uvicorn

    from server.api.conn_guard import ConnectionLimits, http_protocol, raise_fd_limit
    from server.api.logs import configure, use_zone
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
    import config

    deployment = config.load(settings.config_path)
    use_zone(deployment.tz)  # the logs' local times in the hall's zone (issue 15 §6)
    if not _public_url_ok(deployment.deployment.public_base_url, args):
        return 2  # before anything is written or the port opens
    context = build_context(settings, clock=clock)  # config errors exit 2 here, before the port opens
    app = create_app(settings, context=context)
    print(
        f"hallq server: http://{args.host}:{args.port}  (API docs /docs)",
        file=sys.stderr,
        flush=True,
    )
    limits = ConnectionLimits(args.request_timeout, args.limit_per_client, args.limit_connections)
    # descriptors for every allowed connection, the event streams and the database, when the OS allows
    raise_fd_limit(limits.total + 1024)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        http=http_protocol(limits),  # issue 13: request deadline and connection caps (slowloris)
        ws="websockets-sansio",
        ws_max_size=args.ws_max_message,  # clients send one small auth message at most
        ws_max_queue=4,
        # no permessage-deflate: every event was compressed once per subscriber, a fifth of the event loop's
        # CPU while a call went out to 100 displays (issue 14's profile); events are a few hundred bytes on
        # the hall's LAN (the phones poll over HTTP and never open the stream)
        ws_per_message_deflate=False,
        timeout_keep_alive=args.keep_alive,
        h11_max_incomplete_event_size=16 * 1024,  # request line and headers (h11 only; httptools: 80 KiB)
        lifespan="on",
        timeout_graceful_shutdown=5,
        # the client address of a proxied request is the proxy's, unless the proxy is this one
        proxy_headers=True,
        forwarded_allow_ips=_forwarded_allow_ips(args),
    )
    return 0


def _forwarded_allow_ips(args: argparse.Namespace) -> str:
    value = args.forwarded_allow_ips
    if value is None:
        value = os.environ.get("HALLQ_FORWARDED_ALLOW_IPS", "127.0.0.1")
    return value


def _public_url_ok(url: str, args: argparse.Namespace) -> bool:
    """Refuse (False) a loopback or placeholder public_base_url unless allowed; warn about the rest."""
    from .public_url import check_public_url

    allowed = args.allow_unreachable_public_url or os.environ.get("HALLQ_ALLOW_UNREACHABLE_PUBLIC_URL") == "1"
    ok = True
    for finding in check_public_url(url):
        refuse = finding.fatal and not allowed
        label = ("错误", "error") if refuse else ("警告", "warning")
        print(f"{label[0]}：{finding.zh}（{label[1]}: {finding.en}）", file=sys.stderr, flush=True)
        if refuse:
            ok = False
    if not ok:
        print("如为测试或演示，可加 --allow-unreachable-public-url（for a test bench or a demo: "
              "--allow-unreachable-public-url）", file=sys.stderr, flush=True)
    return ok

"""``hallq run`` (what ``make run`` calls): the hall server on embedded SQLite in ``var/`` and a simulated
hall driving its real API, with a live summary until Ctrl-C. See :mod:`server.live`.

``--once`` serves one batch of visitors and stops; ``--minutes N`` stops after N minutes (both for
scripts and tests). ``hallq simulate`` is the offline simulator (virtual clock, no server).
"""

from __future__ import annotations

import argparse
from pathlib import Path

# the same as server.live.run.DEFAULT_SCENARIO, without importing it here (register() stays light)
DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "config" / "scenarios" / "ordinary-day.toml"


def register(subparsers: argparse._SubParsersAction) -> None:
    from server.live.stopping import install

    install()  # Ctrl-C from here on stops cleanly, also during the imports of main() (server.live.stopping)

    p = subparsers.add_parser(
        "run", help="运行大厅：服务器 + 模拟的大厅 / run the hall: server + a simulated hall on its API",
        description="启动服务器（var/ 中的 SQLite）并通过真实 API 运行模拟大厅，实时显示概况，Ctrl-C 退出 / "
                    "start the server (SQLite in var/) and a simulated hall driving its API; live summary "
                    "until Ctrl-C")
    p.add_argument("--dir", type=Path, default=Path("."), help="工作目录 / working directory (var/ inside)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--speed", type=float, help="演示时钟倍速 / demo clock speed (default ×10; real time when "
                                              "the apps open on a screen)")
    p.add_argument("--minutes", type=float, help="运行 N 分钟后停止 / stop after N minutes")
    p.add_argument("--once", action="store_true", help="一批访客办完即停 / serve one batch of visitors, stop")
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                   help="访客与排班场景 / visitors and staffing (a hallq simulate scenario)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-apps", dest="apps", action="store_false",
                   help="有屏幕也不打开取号机/窗口/大厅屏 / do not open the apps even with a screen")
    p.add_argument("--interval", type=float, help="刷新秒数 / summary refresh seconds")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from server.live.stopping import install

    signals = install()
    try:  # from the first line on: a Ctrl-C during the print itself lands here too
        signals.arm()  # a Ctrl-C while the arguments were parsed stops here
        print("hallq run：正在启动…（starting…）Ctrl-C 随时退出 / to stop at any time", flush=True)
        from server.live import LiveOptions, run_live

        if args.speed is not None and not args.speed > 0:
            print("--speed 须大于 0（must be > 0）")
            return 2
        return run_live(LiveOptions(root=args.dir, host=args.host, port=args.port, speed=args.speed,
                                    minutes=args.minutes, once=args.once, scenario=args.scenario, seed=args.seed,
                                    apps=args.apps, interval=args.interval))
    except KeyboardInterrupt:  # stopped before the hall ran (run_live prints its own totals once it does)
        signals.stopping = True
        from server.live.summary import stats_line  # light: no server imports

        print(f"{signals.name} — {stats_line({})}", flush=True)
        return 0

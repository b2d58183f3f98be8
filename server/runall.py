"""``hallq run`` (what ``make run`` calls).

Until the server and the apps exist, it runs the default scenario
(``config/scenarios/ordinary-day.toml``: an ordinary weekday at the shipped county hall) through
the dispatcher core on a virtual clock, headless, and prints its report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "config" / "scenarios" / "ordinary-day.toml"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="运行大厅（暂为默认场景的模拟）/ run the hall (for now: the default "
                                          "scenario, simulated)")
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="场景文件 scenario TOML")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from config import ConfigError
    from server.sim.run import run_scenario
    from server.sim.text import render

    print(f"hallq run: 模拟默认场景 simulating the default scenario {args.scenario}", file=sys.stderr)
    try:
        result = run_scenario(args.scenario)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(render(result.report), end="")
    return 0

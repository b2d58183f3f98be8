"""``hallq simulate``: run a scenario file, or the quick M/M/c form, and print the report.

    hallq simulate config/scenarios/monday-peak.toml --seed 2 --plot peak.png
    hallq simulate --windows 4 --arrivals-per-hour 21 --mean-service-min 10 --hours 2000 --json
    hallq simulate config/scenarios/*.toml --compare --seeds 20 [--json]

Exit codes: 0 done; 2 bad arguments, scenario or hall configuration (one line per problem: file,
key path, reason in Chinese and English).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from config import ConfigError

QUICK = ("windows", "arrivals_per_hour", "mean_service_min")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "simulate", help="模拟一天的大厅运行 / simulate a hall day",
        description="在虚拟时钟上用真实的调度核心模拟大厅的一天 / run a hall day through the real dispatcher "
                    "core on a virtual clock. 给出场景文件，或用 --windows 等参数的快速模式 (M/M/c) / give a "
                    "scenario file, or use the quick form (M/M/c) with --windows etc.")
    p.add_argument("scenario", nargs="*", type=Path, help="场景文件 scenario TOML (config/scenarios/*.toml); "
                                                          "several only with --compare")
    p.add_argument("--compare", action="store_true",
                   help="对比：场景 × 策略 (fifo, lanes, bounded) × 潮汐开/关 × 种子 / scenarios × policies × "
                        "tide on/off × seeds, one table")
    p.add_argument("--seeds", type=int, default=20, help="--compare: 种子数 seeds 1..N (default 20)")
    p.add_argument("--seed", type=int, help="随机种子 random seed (default: the scenario's, or 1)")
    p.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="画出等待时间与排队人数 / plot waits and queues")
    p.add_argument("--config", type=Path, metavar="HALL.toml",
                   help="大厅配置 hall configuration (overrides the scenario's)")
    p.add_argument("--no-tide", action="store_true", help="关闭潮汐窗口 / tide windows off")
    p.add_argument("--policy", choices=("bounded", "lanes", "fifo"),
                   help="bounded: 优先通道先办、普通号等候有上限 priority first, ordinary waits bounded (default); "
                        "lanes: 旧的分通道加分 the older lane bonuses; fifo: 先到先办 first come, first served")
    q = p.add_argument_group("快速模式 quick form (no scenario file)")
    q.add_argument("--windows", type=int, help="窗口数 identical windows")
    q.add_argument("--arrivals-per-hour", type=float, help="每小时到达 Poisson arrivals per hour")
    q.add_argument("--mean-service-min", type=float, help="平均办理分钟 exponential service, mean minutes")
    q.add_argument("--priority-share", type=float, default=0.0, help="优先通道比例 share in the priority lane")
    q.add_argument("--hours", type=float, default=2000.0, help="模拟小时数 simulated hours (default 2000)")
    p.set_defaults(func=main)


def _fail(lines: str) -> int:
    print(lines, file=sys.stderr)
    return 2


def _compare(args: argparse.Namespace, quick: list[str]) -> int:
    from .compare import compare, render

    if quick or not args.scenario:
        return _fail("--compare 需要场景文件，不用快速模式参数（--compare takes scenario files, not the quick form）")
    if args.seeds < 1:
        return _fail("--seeds 应 ≥ 1（--seeds must be at least 1）")
    policies = (args.policy,) if args.policy else None
    try:
        result = compare(args.scenario, seeds=args.seeds, **({"policies": policies} if policies else {}))
    except ConfigError as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result), end="")
    return 0


def main(args: argparse.Namespace) -> int:
    from .run import run_quick, run_scenario  # keep `hallq --help` light
    from .text import render

    quick = [name for name in QUICK if getattr(args, name) is not None]
    if args.compare:
        return _compare(args, quick)
    if len(args.scenario) > 1:
        return _fail("多个场景文件请用 --compare（several scenario files go with --compare）")
    args.scenario = args.scenario[0] if args.scenario else None
    try:
        if args.scenario is not None:
            if quick:
                return _fail("场景文件与快速模式参数不能同时使用（give a scenario file or the quick-form options, "
                             f"not both: --{quick[0].replace('_', '-')}）")
            result = run_scenario(args.scenario, seed=args.seed, config=args.config,
                                  tide=False if args.no_tide else None, policy=args.policy)
        elif quick:
            missing = [f"--{name.replace('_', '-')}" for name in QUICK if getattr(args, name) is None]
            if missing:
                return _fail(f"快速模式还需要 {' '.join(missing)}（the quick form also needs {' '.join(missing)}）")
            if args.config is not None:
                return _fail("快速模式不使用 --config（the quick form builds its own hall; --config is for scenarios）")
            result = run_quick(windows=args.windows, arrivals_per_hour=args.arrivals_per_hour,
                               mean_service_min=args.mean_service_min, hours=args.hours,
                               priority_share=args.priority_share, seed=1 if args.seed is None else args.seed,
                               policy=args.policy or "bounded")
        else:
            return _fail("请给出场景文件或快速模式参数，如 config/scenarios/ordinary-day.toml 或 --windows 4 "
                         "--arrivals-per-hour 21 --mean-service-min 10（give a scenario file or the quick-form "
                         "options）")
    except ConfigError as exc:
        return _fail(str(exc))
    if args.plot is not None:
        try:
            result.plot(args.plot)
        except OSError as exc:
            return _fail(f"无法写入图片 {args.plot}：{exc}（cannot write the plot {args.plot}: {exc}）")
        print(f"图已保存 plot written: {args.plot}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.report, ensure_ascii=False, indent=2))
    else:
        print(render(result.report), end="")
    return 0

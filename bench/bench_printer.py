"""Ticket printer timings: encode, decode, hand to a printer, preview.

    .venv/bin/python bench/bench_printer.py

Prints one line per figure (median of several rounds); the figures go in bench/README.md
under "## Printer". Nothing here is asserted: speed is written down, not tested.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.printer import (  # noqa: E402 - after the path set-up above
    NoticePrint,
    Paper,
    TicketPrint,
    decode,
    encode_notice,
    encode_ticket,
    open_printer,
)
from drivers.printer import commands as cmd  # noqa: E402
from drivers.printer.preview import render_ticket, to_png_bytes  # noqa: E402
from drivers.printer.simulator import SerialPrinterSimulator  # noqa: E402

TICKET = TicketPrint("城关镇便民服务中心", "A012", "不动产登记（¥0 免费）", "priority", 12, 1500,
                     datetime(2025, 3, 1, 9, 30), "https://q.example.gov.cn/t/7f3a9c")
NOTICE = NoticePrint("某县政务服务中心", "B007", "不动产登记", "3号窗口", "王䶮", "1024",
                     ["居民身份证原件及复印件（需本人签字）", "不动产权属证书", "契税完税证明"],
                     datetime(2025, 3, 1, 10, 5))


def per_call(fn: Callable[[], object], n: int, rounds: int = 5) -> float:
    """Median seconds per call over ``rounds`` rounds of ``n`` calls."""
    fn()  # warm caches (qrcode tables, fonts)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times)


def report(name: str, seconds: float) -> None:
    value, unit = (seconds * 1e6, "µs") if seconds < 1e-3 else (seconds * 1e3, "ms")
    print(f"{name:<58} {value:8.1f} {unit}")


def main() -> None:
    job = encode_ticket(TICKET, Paper.MM80)
    print(f"ticket job size: {len(job)} bytes (80 mm), "
          f"{len(encode_ticket(TICKET, Paper.MM58))} bytes (58 mm); "
          f"notice {len(encode_notice(NOTICE, Paper.MM80))} bytes")
    report("encode_ticket (80 mm)", per_call(lambda: encode_ticket(TICKET, Paper.MM80), 500))
    report("encode_notice (80 mm)", per_call(lambda: encode_notice(NOTICE, Paper.MM80), 500))
    report("decode(ticket job)", per_call(lambda: decode(job), 500))

    sim = open_printer("sim://")
    report("sim:// print_ticket (status check + encode + write)",
           per_call(lambda: (sim.print_ticket(TICKET), sim.clear()), 500))
    report("sim:// status()", per_call(sim.status, 2000))
    sim.close()

    with SerialPrinterSimulator() as line:
        printer = open_printer(line.url(timeout=0.5), paper=Paper.MM80)
        count = 0

        def serial_ticket() -> None:
            nonlocal count
            count += 1
            printer.print_ticket(TICKET)
            if not line.wait_for(cmd.CUT_PARTIAL_AFTER_FEED, count=count, timeout=10):
                raise RuntimeError("simulator did not receive the job")

        report("serial:// (pty) print_ticket until the simulator has the cut",
               per_call(serial_ticket, 50))
        report("serial:// (pty) status(), 4 DLE EOT round trips", per_call(printer.status, 50))
        line.set_answering(False)
        report("serial:// status() of a silent printer (timeout=0.5 s)",
               per_call(printer.status, 2, rounds=3))
        printer.close()

    report("preview render_ticket + PNG (58 mm)",
           per_call(lambda: to_png_bytes(render_ticket(TICKET, Paper.MM58)), 20))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import drivers.printer"], check=True, cwd=ROOT)
    report("cold `import drivers.printer` in a new interpreter", time.perf_counter() - start)


if __name__ == "__main__":
    main()

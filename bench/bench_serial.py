"""Rating pad and window LED timings: frame codec throughput, round trips over a pty.

    .venv/bin/python bench/bench_serial.py

Prints one line per figure (median of several rounds); the figures go in bench/README.md
under "## Rating pad and LED". Nothing here is asserted: speed is written down, not tested.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.errors import DeviceTimeout  # noqa: E402 - after the path set-up above
from drivers.led import LedState, encode_show, open_led  # noqa: E402
from drivers.led.simulator import Fault, LedSimulator  # noqa: E402
from drivers.pad import open_pad  # noqa: E402
from drivers.pad.simulator import PadSimulator  # noqa: E402
from drivers.serialframe import Cmd, Frame, FrameDecoder, encode_frame  # noqa: E402

SHOW = Frame(3, Cmd.SHOW, 7, encode_show(LedState(3, "A012", "A012 请到3号窗口")))


def per_call(fn: Callable[[], object], n: int, rounds: int = 5) -> float:
    """Median seconds per call over ``rounds`` rounds of ``n`` calls."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times)


def samples(fn: Callable[[], object], n: int) -> list[float]:
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def report(name: str, seconds: float, extra: str = "") -> None:
    value, unit = (seconds * 1e6, "µs") if seconds < 1e-3 else (seconds * 1e3, "ms")
    print(f"{name:<60} {value:8.1f} {unit}  {extra}")


def report_spread(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95)]
    report(name, statistics.median(times), f"(p95 {p95 * 1e6:.0f} µs, n={len(times)})")


def codec() -> None:
    wire = encode_frame(SHOW)
    print(
        f"SHOW frame: {len(SHOW.data)} data bytes, {len(wire)} on the wire "
        f"= {len(wire) * 10 / 9600 * 1000:.1f} ms at 9600 baud"
    )
    report("encode_frame(SHOW)", per_call(lambda: encode_frame(SHOW), 20_000))
    stream = wire * 1000

    def decode_stream() -> None:
        assert len(FrameDecoder().feed(stream)) == 1000

    t = per_call(decode_stream, 5)
    report(
        "FrameDecoder.feed, 1000 SHOW frames in one chunk, per frame", t / 1000, f"({len(stream) / t / 1e6:.2f} MB/s)"
    )

    def decode_bytewise() -> None:
        d = FrameDecoder()
        for i in range(len(wire)):
            d.feed(wire[i : i + 1])

    report("FrameDecoder.feed, one SHOW frame a byte at a time", per_call(decode_bytewise, 2000))


def led_round_trips() -> None:
    with LedSimulator(addresses=(3, 4)) as bus:
        led = open_led(bus.url_for(3, timeout=2))
        try:
            n = 0

            def show() -> None:
                nonlocal n
                n += 1
                led.show(3, f"A{n % 1000:03d}", "请到3号窗口")

            report_spread("LED show() over a pty until ACK", samples(show, 500))
            report_spread("LED health() (PING → STATUS)", samples(led.health, 200))
            dead = open_led(bus.url_for(4, timeout=0.1, retries=2))
            bus.fault(4, Fault.SILENT)
            start = time.perf_counter()
            with contextlib.suppress(DeviceTimeout):
                dead.show(4, "B001", "请稍候")
            report("LED show() to a silent LED (timeout=0.1, retries=2)", time.perf_counter() - start)
            start = time.perf_counter()
            led.show(3, "A999", "请到3号窗口")
            report("  then show() on its neighbour", time.perf_counter() - start)
            dead.close()
        finally:
            led.close()


def pad_round_trip() -> None:
    with PadSimulator() as sim:
        pad = open_pad(sim.url_for(1, timeout=2))
        try:
            visit = 0

            def rate() -> None:
                nonlocal visit
                visit += 1
                pad.open_rating(f"V{visit}", timeout_s=30)
                sim.press(4, tick_ms=visit * 1000)
                assert pad.wait_rating(5).score == 4

            report_spread("pad open_rating (PROMPT+LIGHTS) → press → wait_rating", samples(rate, 300))
        finally:
            pad.close()


def main() -> None:
    logging.disable(logging.WARNING)  # the silent-LED figure logs its retries
    codec()
    led_round_trips()
    pad_round_trip()


if __name__ == "__main__":
    main()

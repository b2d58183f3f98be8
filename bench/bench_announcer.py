"""Announcer speed: synthesis of the test call, and the time from ``announce()`` to ``on_started``.

Run: ``.venv/bin/python -m bench.bench_announcer`` (figures go to bench/README.md, "## Announcer").
Measured here, never asserted in tests (speed depends on the machine).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from drivers.announcer import (
    Announcement,
    Synthesizer,
    VoiceSettings,
    call_text,
    espeak_synthesize,
    measure,
    open_announcer,
)

CALL = call_text("A012", 3)  # 请 A 零一二 号到 3 号窗口办理
RUNS = 30


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {values[-1] * 1000:.1f} ms"


def _time(fn: Callable[[], object], runs: int = RUNS) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


Row = tuple[str, str]


def bench_synthesis() -> list[Row]:
    settings = VoiceSettings()
    t0 = time.perf_counter()
    synth = Synthesizer(settings)
    try:
        synth.synthesize(CALL)
        cold = time.perf_counter() - t0
        warm = _time(lambda: synth.synthesize(CALL))
    finally:
        synth.close()
    binary = _time(lambda: espeak_synthesize(CALL, settings))
    return [
        ("synthesis, pyttsx3 worker, first call (starts the process)", f"{cold * 1000:.0f} ms"),
        (f"synthesis, pyttsx3 worker, warm ({RUNS} runs)", _ms(warm)),
        (f"synthesis, espeak-ng binary (the fallback, {RUNS} runs)", _ms(binary)),
    ]


def bench_latency(url: str, label: str, count: int = 20) -> list[Row]:
    """announce() → on_started, one call at a time (the display's case), then a burst."""
    ann = open_announcer(url)
    started: list[Announcement] = []
    cond = threading.Condition()

    def on_started(item: Announcement) -> None:
        with cond:
            started.append(item)
            cond.notify_all()

    ann.on_started(on_started)
    try:
        single = []
        for n in range(count):
            item = ann.announce(f"A{n:03d}", n % 9 + 1)
            with cond:
                cond.wait_for(lambda it=item: it in started, 60)
            single.append(item.started_at - item.queued_at)
            ann.wait_idle(60)
        burst = [ann.announce(f"B{n:03d}", 1) for n in range(count)]
        ann.wait_idle(120)
        enqueue = max(b.queued_at for b in burst) - min(b.queued_at for b in burst)
        last = burst[-1].started_at - burst[0].queued_at
        return [
            (f"{label}: announce() → on_started, one call at a time ({count}, first included)", _ms(single)),
            (
                f"{label}: burst of {count}: all enqueued / last one started",
                f"{enqueue * 1000:.2f} ms / {last * 1000:.0f} ms",
            ),
        ]
    finally:
        ann.close()


def sox_stat(wav: Path) -> str:
    out = subprocess.run(["sox", str(wav), "-n", "stat"], capture_output=True, text=True, timeout=30, check=True).stderr
    keep = {"Length (seconds)": "length", "RMS     amplitude": "RMS", "Maximum amplitude": "peak"}
    vals = {m[1].strip(): m[2] for m in re.finditer(r"^([^:]+):\s+(\S+)$", out, re.M)}
    return ", ".join(f"{name} {float(vals[key]):.4g}" for key, name in keep.items())


def bench_listen() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        speech = Path(tmp) / "speech.wav"
        speech.write_bytes(espeak_synthesize(CALL, VoiceSettings()))
        ann = open_announcer(f"sim://?dir={tmp}/sim&repeat=2&chime=1")
        try:
            ann.announce("A012", 3)
            ann.wait_idle(60)
        finally:
            ann.close()
        full = Path(tmp) / "sim" / "0001.wav"
        ours = [measure(p.read_bytes()) for p in (speech, full)]
        return [
            ("the call, speech only: sox stat", sox_stat(speech)),
            ("… wavcheck.measure", f"length {ours[0].duration_s:.4g}, RMS {ours[0].rms:.4g}, peak {ours[0].peak:.4g}"),
            ("chime + speech ×2 (sim 0001.wav): sox stat", sox_stat(full)),
            ("… wavcheck.measure", f"length {ours[1].duration_s:.4g}, RMS {ours[1].rms:.4g}, peak {ours[1].peak:.4g}"),
        ]


def main() -> None:
    rows = bench_synthesis()
    rows += bench_latency("espeak://?player=none&repeat=2", "pyttsx3, player=none")
    rows += bench_latency("espeak://?player=none&repeat=2&engine=espeak-ng", "engine=espeak-ng")
    rows += bench_listen()
    print(f"Text {CALL!r}, voice cmn-latn-pinyin, rate 150, volume 1.0.\n")
    print("| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()

"""The "ding-dong" before a call: two sine tones with soft edges, made with the stdlib.

Two descending tones (E5 then C5, a major third) are the usual hall chime; each starts with a short
fade-in and dies away exponentially, so there is no click at either end.
"""

from __future__ import annotations

import array
import functools
import math
import sys

from .audio import ESPEAK_RATE, Pcm

__all__ = ["chime", "tone"]

DING_HZ = 659.25  # E5
DONG_HZ = 523.25  # C5


def tone(
    freq_hz: float,
    seconds: float,
    *,
    level: float = 0.5,
    framerate: int = ESPEAK_RATE,
    fade_s: float = 0.01,
    decay: float = 4.0,
) -> Pcm:
    """A 16-bit mono sine at ``level`` of full scale: ``fade_s`` linear fade-in and -out, and an
    exponential decay (amplitude × e^(−decay·t)) like a struck bell."""
    n = round(seconds * framerate)
    fade = max(1, round(fade_s * framerate))
    peak = level * 32767
    samples = array.array("h", bytes(2 * n))
    for i in range(n):
        t = i / framerate
        edge = min(1.0, i / fade, (n - 1 - i) / fade)
        samples[i] = round(peak * edge * math.exp(-decay * t) * math.sin(2 * math.pi * freq_hz * t))
    if sys.byteorder == "big":
        samples.byteswap()
    return Pcm(samples.tobytes(), framerate, 2, 1)


@functools.lru_cache(maxsize=8)
def chime(framerate: int = ESPEAK_RATE, *, level: float = 0.5) -> Pcm:
    """Ding (0.35 s) – dong (0.6 s) – 0.25 s of silence, ready to put before the speech.

    Cached: computing it sample by sample takes ~12 ms, which would delay every call's start."""
    ding = tone(DING_HZ, 0.35, level=level, framerate=framerate)
    dong = tone(DONG_HZ, 0.6, level=level, framerate=framerate, decay=3.0)
    return Pcm.join([ding, dong, Pcm.silence(0.25, like=ding)])

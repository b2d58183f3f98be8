"""Is a WAV speech? Duration, RMS and peak of PCM audio, with the stdlib ``wave`` and ``array``.

Used by the tests and by :meth:`Announcer.health` ("the test synthesis is not silent"). Levels are
fractions of full scale (0.0–1.0) so they do not depend on the sample width; ``sox FILE -n stat``
reports the same "RMS amplitude" and "Maximum amplitude".

>>> from drivers.announcer.audio import Pcm
>>> measure(Pcm.silence(0.5).to_wav())
WavStats(duration_s=0.5, rms=0.0, peak=0.0)
"""

from __future__ import annotations

import array
import math
import sys
from typing import NamedTuple

from .audio import Pcm

__all__ = ["SILENCE_RMS", "WavStats", "measure"]

# espeak-ng speech at volume 1.0 measures RMS ≈ 0.13 (sox: 0.132582 for the test call), at
# volume 0.1 about 0.013; digital silence is 0. Below this floor nobody in a hall hears it.
SILENCE_RMS = 0.005

_TYPECODES = {1: "b", 2: "h", 4: "i"}


class WavStats(NamedTuple):
    duration_s: float
    rms: float
    peak: float


def measure(wav: bytes) -> WavStats:
    """Duration in seconds, RMS and peak level (fractions of full scale) of a PCM WAV."""
    return measure_pcm(Pcm.from_wav(wav))


def measure_pcm(pcm: Pcm) -> WavStats:
    samples = array.array(_TYPECODES[pcm.sampwidth])
    frames = pcm.frames
    if pcm.sampwidth == 1:  # 8-bit WAV is unsigned, centred on 128
        frames = bytes((b - 128) & 0xFF for b in frames)
    samples.frombytes(frames[: len(frames) - len(frames) % pcm.sampwidth])
    if pcm.sampwidth > 1 and sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    if not samples:
        return WavStats(pcm.duration_s, 0.0, 0.0)
    full = float(1 << (8 * pcm.sampwidth - 1))
    rms = math.sqrt(math.fsum(s * s for s in samples) / len(samples)) / full
    peak = max(abs(max(samples)), abs(min(samples))) / full
    return WavStats(pcm.duration_s, rms, min(peak, 1.0))

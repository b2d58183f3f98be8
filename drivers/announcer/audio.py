"""PCM audio as a value: read/write WAV bytes (stdlib ``wave``), make silence, join clips.

An announcement is one WAV — chime, speech, a pause, the speech again — so one ``aplay`` plays it
and two announcements can never overlap.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable
from dataclasses import dataclass

from drivers.errors import DeviceProtocolError

__all__ = ["ESPEAK_RATE", "Pcm"]

# espeak-ng (1.51) always synthesises 16-bit mono at 22 050 Hz; pyttsx3 2.99 hard-codes the same
# numbers when it writes its WAV (drivers/espeak.py, _onSynth).
ESPEAK_RATE = 22050


@dataclass(frozen=True, slots=True)
class Pcm:
    """Little-endian PCM frames and their format."""

    frames: bytes
    framerate: int = ESPEAK_RATE
    sampwidth: int = 2
    channels: int = 1

    @classmethod
    def from_wav(cls, data: bytes) -> Pcm:
        try:
            with wave.open(io.BytesIO(data), "rb") as w:
                return cls(
                    w.readframes(w.getnframes()),
                    w.getframerate(),
                    w.getsampwidth(),
                    w.getnchannels(),
                )
        except (wave.Error, EOFError) as exc:
            raise DeviceProtocolError(f"不是可用的 WAV 音频：{exc}", f"not a usable WAV: {exc}") from exc

    @classmethod
    def silence(cls, seconds: float, *, like: Pcm | None = None) -> Pcm:
        """``seconds`` of digital silence, in the format of ``like`` (default: espeak-ng's)."""
        ref = like or cls(b"")
        n = round(seconds * ref.framerate)
        return cls(bytes(n * ref.frame_bytes), ref.framerate, ref.sampwidth, ref.channels)

    @property
    def frame_bytes(self) -> int:
        return self.sampwidth * self.channels

    @property
    def nframes(self) -> int:
        return len(self.frames) // self.frame_bytes

    @property
    def duration_s(self) -> float:
        return self.nframes / self.framerate

    def same_format(self, other: Pcm) -> bool:
        return (self.framerate, self.sampwidth, self.channels) == (
            other.framerate,
            other.sampwidth,
            other.channels,
        )

    def to_wav(self) -> bytes:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(self.channels)
            w.setsampwidth(self.sampwidth)
            w.setframerate(self.framerate)
            w.writeframes(self.frames)
        return buf.getvalue()

    @classmethod
    def join(cls, parts: Iterable[Pcm]) -> Pcm:
        """Clips one after the other; all must share one format (no resampling here)."""
        clips = list(parts)
        if not clips:
            return cls(b"")
        first = clips[0]
        for clip in clips[1:]:
            if not first.same_format(clip):
                raise DeviceProtocolError(
                    "音频片段格式不一致，无法拼接",
                    f"audio clips differ in format ({first.framerate} Hz/{first.sampwidth * 8} bit/"
                    f"{first.channels} ch vs {clip.framerate} Hz/{clip.sampwidth * 8} bit/"
                    f"{clip.channels} ch); cannot join",
                )
        return cls(b"".join(c.frames for c in clips), first.framerate, first.sampwidth, first.channels)

"""Playing an announcement's WAV: ``aplay`` in a subprocess with a deadline, or nothing at all.

* :class:`AplayPlayer`  ``aplay -q [-D DEVICE] -`` with the WAV on stdin; killed when it overruns
* :class:`NullPlayer`   ``player=none``: synthesise only (headless tests, a display without speaker)

A machine without a sound card makes ``aplay`` exit at once with "audio open error" /
"no soundcards found": that is reported as 无音频输出设备 (DeviceUnavailable) for the item and in
:meth:`probe`, and the queue goes on. ``aplay -D null`` plays into ALSA's null device (instantly).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Protocol

from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable
from drivers.health import Level

from .audio import Pcm

__all__ = ["AplayPlayer", "NullPlayer", "Player", "PlayerCheck"]

# aplay/ALSA messages that mean "there is nothing to play on"
_NO_DEVICE = re.compile(
    r"no soundcards found|audio open error|Unknown PCM|cannot find card|No such device",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PlayerCheck:
    level: Level
    detail_zh: str
    detail_en: str
    facts: dict[str, object] = field(default_factory=dict)


class Player(Protocol):
    """What the announcer needs from an audio output."""

    name: str

    def play(self, wav: bytes, duration_s: float) -> None:
        """Play the WAV to its end; raise DeviceError if it cannot."""

    def stop(self) -> None:
        """Cut the current playback short and refuse further plays (used by close())."""

    def probe(self) -> PlayerCheck:
        """Can this output be heard?"""


class NullPlayer:
    name = "none"

    def play(self, wav: bytes, duration_s: float) -> None:
        return None

    def stop(self) -> None:
        return None

    def probe(self) -> PlayerCheck:
        return PlayerCheck(Level.OK, "不播放声音（player=none）", "no playback (player=none)", {"player": "none"})


class AplayPlayer:
    """``aplay`` per announcement; ``margin_s`` is added to the audio's length for the deadline."""

    name = "aplay"

    def __init__(self, device: str | None = None, *, margin_s: float = 5.0) -> None:
        self.device = device
        self.margin_s = margin_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self.last_error: DeviceError | None = None

    def _command(self) -> list[str]:
        binary = shutil.which("aplay")
        if binary is None:
            raise DeviceUnavailable(
                "未安装 aplay（apt-get install alsa-utils）",
                "aplay is not installed (apt-get install alsa-utils)",
            )
        return [binary, "-q", *(["-D", self.device] if self.device else []), "-"]

    def play(self, wav: bytes, duration_s: float) -> None:
        try:
            self._play(wav, duration_s + self.margin_s)
        except DeviceError as exc:
            self.last_error = exc
            raise
        self.last_error = None

    def _play(self, wav: bytes, timeout: float) -> None:
        cmd = self._command()
        with self._lock:
            if self._stopped:
                raise DeviceUnavailable("播放已停止", "playback stopped")
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except OSError as exc:
                raise DeviceUnavailable(f"无法运行 aplay：{exc}", f"cannot run aplay: {exc}") from exc
            self._proc = proc
        try:
            try:
                _, err = proc.communicate(wav, timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                proc.kill()
                proc.communicate()
                raise DeviceTimeout(
                    f"aplay {timeout:.1f} 秒内未播完，已中止",
                    f"aplay did not finish within {timeout:.1f} s; killed",
                ) from exc
        finally:
            with self._lock:
                self._proc = None
        if proc.returncode != 0:
            if self._stopped:
                raise DeviceUnavailable("播放被中止", "playback cut short")
            text = err.decode("utf-8", "replace").strip()
            last = text.splitlines()[-1] if text else f"exit status {proc.returncode}"
            if _NO_DEVICE.search(text):
                raise DeviceUnavailable(f"无音频输出设备：{last}", f"no audio output device: {last}")
            raise DeviceUnavailable(f"aplay 播放失败：{last}", f"aplay failed: {last}")

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()

    def probe(self) -> PlayerCheck:
        """Play 50 ms of silence; while an announcement is playing, report that instead."""
        facts: dict[str, object] = {"player": "aplay", "device": self.device or "default"}
        with self._lock:
            busy = self._proc is not None
        if busy:
            return PlayerCheck(Level.OK, "正在播放", "playing now", facts)
        try:
            self._play(Pcm.silence(0.05).to_wav(), 5.0)
        except DeviceError as exc:
            return PlayerCheck(Level.FAIL, exc.zh, exc.en, facts)
        if self.device == "null":
            return PlayerCheck(
                Level.WARN,
                "输出到 null 设备：声音被丢弃",
                "output goes to the null device: sound is discarded",
                facts,
            )
        return PlayerCheck(Level.OK, "音频输出正常", "audio output works", facts)

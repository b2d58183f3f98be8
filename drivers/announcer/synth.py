"""Text → speech WAV with espeak-ng: pyttsx3 in a worker process, the espeak-ng binary as fallback.

* :class:`VoiceSettings`   voice, rate (words/min), volume (0–1), validated
* :class:`Synthesizer`     ``synthesize(text) -> WAV bytes``; thread-safe, bounded by its timeout
* :class:`Pyttsx3Process`  the pyttsx3 engine in its own process (``pyttsx3_worker.py``)
* :func:`espeak_synthesize`, :func:`espeak_phonemes`, :func:`espeak_voices`   the espeak-ng binary

The voice (checked on Debian 12, espeak-ng 1.51; ``espeak-ng -v VOICE -q -x TEXT``):

* ``cmn`` is "Chinese (Mandarin, latin as English)". Its dictionary turns many characters into
  pinyin and then reads that pinyin **as English**. For "请 A 零一二 号到 3 号窗口办理" it says
  ``(en)kI55NTr'i:55(cmn) 'ei51 (en)lI11Ntu:11 jI11w011n(cmn) '@r51 (en)heI11@11fo@11 ...`` —
  请 comes out as "king three" (qing3), 零 as "ling two", 一 as "yi one", 号 as "hao four".
* ``cmn-latn-pinyin`` ("latin as Pinyin") reads the same text as Mandarin throughout:
  ``tS;h'i21N 'ei51 l'i35N j'i55 '@r51 X'Au51 t'Au51 s'a55n X'Au51 ts.hw'A55N kh'ou21 p'a51n``
  ``l'i214`` — 请 A 零 一 二 号 到 三 号 窗 口 办 理, A spelled as a letter (``'ei51``).

So the default Chinese voice is ``cmn-latn-pinyin``; :meth:`Announcer.health` warns when the chosen
voice switches language on a call sentence (``(en)`` in the phonemes), whatever its name.

pyttsx3 2.99 with its espeak driver, checked here:

* It selects a voice with ``espeak_SetVoiceByName``; ``getProperty("voices")`` ids are espeak
  identifiers, lower-cased ("sit/cmn-latn-pinyin"). Both "cmn-latn-pinyin" and
  "sit/cmn-latn-pinyin" work. An unknown name does **not** raise: the ValueError is swallowed by
  ``DriverProxy._pump``, reported only to "error" listeners, and the old voice (default ``gmw/en``)
  stays — so an unknown voice would silently read Chinese with the English voice. The worker
  resolves names against the voice list first and checks the voice taken afterwards.
* ``save_to_file`` works headless: the driver writes the WAV itself (no sound card needed). A fresh
  engine's first utterance is byte-identical to ``espeak-ng -w`` with the same voice, rate and
  amplitude (same engine); later ones in a process differ in a few noise samples and by ±10
  samples in length (espeak-ng's noise generator keeps its state between utterances).
* The driver runs espeak-ng in AUDIO_OUTPUT_RETRIEVAL mode, which is **asynchronous**, and lets
  espeak's thread drive pyttsx3's unlocked state. Two failures seen here: on the first run
  ``runAndWait`` returns before the file exists (pyttsx3#219), and a ``setProperty`` just before
  ``runAndWait`` makes the driver cancel the utterance it starts (a 44-byte WAV, in about half of
  the benchmark runs). ``pyttsx3_worker.py`` explains the workaround (waits on
  finished-utterance and ``espeak_Synchronize``); after it, 0 failures in 15 × 41 calls.
* Other traps, avoided by one ``save_to_file`` + ``runAndWait`` per request: it ``print()``s
  "Audio saved to …" to stdout each time; two ``save_to_file`` before one ``runAndWait`` keep
  only the last (pyttsx3#170); after a save, any later ``runAndWait`` re-synthesises the old text
  into the old file (``_text_to_say`` is never cleared); a ``runAndWait`` with nothing queued after
  the first run never returns (the "Engine Never Returns" family, pyttsx3#126,
  RapidWareTech/pyttsx#36 #45). The parent kills the worker when it does not answer in time.
* espeak-ng state is per process and the engine is not thread-safe, so it runs in a process of
  its own (one per announcer); the worker's main thread is the only one calling pyttsx3.
* It cannot output phonemes (``-x``) or take SSML (the driver passes no espeakSSML flag): phoneme
  checks use the binary.

If the worker cannot start, dies or times out, that item is synthesised by the ``espeak-ng`` binary
(``-v VOICE -s RATE -a AMP -w out.wav``), same engine, and the worker is restarted for the next one;
after :data:`MAX_WORKER_FAILURES` failures in a row the binary is used for good.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from drivers.errors import DeviceConfigError, DeviceError, DeviceTimeout, DeviceUnavailable

__all__ = [
    "ESPEAK",
    "MAX_WORKER_FAILURES",
    "EspeakVoice",
    "Pyttsx3Process",
    "Synthesizer",
    "VoiceSettings",
    "espeak_phonemes",
    "espeak_synthesize",
    "espeak_voices",
    "language_switches",
    "require_voice",
]

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
MAX_WORKER_FAILURES = 3
_WORKER_SCRIPT = Path(__file__).with_name("pyttsx3_worker.py")
RATE_RANGE = (80, 450)  # espeak-ng -s: words per minute
_VOICES: dict[str, list[EspeakVoice]] = {}  # espeak-ng binary → its voices (require_voice)
_VOICES_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """How espeak-ng speaks: ``voice`` name, ``rate`` in words/minute, ``volume`` 0.0–1.0.

    ``volume`` is pyttsx3's scale; espeak-ng's amplitude (``-a``) is ``volume × 100``.
    """

    voice: str = "cmn-latn-pinyin"
    rate: int = 150
    volume: float = 1.0

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_./-]{1,64}", self.voice or ""):
            raise DeviceConfigError(f"语音名 {self.voice!r} 无效", f"voice name {self.voice!r} is invalid")
        lo, hi = RATE_RANGE
        if isinstance(self.rate, bool) or not isinstance(self.rate, int) or not lo <= self.rate <= hi:
            raise DeviceConfigError(
                f"语速 rate={self.rate!r} 超出范围 {lo}–{hi}（字/分钟）",
                f"rate={self.rate!r} out of range {lo}-{hi} (words per minute)",
            )
        if not isinstance(self.volume, int | float) or not (math.isfinite(self.volume) and 0.0 < self.volume <= 1.0):
            raise DeviceConfigError(
                f"音量 volume={self.volume!r} 应在 0 到 1 之间（不含 0）",
                f"volume={self.volume!r} must be in (0, 1]",
            )

    @property
    def amplitude(self) -> int:
        return round(self.volume * 100)


def _espeak_binary() -> str:
    path = shutil.which(ESPEAK)
    if path is None:
        raise DeviceUnavailable(
            "未安装 espeak-ng（apt-get install espeak-ng）",
            "espeak-ng is not installed (apt-get install espeak-ng)",
        )
    return path


def _run_espeak(args: list[str], text: str, timeout: float) -> subprocess.CompletedProcess[str]:
    # Text goes in on stdin, never argv: a text starting with "-" would be taken as an option.
    try:
        proc = subprocess.run(
            [_espeak_binary(), *args],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DeviceTimeout(f"espeak-ng {timeout:g} 秒内未完成", f"espeak-ng did not finish in {timeout:g} s") from exc
    except OSError as exc:
        raise DeviceUnavailable(f"无法运行 espeak-ng：{exc}", f"cannot run espeak-ng: {exc}") from exc
    if proc.returncode != 0:
        err = (proc.stderr or "").strip() or f"exit status {proc.returncode}"
        if "voice does not exist" in err:
            raise DeviceConfigError(f"espeak-ng 没有语音 {args[1]!r}", f"espeak-ng has no voice {args[1]!r}")
        raise DeviceUnavailable(f"espeak-ng 出错：{err}", f"espeak-ng failed: {err}")
    return proc


@dataclass(frozen=True, slots=True)
class EspeakVoice:
    """One line of ``espeak-ng --voices``."""

    language: str  # "cmn-latn-pinyin"
    name: str  # "Chinese_(Mandarin,_latin_as_Pinyin)"
    file: str  # "sit/cmn-Latn-pinyin"

    def matches(self, voice: str) -> bool:
        want = voice.lower()
        return want in {
            self.language.lower(),
            self.name.lower(),
            self.file.lower(),
            self.file.rsplit("/", 1)[-1].lower(),
        }


def espeak_voices(*, timeout: float = 10.0) -> list[EspeakVoice]:
    """The voices espeak-ng has (``espeak-ng --voices``)."""
    out = _run_espeak(["--voices"], "", timeout).stdout
    voices = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            voices.append(EspeakVoice(parts[1], parts[3], parts[4]))
    return voices


def require_voice(voice: str, *, timeout: float = 10.0) -> EspeakVoice:
    """The installed voice ``voice`` names, or DeviceConfigError.

    Needed because the binary matches loosely: ``espeak-ng -v no-such-voice`` exits 0 and speaks
    Norwegian ("no"), ``-v zh`` picks ``cmn`` (latin as English). The list is read once per process.
    """
    binary = _espeak_binary()
    with _VOICES_LOCK:
        if binary not in _VOICES:
            _VOICES[binary] = espeak_voices(timeout=timeout)
        voices = _VOICES[binary]
    found = next((v for v in voices if v.matches(voice)), None)
    if found is None:
        chinese = ", ".join(v.language for v in voices if v.language.startswith(("cmn", "yue")))
        raise DeviceConfigError(
            f"espeak-ng 没有语音 {voice!r}；中文语音有：{chinese}",
            f"espeak-ng has no voice {voice!r}; Chinese voices: {chinese}",
        )
    return found


def espeak_synthesize(text: str, settings: VoiceSettings, *, timeout: float = 10.0) -> bytes:
    """WAV bytes from the ``espeak-ng`` binary: ``-v VOICE -s RATE -a AMP -w out.wav``."""
    require_voice(settings.voice, timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="hallq-espeak-") as tmp:
        out = Path(tmp) / "out.wav"
        _run_espeak(
            [
                "-v",
                settings.voice,
                "-s",
                str(settings.rate),
                "-a",
                str(settings.amplitude),
                "-w",
                str(out),
            ],
            text,
            timeout,
        )
        return out.read_bytes()


def espeak_phonemes(text: str, voice: str, *, timeout: float = 10.0) -> str:
    """espeak-ng's phoneme mnemonics for ``text`` (``-q -x``); ``(en)`` marks a switch to English.

    >>> espeak_phonemes("零一二", "cmn-latn-pinyin")
    "l'i35N_| j'i55_| '@r51_|"
    """
    require_voice(voice, timeout=timeout)
    return " ".join(_run_espeak(["-v", voice, "-q", "-x"], text, timeout).stdout.split())


def language_switches(phonemes: str) -> list[str]:
    """Language markers espeak put in the phonemes, in order, once each; empty when the voice read
    the whole text itself: ``"(en)kI55NTr'i:55(cmn)_| 'ei51_|"`` → ``["en", "cmn"]``."""
    return list(dict.fromkeys(re.findall(r"\(([a-z]{2,3}(?:-[a-z0-9-]+)?)\)", phonemes)))


class Pyttsx3Process:
    """A pyttsx3 engine in a child process: ``synthesize`` sends a request, waits for the reply
    with a deadline, and kills the child if it does not come. Not thread-safe (use Synthesizer)."""

    def __init__(self, *, start_timeout: float = 15.0, command: list[str] | None = None) -> None:
        self._command = command or [sys.executable, str(_WORKER_SCRIPT)]
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._buf = b""
        self._next_id = 0
        self._ready = False
        self._tmp = tempfile.TemporaryDirectory(prefix="hallq-tts-")
        self.voices: list[str] = []

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the child if needed; returns at once (readiness is awaited on first use)."""
        if self.running:
            return
        self._kill()
        # a file, not a pipe: a chatty child can never block on a full stderr pipe
        self._stderr = tempfile.TemporaryFile(prefix="hallq-tts-stderr-")  # noqa: SIM115 - closed in _kill
        try:
            self._proc = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                close_fds=True,
            )
        except OSError as exc:
            raise DeviceUnavailable(f"无法启动语音合成进程：{exc}", f"cannot start the speech worker: {exc}") from exc
        self._buf = b""
        self._ready = False

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            return self._stderr.read()[-500:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _read_message(self, deadline: float) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while True:
            line, sep, rest = self._buf.partition(b"\n")
            if sep:
                self._buf = rest
                try:
                    msg = json.loads(line)
                except ValueError:
                    log.warning("speech worker wrote garbage, ignored: %r", line[:200])
                    continue
                if isinstance(msg, dict):
                    return msg
                log.warning("speech worker wrote a non-object, ignored: %r", line[:200])
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeviceTimeout("语音合成进程无响应", "speech worker did not answer in time")
            readable, _, _ = select.select([fd], [], [], remaining)
            if readable:
                chunk = os.read(fd, 65536)
                if not chunk:
                    self._proc.wait(timeout=5)
                    tail = self._stderr_tail()
                    raise DeviceUnavailable(f"语音合成进程已退出：{tail}", f"speech worker exited: {tail}")
                self._buf += chunk

    def _await_ready(self, deadline: float) -> None:
        if self._ready:
            return
        msg = self._read_message(deadline)
        if not msg.get("ready"):
            raise DeviceUnavailable(
                f"pyttsx3 无法初始化：{msg.get('error')}",
                f"pyttsx3 failed to initialise: {msg.get('error')}",
            )
        self.voices = [str(v) for v in msg.get("voices", [])]
        self._ready = True

    def synthesize(self, text: str, settings: VoiceSettings, *, timeout: float = 10.0) -> bytes:
        """WAV bytes for ``text``; raises DeviceTimeout (child killed), DeviceUnavailable or, for an
        unknown voice, DeviceConfigError."""
        self.start()
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._await_ready(time.monotonic() + self._start_timeout)
            self._next_id += 1
            rid = self._next_id
            path = Path(self._tmp.name) / f"{rid}.wav"
            req = {
                "id": rid,
                "text": text,
                "voice": settings.voice,
                "rate": settings.rate,
                "volume": settings.volume,
                "path": str(path),
                "timeout": timeout,
            }
            try:
                self._proc.stdin.write((json.dumps(req, ensure_ascii=False) + "\n").encode())
                self._proc.stdin.flush()
            except OSError as exc:
                raise DeviceUnavailable(f"语音合成进程已退出：{exc}", f"speech worker is gone: {exc}") from exc
            deadline = time.monotonic() + timeout + 2.0  # the child gives up after `timeout` itself
            while True:
                reply = self._read_message(deadline)
                if reply.get("id") == rid:
                    break
                log.warning("speech worker reply for another request ignored: %r", reply)
        except DeviceError:
            self._kill()
            raise
        try:
            if not reply.get("ok"):
                err = str(reply.get("error"))
                if reply.get("kind") != "voice":
                    self._kill()  # the engine's state is unknown now: start afresh next time
                if reply.get("kind") == "voice":
                    raise DeviceConfigError(
                        f"pyttsx3 找不到语音 {settings.voice!r}：{err}",
                        f"pyttsx3 has no voice {settings.voice!r}: {err}",
                    )
                raise DeviceUnavailable(f"pyttsx3 合成失败：{err}", f"pyttsx3 synthesis failed: {err}")
            return path.read_bytes()
        finally:
            path.unlink(missing_ok=True)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=5)
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def close(self, timeout: float = 3.0) -> None:
        """End the child (EOF on its stdin, kill if it lingers) and remove its temp folder."""
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()
        self._tmp.cleanup()


class Synthesizer:
    """``synthesize(text) -> WAV bytes`` for one :class:`VoiceSettings`, from any thread.

    ``engine="pyttsx3"`` (default) uses :class:`Pyttsx3Process` and falls back to the espeak-ng
    binary per item when it fails; ``engine="espeak-ng"`` uses the binary only. ``last_engine`` and
    ``fallback_reason`` say what happened, for health reports. ``worker`` replaces the default
    :class:`Pyttsx3Process` (tests give it a broken command).
    """

    ENGINES = ("pyttsx3", "espeak-ng")

    def __init__(
        self,
        settings: VoiceSettings,
        *,
        engine: str = "pyttsx3",
        timeout: float = 10.0,
        worker: Pyttsx3Process | None = None,
    ) -> None:
        if engine not in self.ENGINES:
            raise DeviceConfigError(
                f"语音引擎 {engine!r} 无效；可用：{', '.join(self.ENGINES)}",
                f"speech engine {engine!r} is invalid; allowed: {', '.join(self.ENGINES)}",
            )
        self.settings = settings
        self.timeout = timeout
        self._lock = threading.Lock()
        self._worker = (worker or Pyttsx3Process()) if engine == "pyttsx3" else None
        self._failures = 0
        self.last_engine: str | None = None
        self.fallback_reason: str | None = None
        self._closed = False

    def warm_up(self) -> None:
        """Start the worker process now so the first call does not pay its start-up."""
        with self._lock:
            if self._worker is not None and not self._closed:
                try:
                    self._worker.start()
                except DeviceError as exc:
                    self._worker_failed(exc)

    def _worker_failed(self, exc: DeviceError) -> None:
        self._failures += 1
        self.fallback_reason = str(exc)
        if self._failures >= MAX_WORKER_FAILURES and self._worker is not None:
            log.error(
                "pyttsx3 worker failed %d times, using the espeak-ng binary from now on: %s",
                self._failures,
                exc,
            )
            self._worker.close()
            self._worker = None
        else:
            log.warning("pyttsx3 worker failed, this item goes to the espeak-ng binary: %s", exc)

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise DeviceConfigError("合成文字为空", "nothing to synthesise: empty text")
        if not self._lock.acquire(timeout=self.timeout * 2):
            raise DeviceTimeout("语音合成繁忙", "speech synthesis is busy")
        try:
            if self._closed:
                raise DeviceUnavailable("语音合成已关闭", "speech synthesis is closed")
            if self._worker is not None:
                try:
                    wav = self._worker.synthesize(text, self.settings, timeout=self.timeout)
                except DeviceConfigError:
                    raise
                except DeviceError as exc:
                    self._worker_failed(exc)
                else:
                    self._failures = 0
                    self.last_engine = "pyttsx3"
                    return wav
            wav = espeak_synthesize(text, self.settings, timeout=self.timeout)
            self.last_engine = "espeak-ng"
            return wav
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._worker is not None:
                self._worker.close()
                self._worker = None

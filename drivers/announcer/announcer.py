"""The lobby announcer: a queue of calls spoken one after another by a single worker thread.

``announce()`` and ``say()`` only build the sentence (errors in the number or window are raised
there, before anything is queued) and enqueue it; they never wait for synthesis or the speaker.
The worker takes items in order: synthesise (pyttsx3 worker process, see synth.py) → chime +
speech × repeat as one WAV → play (``aplay``) or record (``sim://``) → next. One worker and one WAV
per item means announcements never overlap, and a fault in one (no sound card, synthesis timeout)
is written on that item and the queue goes on.

Listeners run on the worker thread, in registration order, and must return quickly (a Qt display
should emit a signal). ``on_started`` fires when the worker takes the item up, just before its
audio starts (the display benchmark measures ``started_at - queued_at``); ``on_finished`` fires once
for every item, also for one that failed (``item.error``) or was dropped by ``close()`` (the only
case without ``on_started``).
"""

from __future__ import annotations

import enum
import logging
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue

from drivers.errors import DeviceConfigError, DeviceError, DeviceUnavailable
from drivers.health import Health, Level
from drivers.urls import DeviceUrl, open_by_scheme

from .audio import Pcm
from .chime import chime
from .options import (
    ESPEAK_OPTIONS,
    PLAYERS,
    SIM_OPTIONS,
    AnnouncerSettings,
    bool_option,
    choice_option,
    settings_from_url,
)
from .player import AplayPlayer, NullPlayer, Player, PlayerCheck
from .recorder import FolderRecorder
from .synth import (
    ESPEAK,
    Synthesizer,
    espeak_phonemes,
    language_switches,
    require_voice,
)
from .text import DEFAULT_TEMPLATES, call_text, guide_text, normalise_number, normalise_window
from .voicepack import VoicePack
from .wavcheck import SILENCE_RMS, measure

__all__ = ["Announcement", "Announcer", "Kind", "Listener", "open_announcer"]

log = logging.getLogger(__name__)

REPEAT_GAP_S = 0.8  # pause between two readings of the same call
SPEECH_CACHE = 32  # recalls and repeats of a recent sentence are not synthesised again


class Kind(enum.StrEnum):
    CALL = "call"
    RECALL = "recall"
    GUIDE = "guide"


@dataclass(slots=True, eq=False)
class Announcement:
    """One queued announcement and, once the worker has it, what happened.

    Times are ``time.monotonic()`` seconds; ``audio_s`` is the length of the audio (chime and
    repeats included), ``None`` without synthesis.
    """

    seq: int
    kind: Kind
    text: str
    number: str | None = None
    window: str | None = None
    queued_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    audio_s: float | None = None
    error: DeviceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.finished_at is not None


Listener = Callable[[Announcement], object]


class Announcer:
    """Speaks calls and guidance in order; build it with :func:`open_announcer`."""

    def __init__(
        self,
        settings: AnnouncerSettings,
        *,
        synth: Synthesizer | None,
        player: Player,
        recorder: FolderRecorder | None = None,
        url: str = "",
        first_seq: int = 1,
        pack: VoicePack | None = None,
    ) -> None:
        self.settings = settings
        self.pack = pack
        self.url = url
        self._synth = synth
        self._player = player
        self._recorder = recorder
        self._queue: SimpleQueue[Announcement | None] = SimpleQueue()
        self._cond = threading.Condition()
        self._seq = first_seq - 1
        self._pending = 0
        self._played = 0
        self._failed = 0
        self._last_error: DeviceError | None = None
        self._closing = False
        self._started_listeners: list[Listener] = []
        self._finished_listeners: list[Listener] = []
        self._speech: OrderedDict[str, Pcm] = OrderedDict()
        self._thread = threading.Thread(target=self._run, name="hallq-announcer", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------------- listeners
    def on_started(self, listener: Listener) -> Listener:
        """Call ``listener(item)`` when an item's audio starts. Returns it (usable as decorator)."""
        with self._cond:
            self._started_listeners.append(listener)
        return listener

    def on_finished(self, listener: Listener) -> Listener:
        """Call ``listener(item)`` when an item is done, played or not (see ``item.error``)."""
        with self._cond:
            self._finished_listeners.append(listener)
        return listener

    # ----------------------------------------------------------------- enqueue
    def announce(self, number: str, window: str | int, *, recall: bool = False) -> Announcement:
        """Queue the call (or recall) sentence for ``number`` and ``window``; returns at once."""
        s = self.settings
        template = s.templates.recall if recall else s.templates.call
        text = call_text(number, window, template=template, lang=s.lang, readings=s.readings)
        return self._enqueue(
            Kind.RECALL if recall else Kind.CALL,
            text,
            normalise_number(number),
            normalise_window(window),
        )

    def say(self, text: str) -> Announcement:
        """Queue guidance text, spoken once, without chime; returns at once."""
        return self._enqueue(Kind.GUIDE, guide_text(text), None, None)

    def _enqueue(self, kind: Kind, text: str, number: str | None, window: str | None) -> Announcement:
        with self._cond:
            if self._closing:
                raise DeviceUnavailable("播报器已关闭", "announcer is closed")
            self._seq += 1
            self._pending += 1
            item = Announcement(self._seq, kind, text, number, window, queued_at=time.monotonic())
            self._queue.put(item)
        return item

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued item is finished; False if ``timeout`` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    @property
    def pending(self) -> int:
        with self._cond:
            return self._pending

    # ----------------------------------------------------------------- worker
    def _run(self) -> None:
        try:
            if self._synth is not None:
                self._synth.warm_up()
            while (item := self._queue.get()) is not None:
                self._process(item)
        finally:  # also when close() came from a listener on this thread
            if self._synth is not None:
                self._synth.close()

    def _from_pack(self, item: Announcement) -> Pcm | None:
        """The call joined from the voice pack's clips; None when the pack cannot say it (English, a
        hall's own sentence, a window without clips): espeak-ng says it then."""
        s = self.settings
        if self.pack is None or item.kind is Kind.GUIDE or item.number is None or item.window is None:
            return None
        if s.lang != "zh" or s.templates != DEFAULT_TEMPLATES["zh"]:
            return None
        try:
            return self.pack.call(item.number, item.window, recall=item.kind is Kind.RECALL, repeat=s.repeat,
                                  chime=s.chime)
        except KeyError as exc:
            log.info("voice pack %s cannot say %s (no clip for %s): espeak-ng says it", self.pack.name,
                     item.text, exc)
            return None

    def _render(self, item: Announcement) -> tuple[bytes | None, float | None]:
        recorded = self._from_pack(item)
        if recorded is not None:
            return recorded.to_wav(), recorded.duration_s
        if self._synth is None:
            return None, None
        speech = self._speech.pop(item.text, None)
        if speech is None:
            speech = Pcm.from_wav(self._synth.synthesize(item.text))
        self._speech[item.text] = speech
        while len(self._speech) > SPEECH_CACHE:
            self._speech.popitem(last=False)
        parts: list[Pcm] = []
        if item.kind is Kind.GUIDE:
            parts.append(speech)
        else:
            if self.settings.chime:
                parts.append(chime(speech.framerate, level=0.5 * self.settings.voice.volume))
            for i in range(self.settings.repeat):
                if i:
                    parts.append(Pcm.silence(REPEAT_GAP_S, like=speech))
                parts.append(speech)
        pcm = Pcm.join(parts)
        return pcm.to_wav(), pcm.duration_s

    def _process(self, item: Announcement) -> None:
        wav: bytes | None = None
        if self._closing:
            item.error = DeviceUnavailable("播报器已关闭，未播报", "announcer closed before this was spoken")
        else:
            try:
                wav, item.audio_s = self._render(item)
            except DeviceError as exc:
                item.error = exc
            except Exception as exc:  # a bug must not kill the queue
                log.exception("announcer: rendering %s failed", item.seq)
                item.error = DeviceUnavailable(f"播报合成出错：{exc}", f"announcement rendering failed: {exc}")
            item.started_at = time.monotonic()
            self._emit(self._started_listeners, item)
            try:
                if wav is not None and item.audio_s is not None:
                    self._player.play(wav, item.audio_s)
            except DeviceError as exc:
                item.error = exc
            except Exception as exc:
                log.exception("announcer: playing %s failed", item.seq)
                item.error = DeviceUnavailable(f"播放出错：{exc}", f"playback failed: {exc}")
            if self._recorder is not None:
                try:
                    self._recorder.record(item, wav)
                except DeviceError as exc:
                    item.error = item.error or exc
                except Exception as exc:
                    log.exception("announcer: recording %s failed", item.seq)
                    item.error = item.error or DeviceUnavailable(
                        f"写入模拟目录出错：{exc}", f"writing the sim folder failed: {exc}"
                    )
        if item.error is not None:
            log.warning("announcement %d (%s) not spoken: %s", item.seq, item.text, item.error)
        item.finished_at = time.monotonic()
        self._emit(self._finished_listeners, item)
        with self._cond:
            self._pending -= 1
            if item.error is None:
                self._played += 1
            else:
                self._failed += 1
                self._last_error = item.error
            self._cond.notify_all()

    def _emit(self, listeners: list[Listener], item: Announcement) -> None:
        with self._cond:
            todo = list(listeners)
        for listener in todo:
            try:
                listener(item)
            except Exception:
                log.exception("announcer listener %r failed on item %d", listener, item.seq)

    # ----------------------------------------------------------------- lifecycle
    def close(self, timeout: float = 5.0) -> None:
        """Stop: the current audio is cut, queued items are dropped (``on_finished`` with an error),
        the worker thread and the synthesis process end. Idempotent."""
        with self._cond:
            already = self._closing
            self._closing = True
        if not already:
            self._queue.put(None)
            self._player.stop()
        if threading.current_thread() is self._thread:
            return  # close() from a listener: the worker ends after this item; never join oneself
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("announcer worker did not stop within %.1f s", timeout)
        if self._synth is not None:
            self._synth.close()

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- health
    def health(self) -> Health:
        """espeak-ng present, voice exists and reads a call without switching language, a test
        synthesis is audible, the output works (无音频输出设备 otherwise); plus queue counters."""
        findings: list[tuple[Level, str, str]] = []
        facts: dict[str, object] = {"url": self.url, "lang": self.settings.lang}
        if self.pack is not None:
            facts["voice_pack"] = f"{self.pack.name} ({self.pack.folder})"
        with self._cond:
            closing = self._closing
            facts.update(
                pending=self._pending,
                played=self._played,
                failed=self._failed,
                last_error=None if self._last_error is None else str(self._last_error),
            )
        if closing:
            findings.append((Level.FAIL, "播报器已关闭", "announcer is closed"))
        if self._synth is not None and not closing:
            findings += self._check_speech(facts)
        check: PlayerCheck = (self._recorder or self._player).probe()
        facts.update(check.facts)
        findings.append((check.level, check.detail_zh, check.detail_en))
        order = [Level.OK, Level.UNKNOWN, Level.WARN, Level.FAIL]
        level = max((lv for lv, _, _ in findings), key=order.index, default=Level.OK)
        bad = [(zh, en) for lv, zh, en in findings if lv is not Level.OK]
        if bad:
            zh, en = "；".join(z for z, _ in bad), "; ".join(e for _, e in bad)
        else:
            zh, en = f"播报正常（{check.detail_zh}）", f"announcer OK ({check.detail_en})"
        return Health("announcer", level, zh, en, facts)

    def _check_speech(self, facts: dict[str, object]) -> list[tuple[Level, str, str]]:
        assert self._synth is not None
        voice = self.settings.voice.voice
        facts.update(voice=voice, rate=self.settings.voice.rate, volume=self.settings.voice.volume)
        if shutil.which(ESPEAK) is None:
            return [(Level.FAIL, f"未安装 {ESPEAK}", f"{ESPEAK} is not installed")]
        try:
            matched = require_voice(voice, timeout=5.0)
            probe = call_text("A012", 3, lang=self.settings.lang, readings=self.settings.readings)
            phonemes = espeak_phonemes(probe, voice, timeout=5.0)
            wav = self._synth.synthesize(probe)
        except DeviceConfigError as exc:
            return [(Level.FAIL, exc.zh, exc.en)]
        except DeviceError as exc:
            return [(Level.FAIL, f"测试合成失败：{exc.zh}", f"test synthesis failed: {exc.en}")]
        found: list[tuple[Level, str, str]] = []
        # "(en)…(cmn)": the voice left its own language for a word and came back
        own = matched.language.split("-")[0]
        switches = [lang for lang in language_switches(phonemes) if lang.split("-")[0] != own]
        facts.update(phonemes=phonemes, engine=self._synth.last_engine)
        if switches:
            langs = ", ".join(switches)
            found.append(
                (
                    Level.WARN,
                    f"语音 {voice} 读播报句时切换语言（{langs}），字母/拼音会被读成外语；中文请用 cmn-latn-pinyin",
                    f"voice {voice} switches language ({langs}) in a call; letters/pinyin are read "
                    "as a foreign language; use cmn-latn-pinyin for Chinese",
                )
            )
        stats = measure(wav)
        facts.update(
            test_duration_s=round(stats.duration_s, 3),
            test_rms=round(stats.rms, 4),
            test_peak=round(stats.peak, 4),
        )
        if stats.rms < SILENCE_RMS or stats.duration_s < 0.3:
            found.append((Level.FAIL, "测试合成无声", "test synthesis is silent"))
        if self._synth.last_engine != "pyttsx3" and self.settings.engine == "pyttsx3":
            found.append(
                (
                    Level.WARN,
                    f"pyttsx3 不可用，改用 espeak-ng 程序：{self._synth.fallback_reason}",
                    f"pyttsx3 unusable, using the espeak-ng binary: {self._synth.fallback_reason}",
                )
            )
        return found


# --------------------------------------------------------------------- opening by URL
def _open_espeak(url: DeviceUrl) -> Announcer:
    url.check_options(set(ESPEAK_OPTIONS))
    if url.host or url.path not in ("", "/"):
        raise DeviceConfigError(
            f"播报设备地址 {url.raw!r}：espeak:// 不带主机或路径，如 espeak://?voice=cmn-latn-pinyin",
            f"announcer URL {url.raw!r}: espeak:// takes no host or path, e.g. espeak://?voice=cmn-latn-pinyin",
        )
    settings = settings_from_url(url)
    player_name = choice_option(url, "player", PLAYERS, "aplay")
    device = url.options.get("device") or None
    if device is not None and player_name != "aplay":
        raise DeviceConfigError(
            f"播报设备地址 {url.raw!r}：device 只用于 player=aplay",
            f"announcer URL {url.raw!r}: device applies to player=aplay only",
        )
    player: Player = AplayPlayer(device) if player_name == "aplay" else NullPlayer()
    pack = VoicePack.load(settings.pack) if settings.pack else None  # a bad pack refuses to open
    synth = Synthesizer(settings.voice, engine=settings.engine)
    return Announcer(settings, synth=synth, player=player, url=url.raw, pack=pack)


def _open_sim(url: DeviceUrl) -> Announcer:
    url.check_options(set(SIM_OPTIONS))
    folder = url.options.get("dir", "")
    if not folder.strip():
        raise DeviceConfigError(
            f"播报设备地址 {url.raw!r}：缺少 dir=目录，如 sim://?dir=/tmp/calls",
            f"announcer URL {url.raw!r}: dir= is required, e.g. sim://?dir=/tmp/calls",
        )
    synth_on = bool_option(url, "synth", True)
    settings = settings_from_url(url, check_voice=synth_on)
    pack = VoicePack.load(settings.pack) if settings.pack else None  # a bad pack refuses to open
    recorder = FolderRecorder(Path(folder))
    synth = Synthesizer(settings.voice, engine=settings.engine) if synth_on else None
    return Announcer(
        settings,
        synth=synth,
        player=NullPlayer(),
        recorder=recorder,
        url=url.raw,
        first_seq=recorder.first_free(),
        pack=pack,
    )


_ANNOUNCERS = {"espeak": _open_espeak, "sim": _open_sim}


def open_announcer(url: str) -> Announcer:
    """Open the announcer a URL names; see :mod:`drivers.announcer.options` for the options.

    ``espeak://?voice=cmn-latn-pinyin&rate=150&volume=1.0&chime=1&repeat=2&player=aplay&lang=zh``
    speaks through ``aplay``; ``sim://?dir=/path&synth=1`` writes ``0001.txt``/``0001.wav`` instead.
    """
    return open_by_scheme("播报 announcer", url, _ANNOUNCERS)

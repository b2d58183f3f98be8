"""Voice packs: calls joined from recorded clips — what a hall records to be called by a human voice.

A pack is a folder with ``pack.toml`` and WAV clips (one format for all: PCM, mono, any rate; 16 kHz
is plenty for speech). The manifest maps what is said to a file::

    name = "示例县政务服务中心 播音员 王老师"
    [clips]
    "请" = "qing.wav"
    "号到" = "hao-dao.wav"
    "号窗口办理" = "hao-chuangkou-banli.wav"
    "号再次到" = "hao-zaici-dao.wav"   # optional: recalls say 号到 without it
    "十" = "shi.wav"                   # windows are cardinals: 12 → 十 二, 20 → 二 十
    chime = "chime.wav"
    "0" = "0.wav"  …  "9" = "9.wav"   # digits, read 零 一 二 … (一, never 幺)
    "A" = "a.wav"  …  "Z" = "z.wav"   # every letter, read as the hall wants its prefixes read

A call is ``chime`` then (``请`` letters digits ``号到`` window ``号窗口办理``) × repeat, the words
``WORD_GAP_S`` apart: "请 A 零一二 号到 3 号窗口办理", the announcer's default sentence. :meth:`VoicePack.load`
refuses a pack that misses a required clip, has an unreadable, silent or over-long one, or mixes
formats — a hall finds out when the display starts, not at the first call. What a pack cannot say
(English, a custom template, a window over 99) the announcer gives to
espeak-ng. ``python -m drivers.announcer.make_pack DIR`` makes a pack from espeak-ng (the test pack
shipped in ``drivers/announcer/packs/espeak-cmn``).
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import DeviceConfigError, DeviceProtocolError

from .audio import Pcm
from .text import normalise_number, normalise_window
from .wavcheck import SILENCE_RMS, measure_pcm

__all__ = ["MANIFEST", "REQUIRED", "SHIPPED_PACK", "VoicePack", "VoicePackError"]

MANIFEST = "pack.toml"
PLEASE, TO, AGAIN_TO, WINDOW_DO, TEN, CHIME = "请", "号到", "号再次到", "号窗口办理", "十", "chime"
REQUIRED: tuple[str, ...] = (
    CHIME, PLEASE, TO, WINDOW_DO, TEN, *string.digits, *string.ascii_uppercase,
)
OPTIONAL: tuple[str, ...] = (AGAIN_TO,)
MAX_CLIP_S = 5.0  # a clip longer than this is not one word: a wrong file
WORD_GAP_S = 0.06
CHIME_GAP_S = 0.25
REPEAT_GAP_S = 0.8
SHIPPED_PACK = Path(__file__).parent / "packs" / "espeak-cmn"


class VoicePackError(DeviceConfigError):
    """A pack that cannot be used (bilingual, like every device error)."""


@dataclass(frozen=True, slots=True)
class VoicePack:
    folder: Path
    name: str
    clips: dict[str, Pcm]

    @classmethod
    def load(cls, folder: str | Path) -> VoicePack:
        """Read and check a pack: every required clip there, readable, audible, short, one format."""
        root = Path(folder)
        manifest = root / MANIFEST
        try:
            data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        except OSError as exc:
            raise VoicePackError(f"语音包 {root}：读不到 {MANIFEST}（{exc.strerror}）",
                                 f"voice pack {root}: cannot read {MANIFEST} ({exc.strerror})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise VoicePackError(f"语音包 {manifest} 格式错误：{exc}",
                                 f"voice pack {manifest} is not TOML: {exc}") from exc
        table = data.get("clips")
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise VoicePackError(f"语音包 {manifest} 缺少 [clips] 表（说的话 = 文件名）",
                                 f"voice pack {manifest} lacks a [clips] table (word = file name)")
        missing = [key for key in REQUIRED if key not in table]
        if missing:
            raise VoicePackError(f"语音包 {root} 缺少片段：{'、'.join(missing)}",
                                 f"voice pack {root} lacks clips: {', '.join(missing)}")
        clips: dict[str, Pcm] = {}
        for key in (*REQUIRED, *(k for k in OPTIONAL if k in table)):
            clips[key] = _clip(root, key, table[key])
        first = clips[CHIME]
        odd = [k for k, pcm in clips.items() if not pcm.same_format(first)]
        if odd:
            raise VoicePackError(
                f"语音包 {root} 的片段格式不一致（{'、'.join(odd)} 与 chime 不同）：请统一为同一采样率、单声道",
                f"voice pack {root} mixes formats ({', '.join(odd)} differ from chime): use one rate, mono",
            )
        return cls(root, str(data.get("name", root.name)), clips)

    @property
    def framerate(self) -> int:
        return self.clips[CHIME].framerate

    def words(self, number: str, window: str | int, *, recall: bool = False) -> list[str]:
        """The clips of one reading of the call, in order; ``KeyError`` for what the pack cannot say."""
        code = normalise_number(number)
        to = AGAIN_TO if recall and AGAIN_TO in self.clips else TO
        words = [PLEASE, *code, to, *window_words(normalise_window(window)), WINDOW_DO]
        unknown = [w for w in words if w not in self.clips]
        if unknown:
            raise KeyError(", ".join(unknown))
        return words

    def call(self, number: str, window: str | int, *, recall: bool = False, repeat: int = 2,
             chime: bool = True) -> Pcm:
        """The whole announcement: chime, then the sentence ``repeat`` times."""
        words = self.words(number, window, recall=recall)
        gap = Pcm.silence(WORD_GAP_S, like=self.clips[CHIME])
        sentence: list[Pcm] = []
        for k, word in enumerate(words):
            if k:
                sentence.append(gap)
            sentence.append(self.clips[word])
        parts: list[Pcm] = []
        if chime:
            parts += [self.clips[CHIME], Pcm.silence(CHIME_GAP_S, like=gap)]
        for i in range(repeat):
            if i:
                parts.append(Pcm.silence(REPEAT_GAP_S, like=gap))
            parts += sentence
        return Pcm.join(parts)


def window_words(window: str) -> list[str]:
    """How a window is said: 1–99 as a cardinal (halls say 十二号窗口), one with letters sign by sign;
    a number over 99 (百) is not in a pack: ``KeyError``, and espeak-ng says it.

    >>> window_words("3"), window_words("10"), window_words("12"), window_words("20"), window_words("35")
    (['3'], ['十'], ['十', '2'], ['2', '十'], ['3', '十', '5'])
    >>> window_words("3a")
    ['3', 'A']
    """
    if window.isdigit():
        if not 1 <= int(window) <= 99:
            raise KeyError(f"window {window}")
        tens, ones = divmod(int(window), 10)
        head = [] if tens == 0 else [TEN] if tens == 1 else [str(tens), TEN]
        return head + ([str(ones)] if ones or not head else [])
    return [c.upper() for c in window]


def _clip(root: Path, key: str, name: str) -> Pcm:
    path = root / name
    try:
        pcm = Pcm.from_wav(path.read_bytes())
    except OSError as exc:
        raise VoicePackError(f"语音包片段 {key!r}：读不到 {path}（{exc.strerror}）",
                             f"voice pack clip {key!r}: cannot read {path} ({exc.strerror})") from exc
    except DeviceProtocolError as exc:
        raise VoicePackError(f"语音包片段 {key!r}（{path}）{exc.zh}",
                             f"voice pack clip {key!r} ({path}): {exc.en}") from exc
    if pcm.channels != 1 or pcm.sampwidth != 2:
        raise VoicePackError(f"语音包片段 {key!r}（{path}）应为 16 位单声道 PCM",
                             f"voice pack clip {key!r} ({path}) must be 16-bit mono PCM")
    stats = measure_pcm(pcm)
    if stats.rms < SILENCE_RMS:
        raise VoicePackError(f"语音包片段 {key!r}（{path}）无声", f"voice pack clip {key!r} ({path}) is silent")
    if stats.duration_s > MAX_CLIP_S:
        raise VoicePackError(
            f"语音包片段 {key!r}（{path}）长 {stats.duration_s:.1f} 秒，超过 {MAX_CLIP_S:.0f} 秒：应为一个词",
            f"voice pack clip {key!r} ({path}) is {stats.duration_s:.1f} s, over {MAX_CLIP_S:.0f} s: one word a clip",
        )
    return pcm

"""Make a voice pack (:mod:`.voicepack`) from espeak-ng: the test pack shipped in ``packs/espeak-cmn``,
and a template for a hall that records its own (same file names, same ``pack.toml``).

    python -m drivers.announcer.make_pack drivers/announcer/packs/espeak-cmn [--rate 16000]

Each clip is what the announcer's espeak-ng sentence says for it — digits as 零一二…, letters by their
reading (:data:`.text.LETTER_READINGS`) — synthesised alone, its leading and trailing silence cut,
resampled to ``--rate`` (16 kHz mono by default: small, and plenty for speech); the chime is the
announcer's own ding-dong.
"""

from __future__ import annotations

import argparse
import array
import string
import sys
from pathlib import Path

from .audio import Pcm
from .chime import chime
from .synth import VoiceSettings, espeak_synthesize
from .text import _ZH_DIGITS, LETTER_READINGS
from .voicepack import AGAIN_TO, CHIME, MANIFEST, PLEASE, TEN, TO, WINDOW_DO, VoicePack

VOICE = "cmn-latn-pinyin"
TRIM_LEVEL = 0.02  # of full scale: quieter samples at either end are cut
TAIL_S = 0.03  # kept after the last loud sample (the word's decay)

# file name of each clip; ASCII names, so any hall's tools can write them
FILES: dict[str, str] = {
    CHIME: "chime.wav", PLEASE: "qing.wav", TO: "hao-dao.wav", AGAIN_TO: "hao-zaici-dao.wav",
    WINDOW_DO: "hao-chuangkou-banli.wav", TEN: "shi.wav",
    **{d: f"digit-{d}.wav" for d in string.digits},
    **{c: f"letter-{c.lower()}.wav" for c in string.ascii_uppercase},
}


def spoken_text(key: str) -> str:
    """What espeak-ng is given for a clip."""
    if key in _ZH_DIGITS:
        return _ZH_DIGITS[key]
    if len(key) == 1 and key in string.ascii_uppercase:
        return LETTER_READINGS.get(key, key)
    return key


def samples_of(pcm: Pcm) -> array.array:
    out = array.array("h")
    out.frombytes(pcm.frames)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def pcm_of(samples: array.array, rate: int) -> Pcm:
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    return Pcm(data.tobytes(), rate, 2, 1)


def trimmed(samples: array.array, rate: int) -> array.array:
    """Without the silence espeak-ng puts before and after a word."""
    limit = TRIM_LEVEL * 32767
    loud = [i for i, s in enumerate(samples) if abs(s) > limit]
    if not loud:
        return samples
    return samples[loud[0]: min(len(samples), loud[-1] + int(TAIL_S * rate))]


def resampled(samples: array.array, rate_in: int, rate_out: int) -> array.array:
    """Linear interpolation (speech from a synthesiser has little above 8 kHz to alias)."""
    if rate_in == rate_out or not samples:
        return samples
    n = int(len(samples) * rate_out / rate_in)
    step = rate_in / rate_out
    out = array.array("h", bytes(2 * n))
    last = len(samples) - 1
    for i in range(n):
        x = i * step
        k = int(x)
        frac = x - k
        nxt = samples[min(k + 1, last)]
        out[i] = round(samples[k] * (1 - frac) + nxt * frac)
    return out


def make_pack(folder: Path, *, rate: int = 16000, voice: str = VOICE) -> VoicePack:
    folder.mkdir(parents=True, exist_ok=True)
    settings = VoiceSettings(voice=voice)
    for key, name in FILES.items():
        if key == CHIME:
            pcm = chime(rate)
        else:
            speech = Pcm.from_wav(espeak_synthesize(spoken_text(key), settings))
            pcm = pcm_of(resampled(trimmed(samples_of(speech), speech.framerate), speech.framerate, rate), rate)
        (folder / name).write_bytes(pcm.to_wav())
    lines = [
        "# A voice pack made from espeak-ng (python -m drivers.announcer.make_pack): the test pack, and the",
        "# layout of a pack a hall records with a human voice. See drivers/announcer/voicepack.py.",
        f'name = "espeak-ng {voice} ({rate} Hz)"',
        "",
        "[clips]",
        *(f'"{key}" = "{name}"' for key, name in FILES.items()),
        "",
    ]
    (folder / MANIFEST).write_text("\n".join(lines), encoding="utf-8")
    return VoicePack.load(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rate", type=int, default=16000)
    parser.add_argument("--voice", default=VOICE)
    args = parser.parse_args(argv)
    pack = make_pack(args.folder, rate=args.rate, voice=args.voice)
    total = sum(p.stat().st_size for p in args.folder.glob("*.wav"))
    print(f"{pack.folder}: {len(pack.clips)} clips, {total // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

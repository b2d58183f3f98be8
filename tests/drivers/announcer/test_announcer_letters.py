"""No two calls of the shipped hall sound alike, and no prefix letter sounds like a digit.

Every prefix letter of config/hall.toml is read with numbers that put every digit in every position;
espeak-ng's own phonemes (``-q -x``, the ``cmn-latn-pinyin`` voice the halls use) are compared with the
tones taken off (a PA in a noisy hall loses tones first): the calls all differ, the last three
syllables of each are its three digits, and the letter's syllables are none of 零一二三四五六七八九's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from drivers.announcer import call_text, espeak_phonemes, spoken_number
from drivers.announcer.synth import language_switches

ROOT = Path(__file__).resolve().parents[3]
VOICE = "cmn-latn-pinyin"
NUMBERS = ["001", "012", "123", "234", "345", "456", "567", "678", "789", "890", "905"]

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def shipped_prefixes() -> list[str]:
    config = tomllib.loads((ROOT / "config" / "hall.toml").read_text(encoding="utf-8"))
    return sorted({s["prefix"] for hall in config["halls"] for s in hall["services"]})


def phonemes(texts: list[str]) -> list[str]:
    """espeak-ng's phonemes of each text, one process for all (one sentence a line)."""
    out = subprocess.run(["espeak-ng", "-v", VOICE, "-q", "-x"], input="".join(f"{t}.\n" for t in texts),
                         capture_output=True, text=True, check=True, timeout=60).stdout
    lines = [" ".join(line.split()) for line in out.splitlines() if line.strip()]
    assert len(lines) == len(texts)
    return lines


def syllables(ph: str) -> list[str]:
    """Toneless syllables: ``"'o-35_| l'i35N_|"`` → ``["o-", "liN"]``."""
    return [re.sub(r"[0-9'_|,]", "", s) for s in ph.split()]


DIGITS = dict(zip("0123456789", syllables(" ".join(phonemes(list("零一二三四五六七八九")))), strict=True))


def test_the_shipped_hall_uses_many_letters() -> None:
    assert len(shipped_prefixes()) >= 20  # the 24 letters: the check below is not vacuous


def test_every_call_of_the_shipped_hall_sounds_different_and_no_letter_sounds_like_a_digit() -> None:
    prefixes = shipped_prefixes()
    codes = [f"{p}{n}" for p in prefixes for n in NUMBERS]
    said = dict(zip(codes, phonemes([spoken_number(c, "zh") for c in codes]), strict=True))
    assert len(set(said.values())) == len(codes)  # the phoneme strings all differ …
    toneless = {code: tuple(syllables(ph)) for code, ph in said.items()}
    assert len(set(toneless.values())) == len(codes)  # … also with the tones taken off
    digit_sounds = set(DIGITS.values())
    for code, sounds in toneless.items():
        letter, digits = sounds[:-3], sounds[-3:]
        assert list(digits) == [DIGITS[d] for d in code[-3:]], (code, said[code])  # read digit by digit
        assert letter and not set(letter) & digit_sounds, (code, said[code])  # the letter is no digit
    letters = {code[0]: toneless[code][:-3] for code in codes}
    assert len(set(letters.values())) == len(prefixes)  # no two letters alike


def test_a_whole_call_stays_in_chinese() -> None:
    """The readings are pinyin the voice reads itself: no switch to English in the middle of a call."""
    for prefix in shipped_prefixes():
        ph = espeak_phonemes(call_text(f"{prefix}012", 12), VOICE)
        assert language_switches(ph) == [], (prefix, ph)


def test_without_the_readings_espeak_would_say_digits() -> None:
    """What the readings fix: R read by espeak-ng as is is ``ér`` (二), E is ``yì`` (一), W ends in 六."""
    plain = dict(zip("REW", (tuple(syllables(p)) for p in phonemes(["R", "E", "W"])), strict=True))
    assert plain["R"] == (DIGITS["2"],) and plain["E"] == (DIGITS["1"],) and plain["W"][-1].endswith(DIGITS["6"])

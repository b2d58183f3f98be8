"""Real espeak-ng speech: audible, plausible length, read digit by digit, letters as letters;
the pyttsx3 worker process, and the espeak-ng binary taking over when the worker fails."""

from __future__ import annotations

import logging
import sys

import pytest
from announcer_helpers import CALL_NUMBER, CALL_WINDOW

from drivers.announcer import (
    Synthesizer,
    VoiceSettings,
    call_text,
    espeak_phonemes,
    espeak_synthesize,
    measure,
)
from drivers.announcer.synth import Pyttsx3Process, language_switches
from drivers.announcer.wavcheck import SILENCE_RMS
from drivers.errors import DeviceConfigError

PINYIN = "cmn-latn-pinyin"
CALL = call_text(CALL_NUMBER, CALL_WINDOW)  # 请 A 零一二 号到 3 号窗口办理


@pytest.fixture
def synthesizer():
    made: list[Synthesizer] = []

    def _make(settings: VoiceSettings | None = None, **kw) -> Synthesizer:
        made.append(Synthesizer(settings or VoiceSettings(), **kw))
        return made[-1]

    yield _make
    for s in made:
        s.close()


def test_call_is_audible_speech_of_plausible_length(synthesizer):
    stats = measure(synthesizer().synthesize(CALL))
    assert stats.rms > 10 * SILENCE_RMS
    assert 2.0 < stats.duration_s < 8.0


def test_number_is_spoken_digit_by_digit():
    phonemes = espeak_phonemes(CALL, PINYIN)
    ling, yi, er = (espeak_phonemes(c, PINYIN) for c in "零一二")
    assert phonemes.index(ling) < phonemes.index(yi) < phonemes.index(er)
    assert espeak_phonemes("十", PINYIN) not in phonemes  # not 零十二


def test_letter_a_is_spelled_as_a_letter():
    phonemes = espeak_phonemes(CALL, PINYIN)
    assert espeak_phonemes("A", PINYIN) in phonemes  # 'ei51, the letter name
    assert language_switches(phonemes) == []  # no word read as English


def test_cmn_voice_reads_pinyin_as_english_and_latn_pinyin_does_not():
    """The Debian 12 finding behind the default voice (see synth.py)."""
    assert "en" in language_switches(espeak_phonemes(CALL, "cmn"))
    assert language_switches(espeak_phonemes(CALL, PINYIN)) == []


def test_english_letter_a_is_not_the_article():
    phonemes = espeak_phonemes(call_text(CALL_NUMBER, CALL_WINDOW, lang="en"), "en")
    assert "'eI" in phonemes and "a#" not in phonemes


def same_speech(a: bytes, b: bytes, tolerance_s: float = 0.005) -> bool:
    """Same engine, same settings: espeak-ng's noise generator keeps its state from one utterance
    to the next within a process, so a few noise samples and the length (±10 samples per sentence)
    may differ."""
    x, y = measure(a), measure(b)
    return abs(x.duration_s - y.duration_s) < tolerance_s and abs(x.rms - y.rms) < 0.02 * y.rms


def test_pyttsx3_and_the_espeak_binary_make_the_same_speech(synthesizer):
    settings = VoiceSettings(PINYIN, rate=170, volume=0.8)
    synth = synthesizer(settings)
    assert same_speech(synth.synthesize(CALL), espeak_synthesize(CALL, settings))
    assert synth.last_engine == "pyttsx3"


def test_first_call_of_a_fresh_worker_gets_the_whole_audio(synthesizer):
    # pyttsx3#219: on an engine's first run, runAndWait returns while espeak is still writing.
    # Before the worker waited for it, this long text came back without audio 5 times in 5.
    long_text = "，".join([CALL] * 12)  # about 55 s of speech
    # twelve sentences: their small length differences add up (12 ms, 273 samples, in a CI run); the
    # truncation this test is for loses seconds
    assert same_speech(synthesizer().synthesize(long_text), espeak_synthesize(long_text, VoiceSettings()),
                       tolerance_s=0.05)


def test_worker_answers_every_call_while_settings_change():
    # Each settings change queues SetVoiceByName/SetParameter on espeak's thread; before the
    # worker waited for espeak to go idle, pyttsx3 cancelled about 1 utterance in 100-200 here
    # (a 44-byte WAV). The race is rare, so this is a smoke test rather than a sure detector.
    worker = Pyttsx3Process()
    try:
        for n in range(40):
            settings = VoiceSettings(rate=140 + n % 3 * 10)
            wav = worker.synthesize(call_text(f"A{n:03d}", n % 9 + 1), settings)  # raises if not
            assert measure(wav).duration_s > 2.0
    finally:
        worker.close()


def test_volume_and_rate_reach_the_engine(synthesizer):
    loud = measure(synthesizer(VoiceSettings(volume=1.0)).synthesize(CALL))
    soft = measure(synthesizer(VoiceSettings(volume=0.5)).synthesize(CALL))
    slow = measure(synthesizer(VoiceSettings(rate=100)).synthesize(CALL))
    assert soft.rms < 0.7 * loud.rms
    assert slow.duration_s > 1.2 * loud.duration_s


def test_english_voice(synthesizer):
    stats = measure(synthesizer(VoiceSettings("en")).synthesize("Number A, 0 1 2, please go to window 3"))
    assert stats.rms > 10 * SILENCE_RMS and 2.0 < stats.duration_s < 8.0


def test_text_starting_with_a_dash_is_spoken_not_parsed_as_an_option():
    assert measure(espeak_synthesize("-x 请", VoiceSettings())).duration_s > 0.3


def test_unknown_voice_is_a_config_error(synthesizer):
    with pytest.raises(DeviceConfigError) as err:
        synthesizer(VoiceSettings("no-such-voice")).synthesize(CALL)
    assert "no-such-voice" in err.value.zh and "no-such-voice" in err.value.en
    with pytest.raises(DeviceConfigError):
        espeak_synthesize(CALL, VoiceSettings("no-such-voice"))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"rate": 20}, "rate"),
        ({"volume": 0.0}, "volume"),
        ({"volume": 1.5}, "volume"),
        ({"voice": "cmn; rm -rf /"}, "voice"),
    ],
)
def test_bad_voice_settings_are_refused(kw, message):
    with pytest.raises(DeviceConfigError, match=message):
        VoiceSettings(**kw)


# Workers that fail the way a wedged or crashed pyttsx3 would; each is a real child process.
HUNG = [sys.executable, "-c", "import sys; sys.stdin.read()"]  # never answers
GARBAGE = [
    sys.executable,
    "-c",
    "print('ALSA lib garbage', flush=True); import sys; sys.stdin.read()",
]
CRASHED = [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"]


@pytest.mark.parametrize("command", [HUNG, GARBAGE, CRASHED], ids=["hung", "garbage", "crashed"])
def test_a_failing_worker_is_replaced_by_the_espeak_binary(synthesizer, command, caplog):
    worker = Pyttsx3Process(command=command, start_timeout=1.0)
    synth = synthesizer(engine="pyttsx3", worker=worker)
    with caplog.at_level(logging.WARNING):
        wav = synth.synthesize(CALL)
    assert wav == espeak_synthesize(CALL, VoiceSettings())  # the call is still spoken
    assert synth.last_engine == "espeak-ng" and synth.fallback_reason
    assert not worker.running  # the broken child was killed, not left behind
    if command is GARBAGE:
        assert "garbage" in caplog.text
    if command is CRASHED:
        assert "boom" in synth.fallback_reason


def test_worker_is_given_up_after_repeated_failures(synthesizer):
    synth = synthesizer(worker=Pyttsx3Process(command=CRASHED))
    for _ in range(4):
        assert measure(synth.synthesize("测试")).rms > SILENCE_RMS
    assert synth._worker is None and synth.last_engine == "espeak-ng"


def test_worker_is_restarted_after_it_died(synthesizer):
    synth = synthesizer()
    synth.synthesize(CALL)
    dead = synth._worker._proc
    dead.kill()  # the child dies between two calls
    dead.wait()
    assert measure(synth.synthesize(CALL)).rms > SILENCE_RMS
    assert synth.last_engine == "pyttsx3" and synth._worker._proc is not dead

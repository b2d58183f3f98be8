"""WAV measurements (checked against sox), the chime, joining clips."""

from __future__ import annotations

import doctest
import re
import subprocess

import pytest

from drivers.announcer import audio, chime, measure, synth, text, wavcheck
from drivers.announcer.audio import Pcm
from drivers.announcer.chime import chime as make_chime
from drivers.announcer.chime import tone
from drivers.errors import DeviceProtocolError


def sox_stat(path) -> dict[str, float]:
    out = subprocess.run(
        ["sox", str(path), "-n", "stat"], capture_output=True, text=True, timeout=30, check=True
    ).stderr
    return {m[1].strip(): float(m[2]) for m in re.finditer(r"^([^:]+):\s+(-?[\d.]+)$", out, re.M)}


def test_silence_measures_zero():
    stats = measure(Pcm.silence(1.5).to_wav())
    assert stats.duration_s == pytest.approx(1.5)
    assert stats.rms == 0.0 and stats.peak == 0.0


def test_full_scale_sine_has_the_textbook_rms():
    pcm = tone(1000, 1.0, level=1.0, fade_s=0.001, decay=0.0)
    stats = wavcheck.measure_pcm(pcm)
    assert stats.rms == pytest.approx(1 / 2**0.5, rel=0.01)
    assert stats.peak == pytest.approx(1.0, rel=0.01)


def test_measure_agrees_with_sox(tmp_path):
    wav = tmp_path / "chime.wav"
    wav.write_bytes(make_chime().to_wav())
    ours, sox = measure(wav.read_bytes()), sox_stat(wav)
    assert ours.duration_s == pytest.approx(sox["Length (seconds)"], abs=0.001)
    assert ours.rms == pytest.approx(sox["RMS     amplitude"], rel=0.01)
    assert ours.peak == pytest.approx(sox["Maximum amplitude"], rel=0.01)


def test_eight_bit_wav_is_measured_around_its_midpoint():
    # 8-bit WAV is unsigned: 128 is silence
    pcm = Pcm(bytes([128, 228, 128, 28]) * 100, framerate=8000, sampwidth=1)
    stats = measure(pcm.to_wav())
    assert stats.peak == pytest.approx(100 / 128)
    assert stats.rms == pytest.approx((100**2 / 2) ** 0.5 / 128)


def test_chime_is_two_audible_tones_with_quiet_edges():
    pcm = make_chime()
    stats = wavcheck.measure_pcm(pcm)
    assert 1.0 < stats.duration_s < 1.5
    assert stats.rms > 0.1 and 0.3 < stats.peak <= 0.5
    first = wavcheck.measure_pcm(Pcm(pcm.frames[: 2 * 22], pcm.framerate))  # first ms: fading in
    assert first.peak < 0.05
    tail = wavcheck.measure_pcm(Pcm(pcm.frames[-2 * 2205 :], pcm.framerate))  # trailing pause
    assert tail.peak == 0.0


def test_joining_clips_adds_their_lengths():
    parts = [Pcm.silence(0.5), make_chime(), Pcm.silence(0.25)]
    joined = Pcm.join(parts)
    assert joined.nframes == sum(p.nframes for p in parts)
    assert joined.duration_s == pytest.approx(0.75 + make_chime().duration_s, abs=1e-4)


def test_joining_clips_of_different_formats_is_refused():
    with pytest.raises(DeviceProtocolError, match="differ in format"):
        Pcm.join([Pcm.silence(0.1), Pcm.silence(0.1, like=Pcm(b"", framerate=16000))])


def test_garbage_is_not_a_wav():
    with pytest.raises(DeviceProtocolError) as err:
        measure(b"RIFF nonsense")
    assert "WAV" in err.value.zh


@pytest.mark.parametrize("module", [audio, chime, synth, text, wavcheck])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0

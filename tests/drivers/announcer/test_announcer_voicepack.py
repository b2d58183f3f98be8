"""Voice packs: the shipped espeak-ng pack loads, a call is joined from its clips (measured: duration
is the sum of its parts, audible), what the pack cannot say goes to espeak-ng, and a pack missing a
clip, with a silent clip or mixed formats is refused when the announcer opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drivers.announcer import SHIPPED_PACK, VoicePack, VoicePackError, measure
from drivers.announcer.audio import Pcm
from drivers.announcer.voicepack import CHIME_GAP_S, REPEAT_GAP_S, REQUIRED, WORD_GAP_S, window_words
from drivers.announcer.wavcheck import SILENCE_RMS
from drivers.errors import DeviceConfigError

WAIT_S = 60


def copy_pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(SHIPPED_PACK, folder)
    return folder


def test_the_shipped_pack_has_every_clip_small_and_audible() -> None:
    pack = VoicePack.load(SHIPPED_PACK)
    assert set(REQUIRED) <= set(pack.clips) and pack.framerate == 16000
    for key, clip in pack.clips.items():
        stats = measure(clip.to_wav())
        assert clip.channels == 1 and 0.1 < stats.duration_s < 2.0 and stats.rms > SILENCE_RMS, key
    assert sum(p.stat().st_size for p in SHIPPED_PACK.glob("*.wav")) < 1_000_000


def test_a_call_is_the_clips_joined(tmp_path: Path, announcer) -> None:
    pack = VoicePack.load(SHIPPED_PACK)
    ann = announcer(f"sim://?dir={tmp_path / 'out'}&synth=0&pack={SHIPPED_PACK}&repeat=2")
    item = ann.announce("R012", 12)
    assert ann.wait_idle(WAIT_S) and item.ok
    wav = (tmp_path / "out" / f"{item.seq:04d}.wav").read_bytes()
    stats = measure(wav)
    words = ["请", "R", "0", "1", "2", "号到", "十", "2", "号窗口办理"]
    assert pack.words("R012", 12) == words
    once = sum(pack.clips[w].duration_s for w in words) + WORD_GAP_S * (len(words) - 1)
    expected = pack.clips["chime"].duration_s + CHIME_GAP_S + 2 * once + REPEAT_GAP_S
    assert stats.duration_s == pytest.approx(expected, abs=0.01)
    assert stats.rms > SILENCE_RMS and Pcm.from_wav(wav).framerate == 16000
    # the start of the call after the chime is the pack's own 请, sample for sample
    start = round((pack.clips["chime"].duration_s + CHIME_GAP_S) * 16000) * 2
    qing = pack.clips["请"].frames
    assert Pcm.from_wav(wav).frames[start:start + len(qing)] == qing


def test_a_recall_says_again_and_what_the_pack_cannot_say_goes_to_espeak(tmp_path: Path, announcer) -> None:
    ann = announcer(f"sim://?dir={tmp_path / 'out'}&synth=1&pack={SHIPPED_PACK}&repeat=1&chime=0")
    recall = ann.announce("A001", 3, recall=True)
    odd = ann.announce("A001", "105")  # a pack has no 百: espeak-ng says it
    assert ann.wait_idle(WAIT_S) and recall.ok and odd.ok
    pack = VoicePack.load(SHIPPED_PACK)
    assert "号再次到" in pack.words("A001", 3, recall=True)
    words = pack.words("A001", 3, recall=True)
    joined = sum(pack.clips[w].duration_s for w in words) + WORD_GAP_S * (len(words) - 1)
    assert recall.audio_s == pytest.approx(joined, abs=0.01)
    espeak = Pcm.from_wav((tmp_path / "out" / f"{odd.seq:04d}.wav").read_bytes())
    assert espeak.framerate == 22050 and measure(espeak.to_wav()).rms > SILENCE_RMS  # espeak-ng's own rate


def test_window_words() -> None:
    assert window_words("7") == ["7"] and window_words("19") == ["十", "9"] and window_words("40") == ["4", "十"]


@pytest.mark.parametrize("damage", ["missing", "silent", "format", "no-file"])
def test_a_damaged_pack_is_refused_when_the_announcer_opens(tmp_path: Path, damage: str, announcer) -> None:
    folder = copy_pack(tmp_path)
    manifest = folder / "pack.toml"
    if damage == "missing":
        manifest.write_text(manifest.read_text(encoding="utf-8").replace('"R" = "letter-r.wav"\n', ""),
                            encoding="utf-8")
        words = ("缺少片段：R", "lacks clips: R")
    elif damage == "silent":
        (folder / "digit-7.wav").write_bytes(Pcm.silence(0.4, like=Pcm(b"", 16000)).to_wav())
        words = ("无声", "is silent")
    elif damage == "format":
        (folder / "digit-7.wav").write_bytes(Pcm(Pcm.from_wav((folder / "digit-7.wav").read_bytes()).frames,
                                                 22050).to_wav())
        words = ("格式不一致", "mixes formats")
    else:
        (folder / "qing.wav").unlink()
        words = ("读不到", "cannot read")
    with pytest.raises(VoicePackError) as err:
        VoicePack.load(folder)
    assert words[0] in err.value.zh and words[1] in err.value.en
    with pytest.raises(DeviceConfigError):
        announcer(f"sim://?dir={tmp_path / 'out'}&synth=0&pack={folder}")

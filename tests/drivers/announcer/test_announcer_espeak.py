"""espeak:// end to end: synthesis plus a real aplay process; no sound card must never stall the
queue; health; bad URLs refused with clear errors."""

from __future__ import annotations

import pytest
from announcer_helpers import CALL_NUMBER, CALL_WINDOW, WAIT, Events

from drivers.announcer import open_announcer
from drivers.errors import DeviceConfigError
from drivers.health import Level

# An ALSA device that exists nowhere: aplay fails exactly as on a PC without a sound card.
NO_DEVICE = "hallq_no_such_device"


def test_player_none_synthesises_and_reports_start_and_finish(announcer):
    ann = announcer("espeak://?player=none&repeat=1")
    events = Events(ann)
    item = ann.announce(CALL_NUMBER, CALL_WINDOW)
    assert ann.wait_idle(WAIT)
    assert item.ok and 3.0 < item.audio_s < 10.0  # chime + one reading
    assert item.queued_at <= item.started_at <= item.finished_at
    assert events.log == [("start", 1), ("finish", 1)]


def test_aplay_plays_each_call_through_a_real_process(announcer):
    ann = announcer("espeak://?player=aplay&device=null")  # ALSA's null device: plays, discards
    items = [ann.announce(CALL_NUMBER, CALL_WINDOW), ann.say("请取号")]
    assert ann.wait_idle(WAIT)
    assert [i.ok for i in items] == [True, True]
    health = ann.health()
    assert health.level is Level.WARN and "null" in health.detail_zh


def test_missing_audio_device_fails_each_item_but_never_the_queue(announcer):
    ann = announcer(f"espeak://?player=aplay&device={NO_DEVICE}")
    events = Events(ann)
    for n in range(1, 4):
        ann.announce(f"A{n:03d}", n)
    done = events.wait_finished(3)
    assert [i.seq for i in done] == [1, 2, 3]
    assert all("无音频输出设备" in i.error.zh and "no audio output device" in i.error.en for i in done)
    health = ann.health()
    assert health.level is Level.FAIL
    assert "无音频输出设备" in health.detail_zh and health.facts["failed"] == 3


def test_health_ok_with_the_pinyin_voice(announcer):
    health = announcer("espeak://?player=none").health()
    assert health.level is Level.OK, health.detail_en
    assert health.device == "announcer"
    assert health.facts["voice"] == "cmn-latn-pinyin" and health.facts["engine"] == "pyttsx3"


def test_health_warns_about_the_cmn_voice(announcer):
    health = announcer("espeak://?player=none&voice=cmn").health()
    assert health.level is Level.WARN
    assert "cmn-latn-pinyin" in health.detail_zh and "switches language (en)" in health.detail_en


def test_health_fails_without_espeak(announcer, monkeypatch, tmp_path):
    ann = announcer("espeak://?player=none")
    monkeypatch.setenv("PATH", str(tmp_path))  # espeak-ng uninstalled under our feet
    health = ann.health()
    assert health.level is Level.FAIL and "未安装 espeak-ng" in health.detail_zh


def test_english_announcer(announcer):
    ann = announcer("espeak://?player=none&lang=en&repeat=1&chime=0")
    item = ann.announce(CALL_NUMBER, CALL_WINDOW)
    assert ann.wait_idle(WAIT) and item.ok
    assert item.text == "Number A, 0 1 2, please go to window 3"
    assert ann.health().facts["voice"] == "en"


def test_binary_engine_from_the_url(announcer):
    ann = announcer("espeak://?player=none&engine=espeak-ng")
    item = ann.announce(CALL_NUMBER, CALL_WINDOW)
    assert ann.wait_idle(WAIT) and item.ok
    assert ann.health().facts["engine"] == "espeak-ng"


@pytest.mark.parametrize(
    ("url", "zh", "en"),
    [
        ("speaker://", "协议必须是", "scheme must be one of espeak, sim"),
        ("espeak://?volum=1", "未知选项 volum", "unknown option(s) volum"),
        ("espeak://?rate=fast", "rate 应为整数", "rate must be an integer"),
        ("espeak://?rate=1000", "语速", "out of range 80-450"),
        ("espeak://?volume=2", "音量", "volume=2.0 must be in (0, 1]"),
        ("espeak://?repeat=0", "repeat 应在 1–5", "repeat must be 1-5"),
        ("espeak://?chime=maybe", "chime 应为 1 或 0", "chime must be 1 or 0"),
        ("espeak://?lang=fr", "lang 应为 zh | en", "lang must be one of zh | en"),
        ("espeak://?player=pulse", "player 应为 aplay | none", "player must be one of aplay | none"),
        ("espeak://?player=none&device=null", "device 只用于", "device applies to player=aplay"),
        ("espeak://?engine=festival", "engine 应为", "engine must be one of pyttsx3 | espeak-ng"),
        ("espeak://?voice=no-such-voice", "没有语音 'no-such-voice'", "has no voice 'no-such-voice'"),
        ("espeak://?template=请{ticket}号", "未知占位符 {ticket}", "unknown placeholder {ticket}"),
        ("espeak://?recall_template=再次", "缺少 {number}", "lacks {number}"),
        ("espeak://speaker1", "不带主机或路径", "takes no host or path"),
        ("sim://?synth=0", "缺少 dir", "dir= is required"),
        ("sim://?dir=/tmp&player=aplay", "未知选项 player", "unknown option(s) player"),
    ],
)
def test_bad_urls_are_refused_in_chinese_and_english(url, zh, en):
    with pytest.raises(DeviceConfigError) as err:
        open_announcer(url)
    assert zh in err.value.zh
    assert en in err.value.en

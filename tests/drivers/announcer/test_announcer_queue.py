"""The announcement queue, through the sim:// backend: order, no overlap, nothing dropped, the
files a maintenance engineer would look at, and faults that must not stop the queue."""

from __future__ import annotations

import json
import threading

import pytest
from announcer_helpers import CALL_NUMBER, CALL_WINDOW, WAIT, Events

from drivers.announcer import Kind, measure
from drivers.announcer.audio import Pcm
from drivers.announcer.chime import chime
from drivers.announcer.recorder import LOG_NAME
from drivers.announcer.wavcheck import SILENCE_RMS
from drivers.errors import DeviceUnavailable
from drivers.health import Level


def log_entries(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / LOG_NAME).read_text("utf-8").splitlines()]


def test_burst_of_twenty_is_spoken_in_order_without_overlap(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    events = Events(ann)
    items = [ann.announce(f"A{n:03d}", n % 9 + 1) for n in range(1, 21)]
    assert ann.wait_idle(WAIT)
    assert [i.seq for i in items] == list(range(1, 21))
    # the worker never starts item n+1 before item n finished
    assert events.log == [(kind, n) for n in range(1, 21) for kind in ("start", "finish")]
    assert all(i.ok for i in items)
    texts = [(tmp_path / f"{n:04d}.txt").read_text("utf-8").strip() for n in range(1, 21)]
    assert texts[0] == "请 A 零零一 号到 2 号窗口办理"
    assert texts[19] == "请 A 零二零 号到 3 号窗口办理"
    assert [e["number"] for e in log_entries(tmp_path)] == [f"A{n:03d}" for n in range(1, 21)]


def test_announce_returns_while_the_worker_is_busy(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    release, busy = threading.Event(), threading.Event()

    def hold_first(item):
        if item.seq == 1:
            busy.set()
            release.wait(WAIT)

    ann.on_started(hold_first)
    ann.announce("A001", 1)
    assert busy.wait(WAIT)
    queued = [ann.announce(f"A{n:03d}", 1) for n in range(2, 22)]  # the worker is stuck on item 1
    assert ann.pending == 21 and all(i.started_at is None for i in queued)
    release.set()
    assert ann.wait_idle(WAIT)
    assert sorted(int(p.stem) for p in tmp_path.glob("*.txt")) == list(range(1, 22))


def test_each_call_becomes_a_real_wav_with_chime_and_repeats(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&repeat=2&chime=1")
    item = ann.announce(CALL_NUMBER, CALL_WINDOW)
    assert ann.wait_idle(WAIT) and item.ok
    wav = (tmp_path / "0001.wav").read_bytes()
    stats = measure(wav)
    assert stats.rms > 10 * SILENCE_RMS
    # chime + speech + pause + speech: longer than two readings plus the chime
    speech_s = (item.audio_s - chime().duration_s - 0.8) / 2
    assert 2.0 < speech_s < 8.0
    assert stats.duration_s == pytest.approx(item.audio_s)
    head = Pcm.from_wav(wav)
    ding = Pcm(head.frames[: 2 * int(0.3 * head.framerate)], head.framerate)
    assert measure(ding.to_wav()).peak > 0.2  # starts with the chime, not with silence


def test_guidance_is_spoken_once_without_chime(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&repeat=3")
    item = ann.say("请在屏幕上选择业务")
    assert ann.wait_idle(WAIT) and item.ok and item.kind is Kind.GUIDE
    assert (tmp_path / "0001.txt").read_text("utf-8").strip() == "请在屏幕上选择业务"
    assert 1.0 < measure((tmp_path / "0001.wav").read_bytes()).duration_s < 4.0


def test_recall_uses_the_recall_sentence(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    item = ann.announce(CALL_NUMBER, CALL_WINDOW, recall=True)
    assert ann.wait_idle(WAIT)
    assert item.kind is Kind.RECALL
    assert (tmp_path / "0001.txt").read_text("utf-8").strip() == "请 A 零一二 号再次到 3 号窗口办理"


def test_templates_and_language_from_the_url(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0&lang=en&template=Ticket {{number}} to desk {{window}}")
    ann.announce(CALL_NUMBER, 7)
    assert ann.wait_idle(WAIT)
    assert (tmp_path / "0001.txt").read_text("utf-8").strip() == "Ticket A, 0 1 2 to desk 7"


def test_numbering_continues_after_a_restart(announcer, tmp_path):
    first = announcer(f"sim://?dir={tmp_path}&synth=0")
    first.announce("A001", 1)
    first.announce("A002", 1)
    assert first.wait_idle(WAIT)
    first.close()
    second = announcer(f"sim://?dir={tmp_path}&synth=0")
    item = second.announce("A003", 1)
    assert second.wait_idle(WAIT)
    assert item.seq == 3
    assert [e["seq"] for e in log_entries(tmp_path)] == [1, 2, 3]


def test_bad_number_is_refused_and_nothing_is_queued(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    with pytest.raises(ValueError) as err:
        ann.announce("A-12", 3)
    assert "票号" in str(err.value) and "ticket number" in str(err.value)
    assert ann.pending == 0 and not list(tmp_path.glob("*.txt"))
    ann.announce("A012", 3)  # the announcer still works
    assert ann.wait_idle(WAIT) and (tmp_path / "0001.txt").exists()


def test_a_failing_listener_does_not_stop_the_queue(announcer, tmp_path, caplog):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    ann.on_started(lambda item: 1 / 0)
    events = Events(ann)
    ann.announce("A001", 1)
    ann.announce("A002", 1)
    assert ann.wait_idle(WAIT)
    assert [i.ok for i in events.wait_finished(2)] == [True, True]
    assert "ZeroDivisionError" in caplog.text


def test_a_folder_that_vanishes_fails_the_item_not_the_queue(announcer, tmp_path):
    folder = tmp_path / "calls"
    ann = announcer(f"sim://?dir={folder}&synth=0")
    events = Events(ann)
    folder.rmdir()
    folder.write_text("not a folder any more")  # writing into it fails now
    ann.announce("A001", 1)
    [failed] = events.wait_finished(1)
    assert isinstance(failed.error, DeviceUnavailable)
    assert ann.health().level is Level.FAIL
    folder.unlink()
    folder.mkdir()
    ann.announce("A002", 1)
    assert events.wait_finished(2)[1].ok


def test_close_drops_what_is_queued_and_says_so(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}&synth=0")
    release, busy = threading.Event(), threading.Event()
    ann.on_started(lambda item: (busy.set(), release.wait(WAIT)) if item.seq == 1 else None)
    events = Events(ann)
    for n in range(1, 4):
        ann.announce(f"A{n:03d}", 1)
    assert busy.wait(WAIT)
    ann.close(timeout=0)  # the worker is held in item 1: closing must not wait for it
    with pytest.raises(DeviceUnavailable, match="closed"):
        ann.announce("A004", 1)
    release.set()
    done = events.wait_finished(3)
    assert [i.ok for i in done] == [True, False, False]
    assert "关闭" in done[1].error.zh
    assert ("start", 2) not in events.log  # dropped items never start
    ann.close()
    assert not ann._thread.is_alive()


def test_sim_health_reports_the_test_synthesis(announcer, tmp_path):
    health = announcer(f"sim://?dir={tmp_path}").health()
    assert health.level is Level.OK, health.detail_en
    assert health.facts["engine"] == "pyttsx3"
    assert health.facts["test_rms"] > 10 * SILENCE_RMS
    assert 2.0 < health.facts["test_duration_s"] < 8.0


def test_close_from_a_listener_ends_the_worker(announcer, tmp_path):
    ann = announcer(f"sim://?dir={tmp_path}")
    events = Events(ann)
    ann.on_finished(lambda item: ann.close())
    ann.announce("A001", 1)
    ann.announce("A002", 1)
    done = events.wait_finished(2)
    assert done[0].ok and not done[1].ok
    ann._thread.join(WAIT)
    assert not ann._thread.is_alive() and ann._synth._worker is None

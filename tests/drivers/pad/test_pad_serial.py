"""The serial rating pad over a real pty with real pyserial, against the pad simulator."""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterator

import pytest

from drivers.errors import DeviceConfigError
from drivers.health import Level
from drivers.pad import RatingPad, RatingResult, Score, SerialPad, open_pad
from drivers.pad.simulator import Fault, PadSimulator
from drivers.serialframe import Cmd
from drivers.serialsim import GARBAGE
from tests.support.devices import eventually


@pytest.fixture
def pad(pad_sim: PadSimulator) -> Iterator[RatingPad]:
    pad = open_pad(pad_sim.url_for(1, timeout=2))
    assert isinstance(pad, SerialPad)
    yield pad
    pad.close()


def acked(sim: PadSimulator, n: int) -> bool:
    """The host ACKs a key report after handling it: wait on that instead of the clock."""
    return sim.wait_for(lambda: len(sim.key_acks()) >= n, timeout=10)


def test_open_lights_the_pad_and_a_press_is_the_rating(pad: RatingPad, pad_sim: PadSimulator) -> None:
    pad.open_rating("V1", timeout_s=30)
    assert pad_sim.prompt() == "欢迎您对本次服务进行评价"
    assert pad_sim.lights()
    pad_sim.press(5)
    assert pad.wait_rating(10) == RatingResult("V1", Score.VERY_SATISFIED)
    assert pad_sim.wait_for(lambda: not pad_sim.lights() and pad_sim.prompt() == "", timeout=10)


def test_a_press_counts_only_while_open(pad: RatingPad, pad_sim: PadSimulator) -> None:
    pad_sim.press(1, tick_ms=1000)
    assert acked(pad_sim, 1)
    pad.open_rating("V1", timeout_s=30)
    pad_sim.press(4, tick_ms=5000)
    assert pad.wait_rating(10).score == Score.SATISFIED
    assert acked(pad_sim, 2)
    pad_sim.press(2, tick_ms=9000)  # after the rating ended
    assert acked(pad_sim, 3)
    assert pad.health().facts["presses"] == {"while_closed": 2, "counted": 1}


def test_one_rating_per_visit_first_press_wins(pad: RatingPad, pad_sim: PadSimulator) -> None:
    got: queue.Queue[tuple[str, Score | None]] = queue.Queue()
    pad.on_rating = lambda visit, score: got.put((visit, score))
    pad.open_rating("V1", timeout_s=30)
    pad_sim.press(3, tick_ms=1000)
    pad_sim.press(5, tick_ms=1400)
    assert acked(pad_sim, 2)
    assert got.get(timeout=10) == ("V1", Score.BASICALLY_SATISFIED)
    assert got.empty()


def test_bounce_by_the_pads_own_clock(pad: RatingPad, pad_sim: PadSimulator) -> None:
    pad.open_rating("V1", timeout_s=30)
    pad_sim.press(4, tick_ms=20_000)
    assert pad.wait_rating(10).score == 4
    pad.open_rating("V2", timeout_s=30)
    pad_sim.press(4, tick_ms=20_015)  # bounce of V1's press, arriving after V2 opened
    pad_sim.press(2, tick_ms=21_000)
    assert pad.wait_rating(10).score == 2


def test_a_resent_key_report_counts_once(pad: RatingPad, pad_sim: PadSimulator) -> None:
    pad.open_rating("V1", timeout_s=30)
    pad_sim.press(3, seq=40, tick_ms=7000)
    assert pad.wait_rating(10).score == 3
    pad.open_rating("V2", timeout_s=30)
    pad_sim.press(3, seq=40, tick_ms=7000)  # the pad missed our ACK and sent it again
    pad_sim.press(5, seq=41, tick_ms=9000)
    assert pad.wait_rating(10).score == 5
    assert pad_sim.wait_for(lambda: pad_sim.key_acks() == [40, 40, 41], timeout=10)


def test_timeout_is_not_rated_and_puts_the_lights_out(pad: RatingPad, pad_sim: PadSimulator) -> None:
    pad.open_rating("V1", timeout_s=0.05)
    assert pad.wait_rating() == RatingResult("V1", None)
    assert pad_sim.wait_for(lambda: not pad_sim.lights(), timeout=10)


def test_garbage_and_bad_checksums_are_logged_and_later_presses_count(
    pad: RatingPad, pad_sim: PadSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    pad.open_rating("V1", timeout_s=30)
    pad_sim.send_raw(GARBAGE)
    pad_sim.fault(1, Fault.BAD_CHECKSUM, times=1)
    pad_sim.press(1, tick_ms=1000)  # corrupted on the line: must not count as 非常不满意
    pad_sim.send_raw(b"\x02\x01\x23\x06")  # a report cut short
    pad_sim.fault(1, Fault.GARBAGE, times=1)
    pad_sim.press(4, tick_ms=3000)
    assert pad.wait_rating(10).score == Score.SATISFIED
    drops = pad.health().facts["dropped"]
    assert drops["checksum"] == 1 and drops["garbage"] > 0 and drops["truncated"] >= 1
    assert "bad checksum" in caplog.text and "outside frames" in caplog.text


def test_unknown_and_malformed_frames_are_ignored(
    pad: RatingPad, pad_sim: PadSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    from drivers.serialframe import Frame

    pad.open_rating("V1", timeout_s=30)
    pad_sim.emit(Frame(1, 0x7E, 1, b"?"))  # a command we do not know
    pad_sim.emit(Frame(1, Cmd.KEY, 2, b"\x04"))  # KEY without its tick
    pad_sim.emit(Frame(9, Cmd.KEY, 3, b"\x04\x00\x00\x00\x01"))  # another address: not this pad
    pad_sim.press(2, tick_ms=5000)
    assert pad.wait_rating(10).score == Score.DISSATISFIED
    assert "0x7e" in caplog.text and "malformed KEY" in caplog.text and "addr=9" in caplog.text


def test_health_ok_names_the_model(pad: RatingPad) -> None:
    health = pad.health()
    assert health.level is Level.OK
    assert health.facts["model"] == "HQ-PAD-SIM" and health.facts["addr"] == 1


def test_a_silent_pad_is_fail_and_nothing_hangs(pad_sim: PadSimulator) -> None:
    pad = open_pad(pad_sim.url_for(1, timeout=0.05, retries=1))
    try:
        pad_sim.fault(1, Fault.SILENT)  # stops answering altogether
        health = pad.health()
        assert health.level is Level.FAIL
        assert "地址1" in health.detail_zh and "address 1" in health.detail_en
        pad.open_rating("V1", timeout_s=30)  # returns: the fault is reported, not raised
        assert "PROMPT" in str(pad.health().facts["prompt_error"])
        assert pad.close_rating() == RatingResult("V1", None)
    finally:
        pad.close()


def test_a_pad_that_comes_back_is_ok_again(pad_sim: PadSimulator) -> None:
    pad = open_pad(pad_sim.url_for(1, timeout=0.2, retries=0))  # short: what the silent phase costs
    try:
        pad_sim.fault(1, Fault.SILENT)
        assert pad.health().level is Level.FAIL
        pad_sim.clear_faults()
        assert eventually(pad.health, lambda h: h.level is Level.OK).level is Level.OK  # asked again if slow
    finally:
        pad.close()


def test_unplugged_adapter_fails_fast_and_closes_cleanly() -> None:
    sim = PadSimulator().start()
    pad = open_pad(sim.url_for(1, timeout=2))
    try:
        sim.close()  # the USB-serial adapter is pulled
        health = pad.health()
        assert health.level is Level.FAIL
        pad.open_rating("V1", timeout_s=30)
        assert pad.close_rating() == RatingResult("V1", None)
    finally:
        pad.close()


def test_missing_port_is_reported_not_raised() -> None:
    pad = open_pad("serial:///dev/hallq-no-such-port?addr=2")
    try:
        health = pad.health()
        assert health.level is Level.FAIL and "/dev/hallq-no-such-port" in health.detail_zh
    finally:
        pad.close()


@pytest.mark.parametrize(
    "query",
    ["addr=0", "addr=255", "baud=12345", "timeout=0", "retries=11", "parity=E", "addr=x"],
)
def test_bad_serial_urls_are_refused(pad_sim: PadSimulator, query: str) -> None:
    with pytest.raises(DeviceConfigError) as info:
        open_pad(f"serial://{pad_sim.port}?{query}")
    assert "设备地址" in str(info.value) and "device URL" in str(info.value)


def test_closing_the_pad_from_its_own_callback(pad_sim: PadSimulator) -> None:
    pad = open_pad(pad_sim.url_for(1, timeout=2))
    closed: queue.Queue[Score | None] = queue.Queue()

    def last_visitor(visit: str, score: Score | None) -> None:
        pad.close()  # on the bus's dispatcher thread
        closed.put(score)

    pad.on_rating = last_visitor
    pad.open_rating("V1", timeout_s=30)
    pad_sim.press(3)
    assert closed.get(timeout=10) == Score.BASICALLY_SATISFIED
    assert not pad_sim.lights()

"""Window LEDs on one RS-485 bus: real pyserial on a pty, the LED simulator on the other end."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from drivers.errors import DeviceConfigError, DeviceProtocolError, DeviceTimeout, DeviceUnavailable
from drivers.health import Level
from drivers.led import LedState, SerialLed, WindowLed, open_led
from drivers.led.simulator import Fault, LedSimulator
from drivers.serialbus import SerialBus
from drivers.serialframe import Cmd, PayloadError


@pytest.fixture
def bus() -> Iterator[LedSimulator]:
    with LedSimulator(addresses=(3, 4)) as sim:
        yield sim


@pytest.fixture
def leds(bus: LedSimulator) -> Iterator[tuple[WindowLed, WindowLed]]:
    # a generous timeout costs nothing when the LED answers: the ACK ends the wait
    led3 = open_led(bus.url_for(3, timeout=2, retries=2))
    led4 = open_led(bus.url_for(4, timeout=2, retries=2))
    yield led3, led4
    led3.close()
    led4.close()


def test_show_and_clear_are_acknowledged(bus: LedSimulator, leds: tuple[WindowLed, WindowLed]) -> None:
    led3, led4 = leds
    led3.show(3, "A012", "A012 请到3号窗口")
    led4.show(4, None, "暂停服务")
    assert bus.shown(3) == LedState(3, "A012", "A012 请到3号窗口")
    assert bus.shown(4) == LedState(4, "", "暂停服务")
    led4.show(4, "B007", "请稍候")
    led3.clear()
    assert bus.shown(3) is None
    assert bus.history(4) == [LedState(4, "", "暂停服务"), LedState(4, "B007", "请稍候")]


# Retry tests: the first answer is lost, so the first attempt always waits its whole timeout (short);
# a resend carries the same SEQ, so the answer to any attempt counts, and the LED has
# timeout × (1 + retries) = 5 s in all to answer, however busy the machine.
def test_one_dropped_ack_is_retried(bus: LedSimulator) -> None:
    with open_led(bus.url_for(3, timeout=0.5, retries=9)) as led:
        bus.fault(3, Fault.SILENT, times=1)
        led.show(3, "A013", "A013 请到3号窗口")
    sent = bus.received_from_host(3, Cmd.SHOW)
    assert len(sent) >= 2 and all(f == sent[0] for f in sent)  # the same frame, same SEQ, sent again
    assert bus.shown(3) == LedState(3, "A013", "A013 请到3号窗口")


def test_a_corrupted_ack_is_retried(bus: LedSimulator) -> None:
    with open_led(bus.url_for(3, timeout=0.5, retries=9)) as led:
        bus.fault(3, Fault.BAD_CHECKSUM, times=1)
        led.show(3, "A014", "A014 请到3号窗口")
        assert led.health().facts["dropped"] == {"checksum": 1}
    assert len(bus.received_from_host(3, Cmd.SHOW)) >= 2


def test_a_dead_led_fails_by_address_while_its_neighbour_works(
    bus: LedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    dead = open_led(bus.url_for(3, timeout=0.05, retries=2))
    alive = open_led(bus.url_for(4, timeout=2))
    try:
        bus.fault(3, Fault.SILENT)
        with pytest.raises(DeviceTimeout) as info:
            dead.show(3, "A015", "A015 请到3号窗口")
        assert "地址3" in info.value.zh and "address 3" in info.value.en
        assert "3 attempt(s)" in info.value.en
        assert len(bus.received_from_host(3, Cmd.SHOW)) == 3
        alive.show(4, "B001", "B001 请到4号窗口")
        assert bus.shown(4) == LedState(4, "B001", "B001 请到4号窗口")
        health = dead.health()
        assert health.level is Level.FAIL and health.facts["addr"] == 3
        assert "地址3" in health.detail_zh and "address 3" in health.detail_en
        assert health.facts["last_error"] is not None
        assert alive.health().level is Level.OK
        assert "地址3" in caplog.text
    finally:
        dead.close()
        alive.close()


def test_garbage_in_replies_is_ignored_and_counted(
    bus: LedSimulator, leds: tuple[WindowLed, WindowLed], caplog: pytest.LogCaptureFixture
) -> None:
    led3, _ = leds
    caplog.set_level(logging.WARNING)
    bus.fault(3, Fault.GARBAGE)
    for n in range(3):
        led3.show(3, f"A0{n}", "请稍候")
    bus.send_raw(b"\x00\xff\x03\x03")  # and noise nobody asked for
    led3.show(3, "A09", "A09 请到3号窗口")
    assert bus.shown(3) == LedState(3, "A09", "A09 请到3号窗口")
    facts = led3.health().facts
    assert facts["dropped"]["garbage"] > 0 and facts["dropped"]["truncated"] == 4  # one per reply
    assert "outside frames" in caplog.text


def test_a_late_answer_is_not_taken_for_the_next_one(bus: LedSimulator) -> None:
    """The ACK of A016 comes after its request gave up, while A017 waits for its own (later) ACK: it
    is counted as stray and A017 takes only its own. The simulator sends held-back frames in the
    order they fall due, so the late ACK always arrives first; no reply time decides the outcome."""
    impatient = open_led(bus.url_for(3, timeout=0.2, retries=0))
    patient = open_led(bus.url_for(3, timeout=30, retries=0))
    try:
        bus.fault(3, Fault.SLOW, times=1, delay_s=1.0)  # answers, but only after its asker gave up
        with pytest.raises(DeviceTimeout):
            impatient.show(3, "A016", "A016 请到3号窗口")
        bus.fault(3, Fault.SLOW, times=1, delay_s=2.0)  # A017's ACK falls due after A016's
        patient.show(3, "A017", "A017 请到3号窗口")
        assert bus.pending_sends == 0
        assert patient.health().facts["stray_replies"] == 1  # A016's ACK, not taken for A017's
        assert bus.shown(3) == LedState(3, "A017", "A017 请到3号窗口")
    finally:
        impatient.close()
        patient.close()


def test_leds_on_one_bus_share_one_port(bus: LedSimulator, leds: tuple[WindowLed, WindowLed]) -> None:
    led3, led4 = leds
    assert isinstance(led3, SerialLed) and isinstance(led4, SerialLed)
    led3.show(3, "A001", "请稍候")
    led4.show(4, "B001", "请稍候")
    # opened once: one reader thread for the port (a second open would fail anyway: pyserial
    # locks the port exclusively)
    readers = [t for t in threading.enumerate() if t.name == f"bus-reader {bus.port}"]
    assert len(readers) == 1
    first, second = SerialBus.attach(bus.port, 9600), SerialBus.attach(bus.port, 9600)
    try:
        assert first is second
        with pytest.raises(DeviceConfigError, match="9600"):
            SerialBus.attach(bus.port, 19200)
    finally:
        first.detach()
        second.detach()
    led3.show(3, "A002", "请稍候")  # still open for the LEDs that use it


def test_concurrent_calls_from_two_windows_all_arrive(bus: LedSimulator, leds: tuple[WindowLed, WindowLed]) -> None:
    errors: list[BaseException] = []

    def run(led: WindowLed, window: int) -> None:
        try:
            for n in range(20):
                led.show(window, f"A{n:03d}", f"A{n:03d} 请到{window}号窗口")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(led, w)) for led, w in zip(leds, (3, 4), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    for window in (3, 4):
        assert [s.ticket for s in bus.history(window) if s] == [f"A{n:03d}" for n in range(20)]


@pytest.mark.parametrize(
    ("window", "ticket", "text", "zh"),
    [
        (0, "A1", "请稍候", "窗口号"),
        (70000, "A1", "请稍候", "窗口号"),
        (True, "A1", "请稍候", "窗口号"),
        (3, "A1", "请" * 130, "过长"),
        (3, "A1", "\ud800", "无法编码"),
        (3, 12, "请稍候", "字符串"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    bus: LedSimulator,
    leds: tuple[WindowLed, WindowLed],
    window: int,
    ticket: str,
    text: str,
    zh: str,
) -> None:
    led3, _ = leds
    with pytest.raises(PayloadError) as info:
        led3.show(window, ticket, text)
    assert zh in info.value.zh and info.value.en != info.value.zh
    assert bus.received_from_host(3) == []


def test_longest_text_that_fits_is_shown_whole(bus: LedSimulator, leds: tuple[WindowLed, WindowLed]) -> None:
    led3, _ = leds
    text = "请" * 123 + "!"  # 123 × 2 + 1 bytes + ticket 4 = the 251 that fit
    led3.show(3, "A012", text)
    assert bus.shown(3) == LedState(3, "A012", text)


def test_a_refusal_from_the_device_is_a_protocol_error(bus: LedSimulator) -> None:
    bus_ = SerialBus.attach(bus.port, 9600)
    try:
        with pytest.raises(DeviceProtocolError, match="UNKNOWN_COMMAND"):
            bus_.request(3, Cmd.LIGHTS, b"\x01", timeout_s=2, retries=0)  # an LED has no lights
    finally:
        bus_.detach()


def test_unplugged_adapter_fails_fast_and_recovers_when_back() -> None:
    sim = LedSimulator(addresses=(3,)).start()
    led = open_led(sim.url_for(3, timeout=2))
    try:
        led.show(3, "A001", "请稍候")
        sim.close()
        with pytest.raises(DeviceUnavailable):
            led.show(3, "A002", "请稍候")
        health = led.health()
        assert health.level is Level.FAIL and sim.port in health.detail_zh
    finally:
        led.close()


def test_sim_led_keeps_the_same_rules() -> None:
    led = open_led("sim://")
    led.show(3, "A012", "A012 请到3号窗口")
    led.clear()
    assert led.history == [LedState(3, "A012", "A012 请到3号窗口"), None]  # type: ignore[attr-defined]
    with pytest.raises(PayloadError):
        led.show(0, None, "暂停服务")
    assert led.health().level is Level.OK


@pytest.mark.parametrize(
    "url",
    [
        "serial://",
        "serial:///dev/ttyUSB1?addr=300",
        "serial:///dev/ttyUSB1?speed=9600",
        "serial:///dev/ttyUSB1?timeout=-1",
        "tcp://10.0.0.5:9100",
        "sim://?addr=3",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(DeviceConfigError):
        open_led(url)

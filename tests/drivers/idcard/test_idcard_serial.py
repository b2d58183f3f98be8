"""The serial reader over a real pty with the protocol simulator: reading cards, each fault giving a
clear state and no crash, a megabyte of noise logged and ignored, the watcher reporting a card once."""

from __future__ import annotations

import random

import pytest

from drivers.errors import DeviceConfigError
from drivers.health import Level
from drivers.idcard import CardKind, CardState, CardWatcher, open_idcard
from drivers.idcard.simulator import IdCardSimulator
from drivers.idcard.testcards import ELDER, FOREIGN_2023, HKMOTW


@pytest.fixture
def sim():
    with IdCardSimulator() as s:
        yield s


@pytest.fixture
def reader(sim):
    # 2 s per answer: generous for a reader that answers (its answer ends the wait), and what a
    # silent one costs in the fault tests
    r = open_idcard(sim.url(timeout=2, retries=0))
    yield r
    r.close()


def test_reads_a_laid_card_and_says_when_there_is_none(sim, reader) -> None:
    assert reader.poll().state is CardState.NO_CARD
    sim.lay(ELDER)
    poll = reader.poll()
    assert poll.state is CardState.READ and poll.card.kind is CardKind.RESIDENT
    assert poll.card.number == ELDER.number and poll.card.masked_name == "张*明"
    assert ELDER.number not in repr(poll)
    sim.lay(HKMOTW)
    assert reader.poll().card.kind is CardKind.HKMOTW
    sim.lay(FOREIGN_2023)
    refused = reader.poll()
    assert refused.state is CardState.REFUSED and "2023" in refused.zh and refused.card is None
    health = reader.health()
    assert health.level is Level.OK and health.device == "idcard" and health.facts["sam_status"] == "OK"


@pytest.mark.parametrize(("fault", "state", "words"), [
    ("lift_mid_read", CardState.UNREADABLE, "不要移动"),
    ("bad_checksum", CardState.NO_ANSWER, "校验错"),
    ("sam_fault", CardState.SAM_FAULT, "安全模块故障"),
    ("silent", CardState.NO_ANSWER, "无应答"),
])
def test_each_fault_is_a_clear_state_and_the_reader_recovers(sim, reader, fault, state, words) -> None:
    sim.lay(ELDER)
    sim.fault(fault)
    poll = reader.poll()
    assert poll.state is state and words in poll.zh and poll.en and poll.card is None
    if state is not CardState.UNREADABLE:
        assert reader.health().level is Level.FAIL
    sim.clear_faults()
    sim.lay(ELDER)  # lifted mid-read: laid again
    assert reader.poll().state is CardState.READ


def test_a_megabyte_of_garbage_is_logged_ignored_and_the_reader_keeps_working(sim, reader, caplog) -> None:
    sim.lay(ELDER)
    assert reader.poll().state is CardState.READ
    with caplog.at_level("WARNING", logger="drivers.idcard"):
        sim.send_raw(random.Random(18).randbytes(1 << 20))
        sim.fault("garbage", times=3)  # and noise before the next answers
        polls = [reader.poll() for _ in range(3)]
    assert polls[-1].state is CardState.READ  # at the latest once the noise has drained
    assert any(r.levelname == "WARNING" and "line noise" in r.getMessage() for r in caplog.records)
    assert len(caplog.records) < 20  # logged in summaries, not chunk by chunk
    facts = reader.health().facts
    assert facts["dropped"]["garbage"] >= 1 << 19
    assert reader.poll().state is CardState.READ


def test_an_unplugged_reader_is_a_state_not_a_crash(sim) -> None:
    reader = open_idcard(sim.url(timeout=0.2, retries=0))
    try:
        sim.close()  # the adapter is pulled
        poll = reader.poll()
        assert poll.state in (CardState.UNAVAILABLE, CardState.NO_ANSWER) and poll.zh
        assert reader.health().level is Level.FAIL
    finally:
        reader.close()
    missing = open_idcard("serial:///dev/nonexistent-idcard?timeout=0.2")
    try:
        assert missing.poll().state is CardState.UNAVAILABLE
    finally:
        missing.close()


def test_url_options_are_checked() -> None:
    for url in ("serial:///dev/ttyUSB0?baud=1234", "serial:///dev/ttyUSB0?addr=3", "sim://?card=nobody",
                "serial://?baud=9600", "usb://04b8:0e15"):
        with pytest.raises(DeviceConfigError):
            open_idcard(url)


def test_the_watcher_reports_a_laid_card_once_until_it_is_lifted(sim, reader) -> None:
    cards, states = [], []
    watcher = CardWatcher(reader, cards.append, states.append)
    sim.lay(ELDER)
    for _ in range(3):
        watcher.step()
    assert len(cards) == 1 and [s.state for s in states] == [CardState.READ]
    sim.lift()
    watcher.step()
    sim.lay(ELDER)
    watcher.step()
    assert len(cards) == 2 and [s.state for s in states] == [CardState.READ, CardState.NO_CARD, CardState.READ]


def test_the_watcher_thread_polls_until_stopped(sim, reader) -> None:
    import threading

    seen = threading.Event()
    watcher = CardWatcher(reader, lambda poll: seen.set(), interval_s=0.05).start()
    try:
        sim.lay(ELDER)
        assert seen.wait(10)
    finally:
        watcher.stop()
    assert watcher.polls >= 1 and reader.reads >= 1

"""When a press counts: the rules shared by every pad backend, on the sim:// pad."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest

from drivers.errors import DeviceConfigError, DeviceUnavailable
from drivers.health import Level
from drivers.pad import RatingResult, RatingStateError, Score, SimPad, open_pad


@pytest.fixture
def pad() -> Iterator[SimPad]:
    pad = open_pad("sim://")
    assert isinstance(pad, SimPad)
    yield pad
    pad.close()


def test_five_levels_with_chinese_and_english_names() -> None:
    assert [(int(s), s.zh) for s in sorted(Score, reverse=True)] == [
        (5, "非常满意"),
        (4, "满意"),
        (3, "基本满意"),
        (2, "不满意"),
        (1, "非常不满意"),
    ]
    assert Score(1).en == "very dissatisfied"
    assert RatingResult("V", None).label_zh == "未评价"
    assert RatingResult("V", None).label_en == "not rated"


def test_a_press_while_open_is_the_rating_and_lights_follow(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    assert pad.lights_on
    pad.press(4, timestamp_s=10.0)
    result = pad.wait_rating(5)
    assert result == RatingResult("V1", Score.SATISFIED)
    assert result.rated and result.label_zh == "满意"
    assert not pad.lights_on


def test_a_press_with_no_rating_open_counts_for_nothing(pad: SimPad) -> None:
    pad.press(5, timestamp_s=1.0)  # the clerk's elbow, before any visitor was served
    pad.open_rating("V1", timeout_s=30)
    pad.press(2, timestamp_s=2.0)
    assert pad.wait_rating(5).score == Score.DISSATISFIED
    assert pad.health().facts["presses"] == {"while_closed": 1, "counted": 1}


def test_only_the_first_press_of_a_visit_counts(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    pad.press(1, timestamp_s=1.0)
    pad.press(5, timestamp_s=1.5)  # changed their mind, or a second person: still one rating
    assert pad.wait_rating(5).score == Score.VERY_DISSATISFIED


def test_a_visit_is_rated_once_only(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    pad.press(3, timestamp_s=1.0)
    with pytest.raises(RatingStateError, match="已评价") as info:
        pad.open_rating("V1", timeout_s=30)
    assert "one rating per visit" in str(info.value)
    assert pad.wait_rating().score == Score.BASICALLY_SATISFIED


def test_an_unrated_visit_may_be_invited_again(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    assert pad.close_rating() == RatingResult("V1", None)
    pad.open_rating("V1", timeout_s=30)
    pad.press(5, timestamp_s=1.0)
    assert pad.wait_rating().score == Score.VERY_SATISFIED


def test_bounce_and_a_held_key_count_once_even_across_visits(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    pad.press(4, timestamp_s=100.000)
    assert pad.wait_rating().score == 4
    pad.open_rating("V2", timeout_s=30)  # the next visitor steps up at once
    pad.press(4, timestamp_s=100.012)  # contact bounce of V1's press
    pad.press(4, timestamp_s=100.070)  # still chattering: the quiet period restarts
    assert pad.health().facts["rating_open"] == "V2"
    pad.press(2, timestamp_s=101.000)
    assert pad.wait_rating().score == 2


def test_debounce_window_comes_from_the_url() -> None:
    pad = open_pad("sim://?debounce_ms=500")
    try:
        pad.open_rating("V1", timeout_s=30)
        pad.press(4, timestamp_s=1.0)
        pad.open_rating("V2", timeout_s=30)
        pad.press(4, timestamp_s=1.3)
        pad.press(4, timestamp_s=2.0)  # 0.7 s after the last bounce: a new press
        assert pad.wait_rating().score == 4
        assert pad.health().facts["presses"]["bounce"] == 1
    finally:
        pad.close()


def test_keys_that_are_no_score_are_ignored(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    for key in (0, 6, 9):
        pad.press(key, timestamp_s=float(key))
    pad.press(3, timestamp_s=20.0)
    assert pad.wait_rating().score == 3


def test_no_press_before_the_deadline_is_not_rated_never_a_default(pad: SimPad) -> None:
    # 004 第三十三条: rating is voluntary; silence is 未评价, not 满意
    ended: queue.Queue[tuple[str, Score | None]] = queue.Queue()
    pad.on_rating = lambda visit, score: ended.put((visit, score))
    pad.open_rating("V1", timeout_s=0.05)
    assert ended.get(timeout=10) == ("V1", None)
    assert pad.wait_rating() == RatingResult("V1", None)
    assert not pad.lights_on
    pad.press(5, timestamp_s=1.0)  # too late
    assert pad.wait_rating().score is None


def test_a_callers_wait_running_out_ends_the_rating_unrated(pad: SimPad) -> None:
    pad.open_rating("V1", timeout_s=30)
    assert pad.wait_rating(timeout_s=0.01) == RatingResult("V1", None)
    pad.press(5, timestamp_s=1.0)
    assert pad.health().facts["presses"] == {"while_closed": 1}


def test_callback_gets_each_ending_once(pad: SimPad) -> None:
    ended: list[tuple[str, Score | None]] = []
    pad.on_rating = lambda visit, score: ended.append((visit, score))
    pad.open_rating("V1", timeout_s=30)
    pad.open_rating("V2", timeout_s=30)  # clerk called the next one: V1 ends unrated
    pad.press(5, timestamp_s=1.0)
    pad.press(4, timestamp_s=2.0)
    pad.close_rating()
    assert ended == [("V1", None), ("V2", Score.VERY_SATISFIED)]


def test_a_failing_callback_does_not_break_the_pad(pad: SimPad, caplog: pytest.LogCaptureFixture) -> None:
    def boom(visit: str, score: Score | None) -> None:
        raise RuntimeError("counter app bug")

    pad.on_rating = boom
    pad.open_rating("V1", timeout_s=30)
    pad.press(4, timestamp_s=1.0)
    assert "on_rating" in caplog.text
    pad.open_rating("V2", timeout_s=30)
    pad.press(3, timestamp_s=2.0)
    assert pad.wait_rating().score == 3


def test_wait_from_another_thread_returns_the_press() -> None:
    pad = SimPad()
    got: queue.Queue[RatingResult] = queue.Queue()
    pad.open_rating("V1", timeout_s=30)
    waiter = threading.Thread(target=lambda: got.put(pad.wait_rating(30)))
    waiter.start()
    pad.press(5, timestamp_s=1.0)
    assert got.get(timeout=10).score == Score.VERY_SATISFIED
    waiter.join(timeout=10)
    pad.close()


@pytest.mark.parametrize(
    ("visit", "timeout"),
    [("", 30), ("  ", 30), ("V1", 0), ("V1", -1), ("V1", float("nan")), ("V1", float("inf"))],
)
def test_bad_arguments_are_refused_in_both_languages(pad: SimPad, visit: str, timeout: float) -> None:
    with pytest.raises(RatingStateError) as info:
        pad.open_rating(visit, timeout)
    assert info.value.zh != info.value.en
    assert pad.health().facts["rating_open"] is None


def test_wait_without_any_rating_is_a_clear_error(pad: SimPad) -> None:
    with pytest.raises(RatingStateError, match="no rating has been opened"):
        pad.wait_rating(1)


def test_closed_pad_refuses_new_ratings_and_close_ends_the_open_one() -> None:
    pad = SimPad()
    ended: list[tuple[str, Score | None]] = []
    pad.on_rating = lambda visit, score: ended.append((visit, score))
    pad.open_rating("V1", timeout_s=30)
    pad.close()
    pad.close()
    assert ended == [("V1", None)]
    with pytest.raises(DeviceUnavailable):
        pad.open_rating("V2", timeout_s=30)


def test_sim_health_is_ok() -> None:
    with open_pad("sim://") as pad:
        health = pad.health()
    assert health.device == "pad" and health.level is Level.OK


@pytest.mark.parametrize(
    "url",
    [
        "usb://1234:5678",
        "sim://?volume=3",
        "sim://?debounce_ms=soon",
        "evdev://",
        "evdev:///dev/x?name=a",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(DeviceConfigError):
        open_pad(url)

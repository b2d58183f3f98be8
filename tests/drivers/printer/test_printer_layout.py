"""Layout helpers, field validation, the decoder's strictness, and the modules' doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

from drivers.printer import DecodeError, PrintContentError, decode, decode_jobs
from drivers.printer.layout import centre, columns, wrap

MODULES = ["commands", "layout", "codec", "decode", "status", "model", "printer", "__init__"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(
        "drivers.printer" if name == "__init__" else f"drivers.printer.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_columns_count_every_multibyte_character_as_two():
    assert columns("A012") == 4
    assert columns("不动产") == 6
    assert columns("¥𠀀（") == 6  # printed from the 24-dot font in Chinese mode


def test_wrap_keeps_words_whole_and_punctuation_off_line_starts():
    assert wrap("Please keep this ticket until called", 12) == [
        "Please keep", "this ticket", "until called"]
    lines = wrap("请携带：身份证、户口本，以及其他材料。", 10)
    assert all(columns(line) <= 10 for line in lines)
    assert not any(line[0] in "，。、：" for line in lines)
    assert "".join(lines) == "请携带：身份证、户口本，以及其他材料。"


def test_wrap_splits_a_word_longer_than_the_line():
    assert wrap("https://q.example.gov.cn/track", 10) == ["https://q.", "example.go", "v.cn/track"]


def test_centre_pads_by_display_width():
    assert centre("A012", 10) == "   A012"
    assert centre("告知单", 10) == "  告知单"


@pytest.mark.parametrize(
    ("overrides", "zh", "en"),
    [
        ({"lane": "vip"}, "TicketPrint.lane", "one of normal, priority, appointment"),
        ({"ahead": -1}, "TicketPrint.ahead", "integer >= 0"),
        ({"ahead": True}, "TicketPrint.ahead", "integer >= 0"),
        ({"estimated_wait_s": 1.5}, "estimated_wait_s", "seconds >= 0 or None"),
        ({"number": " "}, "不能为空", "must not be empty"),
        ({"service_name": "缴费\x1dV\x00"}, "控制字符", "control character U+001D"),
        ({"issued_at": "09:30"}, "datetime", "must be a datetime"),
        ({"lang": "fr"}, "zh 或 en", "'zh' or 'en'"),
    ],
)
def test_bad_ticket_fields_are_refused_in_chinese_and_english(ticket, overrides, zh, en):
    with pytest.raises(PrintContentError) as err:
        ticket(**overrides)
    assert zh in err.value.zh and en in err.value.en


def test_notice_needs_a_list_of_materials(notice):
    for materials in ([], "身份证", ["身份证", ""]):
        with pytest.raises(PrintContentError):
            notice(materials=materials)


def test_tracking_url_too_long_for_a_qr_is_refused(ticket):
    from drivers.printer import Paper, encode_ticket

    with pytest.raises(PrintContentError) as err:
        encode_ticket(ticket(track_url="https://x.cn/" + "a" * 3000), Paper.MM58)
    assert "二维码" in err.value.zh and "QR" in err.value.en


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x1b@\x1bZ", "unknown command ESC"),
        (b"\x1b@\xc4\xe3\n", "ASCII"),  # GB18030 bytes without FS &
        (b"\x1b@\x1c&\xff\xff\n", "GB18030"),
        (b"\x1d(k\x05\x00", "truncated"),
        (b"\x07", "control byte"),
    ],
)
def test_decoder_is_strict(data, message):
    with pytest.raises(DecodeError, match=message):
        decode(data)


def test_decode_jobs_splits_at_each_cut():
    job = b"\x1b@one\n\x1dVB\x00"
    jobs = decode_jobs(job + job + b"\x10\x04\x04")
    assert [j.texts for j in jobs] == [["one"], ["one"], []]
    assert jobs[2].status_requests == [4]
    assert decode(job + job).cuts == ["partial", "partial"]

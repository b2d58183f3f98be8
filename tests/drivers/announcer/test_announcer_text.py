"""What the speaker says: numbers digit by digit, the call sentence, templates and their errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.announcer import (
    LETTER_READINGS,
    AnnouncementTextError,
    Templates,
    call_text,
    check_template,
    guide_text,
    spoken_number,
)

ZH_DIGITS = "零一二三四五六七八九"


def test_number_is_read_digit_by_digit_in_chinese():
    assert spoken_number("A012", "zh") == "A 零一二"
    assert spoken_number("B100", "zh") == "B 一零零"  # not 一百
    assert spoken_number("0111", "zh") == "零一一一"  # 一, never 幺


def test_letters_stay_letters_and_stand_alone():
    assert spoken_number("AB7", "zh") == "A B 七"
    assert spoken_number("a012") == "A 零一二"  # lower case input is the same ticket


def test_english_number_has_the_letter_apart_from_the_digits():
    assert spoken_number("A012", "en") == "A, 0 1 2"
    assert spoken_number("7", "en") == "7"


@given(st.from_regex(r"[A-Z]{0,3}[0-9]{1,6}", fullmatch=True))
def test_spoken_chinese_number_reads_back_to_the_ticket(code):
    spoken = spoken_number(code, "zh")
    letter_of = {reading: letter for letter, reading in LETTER_READINGS.items()}
    letters = [letter_of.get(t, t) for t in spoken.split()[:-1]]  # letters by their reading, then digits
    digits = "".join(str(ZH_DIGITS.index(c)) for c in spoken.replace(" ", "") if c in ZH_DIGITS)
    assert "".join(letters) + digits == code
    assert "幺" not in spoken


def test_default_call_sentence():
    assert call_text("A012", 3) == "请 A 零一二 号到 3 号窗口办理"
    assert call_text("A012", "12") == "请 A 零一二 号到 12 号窗口办理"


def test_recall_sentence():
    assert call_text("A012", 3, recall=True) == "请 A 零一二 号再次到 3 号窗口办理"


def test_english_call_sentence():
    assert call_text("A012", 3, lang="en") == "Number A, 0 1 2, please go to window 3"


def test_custom_template():
    text = call_text("C5", 2, template="{number} 号请到 {window} 号窗口")
    assert text == "C 五 号请到 2 号窗口"


@pytest.mark.parametrize(
    ("template", "zh_part", "en_part"),
    [
        ("请 {ticket} 号到 {window} 号窗口", "未知占位符 {ticket}", "unknown placeholder {ticket}"),
        ("请 {} 号", "未知占位符 {}", "unknown placeholder {}"),
        ("请 {number!r} 号", "不能带格式或转换", "no format or conversion"),
        ("请 {number:>5} 号", "不能带格式或转换", "no format or conversion"),
        ("请到 {window} 号窗口", "缺少 {number}", "lacks {number}"),
        ("请 {number 号", "花括号不成对", "unbalanced braces"),
        ("   ", "模板为空", "template is empty"),
    ],
)
def test_bad_template_is_refused_in_chinese_and_english(template, zh_part, en_part):
    with pytest.raises(AnnouncementTextError) as err:
        check_template(template)
    assert zh_part in err.value.zh
    assert en_part in err.value.en
    assert zh_part in str(err.value) and en_part in str(err.value)


def test_templates_are_checked_when_built():
    with pytest.raises(AnnouncementTextError, match="ticket"):
        Templates(call="{ticket}", recall="{number}")


@pytest.mark.parametrize("number", ["", "A-12", "ABCD1", "A", "A1234567", "甲12", "12A"])
def test_bad_ticket_number_is_refused(number):
    with pytest.raises(AnnouncementTextError) as err:
        call_text(number, 3)
    assert "票号" in err.value.zh and "ticket number" in err.value.en


@pytest.mark.parametrize("window", ["", "3 号", "窗口3", True, None, 3.5])
def test_bad_window_is_refused(window):
    with pytest.raises(AnnouncementTextError) as err:
        call_text("A012", window)
    assert "窗口号" in err.value.zh and "window" in err.value.en


def test_unknown_language_is_refused():
    with pytest.raises(AnnouncementTextError, match="ja"):
        spoken_number("A012", "ja")


def test_guidance_is_passed_through_tidied():
    assert guide_text("请在屏幕上选择业务") == "请在屏幕上选择业务"
    assert guide_text("  请出示\n身份证\t ") == "请出示 身份证"


@pytest.mark.parametrize("text", ["", "  \n ", "x" * 501])
def test_empty_or_huge_guidance_is_refused(text):
    with pytest.raises(AnnouncementTextError):
        guide_text(text)

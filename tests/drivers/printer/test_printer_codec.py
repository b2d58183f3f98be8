"""The printed bytes say what the ticket / notice says: decoded back, and byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer import (
    Paper,
    PrintContentError,
    decode,
    encode_notice,
    encode_ticket,
)
from drivers.printer import commands as cmd
from drivers.printer.layout import columns

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("paper", list(Paper))
def test_ticket_decodes_back_to_its_text_and_qr(ticket, paper):
    t = ticket(lane="priority")
    slip = decode(encode_ticket(t, paper))
    assert slip.initialised and slip.cuts == ["partial"]
    assert slip.texts[0] == "城关镇便民服务中心"
    assert "A012" in slip.texts
    assert "不动产登记" in slip.texts
    assert "【优先 绿色通道】" in slip.texts
    assert "您前面还有 3 人" in slip.texts
    assert "预计等候约 5～15 分钟" in slip.texts  # 610 s as the kiosk screen says it (client.estimate)
    assert "取号时间：2025-03-01 09:30" in slip.texts
    assert "过号可到取号机重排，请保管好此票" in slip.texts
    assert slip.qr_payloads == ["https://q.example.gov.cn/t/7f3a9c"]
    qr = slip.qr_codes[0]
    assert (qr.model, qr.error_level) == (cmd.QR_MODEL_2, cmd.QR_EC_M)
    assert all(line.chinese for line in slip.lines)  # FS & before any text


@pytest.mark.parametrize("paper", list(Paper))
def test_number_is_big_bold_and_centred_and_every_line_fits(ticket, paper):
    slip = decode(encode_ticket(ticket(), paper))
    number = next(line for line in slip.lines if line.text == "A012")
    assert number.width >= 2 and number.height >= 2 and number.bold and number.align == 1
    hall = slip.lines[0]
    assert hall.align == 1
    for line in slip.lines:
        assert columns(line.text) * line.width <= paper.columns, line


def test_normal_lane_has_no_lane_note_and_appointment_has_one(ticket):
    normal = decode(encode_ticket(ticket(), Paper.MM58)).text
    assert "优先" not in normal and "预约" not in normal
    assert "【预约】" in decode(encode_ticket(ticket(lane="appointment"), Paper.MM58)).texts


@pytest.mark.parametrize(
    ("ahead", "wait", "lines"),
    [
        (0, 0, ["您前面没有人，请留意叫号", "预计等候 5 分钟以内"]),
        (1, 60, ["您前面还有 1 人", "预计等候 5 分钟以内"]),
        (25, 3599, ["您前面还有 25 人", "预计等候约 30～90 分钟"]),
    ],
)
def test_people_ahead_and_wait_wording(ticket, ahead, wait, lines):
    texts = decode(encode_ticket(ticket(ahead=ahead, estimated_wait_s=wait), Paper.MM80)).texts
    for line in lines:
        assert line in texts


def test_no_estimate_leaves_the_wait_line_out(ticket):
    assert "预计" not in decode(encode_ticket(ticket(estimated_wait_s=None), Paper.MM80)).text


def test_custom_notice_replaces_the_default_closing_line(ticket):
    texts = decode(encode_ticket(ticket(notice="请到二楼等候区等候"), Paper.MM80)).texts
    assert "请到二楼等候区等候" in texts and "过号可到取号机重排，请保管好此票" not in texts


def test_full_width_punctuation_yen_and_four_byte_characters_survive(ticket):
    t = ticket(hall_name="𠀀城（市）政务服务中心：", service_name="䶮 缴费，¥20。")
    job = encode_ticket(t, Paper.MM80)
    assert "𠀀".encode("gb18030") in job and len("𠀀".encode("gb18030")) == 4
    assert "¥".encode("gb18030") == b"\x81\x30\x84\x36" and b"\x81\x30\x84\x36" in job
    texts = decode(job).texts
    assert "𠀀城（市）政务服务中心：" in texts
    assert "䶮 缴费，¥20。" in texts


def test_long_names_wrap_by_display_width_without_losing_text(ticket):
    hall = "某某省某某市某某县人民政府政务服务中心（行政审批服务局）城关镇分中心"
    slip = decode(encode_ticket(ticket(hall_name=hall), Paper.MM58))
    head = [line.text for line in slip.lines if line.bold and line.width == 1][:3]
    assert "".join(head) == hall
    assert not any(line.startswith(("，", "）", "。")) for line in head)  # 避头尾


def test_english_ticket_is_plain_ascii_without_chinese_mode(ticket):
    t = ticket(hall_name="Chengguan Service Centre", service_name="Real estate registration",
               lane="appointment", ahead=1, estimated_wait_s=45, lang="en")
    job = encode_ticket(t, Paper.MM58)
    assert cmd.CHINESE_ON not in job
    texts = decode(job).texts
    for line in ("Chengguan Service Centre", "A012", "[APPOINTMENT]", "1 person ahead of you",
                 "Estimated wait: under 5 min", "Issued: 2025-03-01 09:30"):
        assert line in texts
    assert all(line.text.isascii() and not line.chinese for line in decode(job).lines)


def test_english_ticket_with_chinese_text_is_refused_in_both_languages(ticket):
    with pytest.raises(PrintContentError) as err:
        encode_ticket(ticket(lang="en"), Paper.MM58)
    assert "ASCII" in err.value.zh and "ASCII" in err.value.en and "城" in str(err.value)


def test_notice_lists_every_material_numbered_with_clerk_and_closing(notice):
    n = notice()
    slip = decode(encode_notice(n, Paper.MM58))
    text = slip.text
    title = next(line for line in slip.lines if line.text == "一次性告知单")
    assert title.width == 2 and title.align == 1
    for line in ("某县政务服务中心", "票号：B007", "办理事项：不动产登记", "窗口：3号窗口",
                 "经办人：王䶮（工号 1024）", "告知时间：2025-03-01 09:30"):
        assert line in slip.texts
    # wrapped items keep their number and hanging indent; joined back they are complete
    joined = "".join(t.strip() for t in slip.texts)
    for i, item in enumerate(n.materials, 1):
        assert f"{i}. {item}".replace(" ", "") in joined.replace(" ", "")
    assert "以上为本事项需补齐的全部材料" in text.replace("\n", "")
    assert slip.cut and slip.qr_payloads == []


def test_notice_in_english(notice):
    n = notice(hall_name="County Service Centre", service_name="Housing fund", window_name="W3",
               clerk_name="Wang Yan", materials=["ID card", "Proof of address"], lang="en")
    texts = decode(encode_notice(n, Paper.MM80)).texts
    for line in ("ONE-TIME NOTICE", "Clerk: Wang Yan (staff no. 1024)", "1. ID card",
                 "2. Proof of address"):
        assert line in texts


def test_python_escpos_magic_encode_still_mangles_cjk_punctuation():
    """Evidence for not using escpos's text(): if this starts failing, re-check codec.py's note."""
    from escpos.printer import Dummy

    p = Dummy()
    p.text("（1）：¥5，䶮")
    assert "（1）：¥5，䶮".encode("gb18030") not in p.output
    assert b"?" in p.output and cmd.CHINESE_ON not in p.output


# ---- golden files: checked once by decoding (above), then compared byte for byte ------------

def _golden_cases(ticket, notice):
    return {
        "ticket_zh_58.bin": encode_ticket(
            ticket(hall_name="城关镇便民服务中心（一）", service_name="缴费：¥20，𠀀䶮",
                   notice="过号请重新取号。"), Paper.MM58),
        "ticket_zh_80_priority.bin": encode_ticket(ticket(lane="priority"), Paper.MM80),
        "ticket_en_58.bin": encode_ticket(
            ticket(hall_name="County Service Centre", service_name="Tax", lane="appointment",
                   lang="en"), Paper.MM58),
        "notice_zh_80.bin": encode_notice(notice(), Paper.MM80),
    }


def test_golden_files_byte_for_byte(ticket, notice):
    """A deliberate layout change: check the new slips by decoding, then rewrite the files with
    ``HALLQ_WRITE_GOLDEN=1 pytest tests/drivers/printer -k golden``."""
    for name, job in _golden_cases(ticket, notice).items():
        path = GOLDEN / name
        if os.environ.get("HALLQ_WRITE_GOLDEN") == "1":
            path.write_bytes(job)
        assert path.read_bytes() == job, f"{name} differs; decode both to see how"


def test_golden_ticket_decodes_to_the_expected_slip(ticket):
    slip = decode((GOLDEN / "ticket_zh_58.bin").read_bytes())
    assert slip.texts[:4] == ["城关镇便民服务中心（一）", "-" * 32, "A012", "缴费：¥20，𠀀䶮"]
    assert slip.qr_payloads == ["https://q.example.gov.cn/t/7f3a9c"]


# ---- any text a hall may configure comes back intact ------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="gb18030", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1, max_size=60,
).filter(lambda s: s.strip() and s == s.strip())


@settings(derandomize=True, max_examples=150, database=None, deadline=None)
@given(hall=_TEXT, service=_TEXT)
def test_any_gb18030_text_round_trips_and_fits(hall, service):
    from datetime import datetime

    from drivers.printer import TicketPrint

    t = TicketPrint(hall, "A1", service, "normal", 0, None, datetime(2025, 1, 1), "https://x.cn/q")
    slip = decode(encode_ticket(t, Paper.MM58))
    for line in slip.lines:
        assert columns(line.text) * line.width <= Paper.MM58.columns
    bold = [line.text for line in slip.lines if line.bold and line.width == 1]
    assert "".join(bold).replace(" ", "") == (hall + service).replace(" ", "")

"""The ID card reader codec against frames written by hand from the public protocol description
(docs/devices-idcard.md lists the sources; several frames below are printed there verbatim), and the
text-block parser against blocks built field by field here, not by the driver's own builder."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest

from drivers.idcard.card import CardKind, CardRefused, age_band, mask_name, parse_text_block
from drivers.idcard.codec import (
    PREAMBLE,
    Command,
    ReplyDecoder,
    Status,
    encode_command,
    encode_reply,
    parse_read_data,
)

H = bytes.fromhex


# -- commands: the bytes a host sends --------------------------------------------------------------
@pytest.mark.parametrize(("command", "wire"), [
    (Command.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),  # published: 寻卡命令
    (Command.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),  # published: 选卡命令
    (Command.READ_TEXT_PHOTO, "AA AA AA 96 69 00 03 30 01 32"),  # published: 读卡命令（文字+照片）
    (Command.READ_TEXT_PHOTO_FP, "AA AA AA 96 69 00 03 30 10 23"),  # published: 文字+照片+指纹
    (Command.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),  # by hand: 00^03^11^FF = ED
    (Command.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),  # by hand: 00^03^10^FF = EC
])
def test_commands_are_the_published_bytes(command, wire) -> None:
    assert encode_command(command) == H(wire)


# -- answers: the bytes a reader sends ---------------------------------------------------------------
FOUND = "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"  # published: 找卡成功
SELECTED = "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C"  # published: 选卡成功
READ_FAILED = "AA AA AA 96 69 00 04 00 00 41 45"  # published: 读身份证操作失败
SAM_AUTH_FAILED = "AA AA AA 96 69 00 04 00 00 32 36"  # published: SAM 对卡的认证失败
NO_CARD = "AA AA AA 96 69 00 04 00 00 80 84"  # by hand: 04^80 = 84
SAM_OK = "AA AA AA 96 69 00 04 00 00 90 94"  # by hand: 04^90 = 94


@pytest.mark.parametrize(("wire", "sw3", "data"), [
    (FOUND, Status.CARD_FOUND, bytes(4)), (SELECTED, Status.OK, bytes(8)), (READ_FAILED, Status.READ_FAILED, b""),
    (SAM_AUTH_FAILED, Status.SAM_AUTH_CARD, b""), (NO_CARD, Status.NO_CARD, b""), (SAM_OK, Status.OK, b""),
])
def test_published_answers_decode_and_encode_to_the_same_bytes(wire, sw3, data) -> None:
    (reply,) = ReplyDecoder().feed(H(wire))
    assert (reply.head, reply.sw3, reply.data) == (bytes((0, 0, sw3)), sw3, data)
    assert encode_reply(sw3, data) == H(wire)


def _xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def _pad(text: str, size: int) -> bytes:
    raw = text.encode("utf-16-le")
    return raw + b" \x00" * ((size - len(raw)) // 2)


# 张建明, 男, 汉, 1956-01-01, an address, 110105195601011238, issuer, 2016-01-01 to 长期
RESIDENT_BLOCK = (_pad("张建明", 30) + _pad("1", 2) + _pad("01", 4) + _pad("19560101", 16)
                  + _pad("北京市朝阳区示例路1号", 70) + _pad("110105195601011238", 36)
                  + _pad("北京市公安局朝阳分局", 30)
                  + _pad("20160101", 16) + _pad("长期", 16) + _pad("", 36))
# a J card: nation blank, pass number and issue count in the reserved area, "J" at offset 248
HKMOTW_BLOCK = (_pad("陈大文", 30) + _pad("1", 2) + _pad("", 4) + _pad("19500607", 16) + _pad("香港特别行政区", 70)
                + _pad("810000195006074689", 36) + _pad("深圳市公安局", 30) + _pad("20190101", 16)
                + _pad("20240101", 16) + _pad("H01234567", 18) + _pad("00", 4) + _pad("", 6) + _pad("J", 2)
                + _pad("", 6))
# an I card (2017 edition): English name first, "I" at offset 248
FOREIGN_BLOCK = (_pad("SMITH JOHN", 120) + _pad("1", 2) + _pad("GBR110048081201", 30) + _pad("GBR", 6)
                 + _pad("史密斯", 30) + _pad("20180101", 16) + _pad("20280101", 16) + _pad("19480812", 16)
                 + _pad("01", 4) + _pad("1100", 8) + _pad("I", 2) + _pad("", 6))


def test_hand_built_blocks_are_256_bytes() -> None:
    assert len(RESIDENT_BLOCK) == len(HKMOTW_BLOCK) == len(FOREIGN_BLOCK) == 256
    assert HKMOTW_BLOCK[248:250] == b"J\x00" and FOREIGN_BLOCK[248:250] == b"I\x00"


def test_the_read_answer_as_published_gives_the_text_block_and_drops_the_photo() -> None:
    photo = bytes(range(256)) * 4
    # published header: AA AA AA 96 69 05 08 00 00 90 01 00 04 00 (LEN 1288, text 256, photo 1024)
    head = H("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    frame = head + RESIDENT_BLOCK + photo
    frame += bytes((_xor(frame[5:]),))
    assert len(frame) == 1295  # "返回值：1295 字节"
    (reply,) = ReplyDecoder().feed(frame)
    assert reply.sw3 == Status.OK
    block, photo_len = parse_read_data(reply.data)
    assert block == RESIDENT_BLOCK and photo_len == 1024
    card = parse_text_block(block)
    assert (card.kind, card.name, card.number, card.birth, card.sex, card.valid_to) == (
        CardKind.RESIDENT, "张建明", "110105195601011238", dt.date(1956, 1, 1), "1", "长期")
    assert not hasattr(card, "photo")


def test_the_other_card_types() -> None:
    j = parse_text_block(HKMOTW_BLOCK)
    assert (j.kind, j.name, j.number, j.birth) == (CardKind.HKMOTW, "陈大文", "810000195006074689", dt.date(1950, 6, 7))
    i = parse_text_block(FOREIGN_BLOCK)
    assert (i.kind, i.name, i.number, i.birth) == (CardKind.FOREIGN, "史密斯", "GBR110048081201", dt.date(1948, 8, 12))
    y = bytearray(RESIDENT_BLOCK)
    y[248:250] = "Y".encode("utf-16-le")
    with pytest.raises(CardRefused) as refused:
        parse_text_block(bytes(y))
    assert refused.value.reason == "unsupported" and "2023" in refused.value.zh
    bad = RESIDENT_BLOCK.replace(_pad("110105195601011238", 36), _pad("110105195601011239", 36))
    with pytest.raises(CardRefused, match="号码读取有误"):
        parse_text_block(bad)


def test_repr_never_shows_the_number_or_the_name() -> None:
    card = parse_text_block(RESIDENT_BLOCK)
    for text in (repr(card), str(card), f"{card}", repr([card])):
        assert "110105195601011238" not in text and "张建明" not in text and "19560101" not in text
        assert "1101**********1238" in text and "张*明" in text
    assert mask_name("欧阳小明") == "欧**明" and mask_name("SMITH JOHN") == "S**** J***"
    assert card.age(dt.date(2026, 1, 1)) == 70 and card.age(dt.date(2025, 12, 31)) == 69
    assert card.age_band(dt.date(2026, 6, 1)) == "70-79" and age_band(64) == "60-64"


# -- the streaming decoder against line noise ---------------------------------------------------------
def test_noise_fake_preambles_and_split_frames() -> None:
    d = ReplyDecoder()
    wire = (b"\x00\xff" + PREAMBLE + H("FF FF") + b"junk"  # a fake preamble with an absurd LEN
            + PREAMBLE + H("00 09 00")  # a fake preamble claiming 9 bytes: swallows the start of the next frame
            + H(FOUND) + H(NO_CARD)[:-1] + b"\x00"  # a frame with a wrong checksum
            + H(SAM_OK))
    out = [r for i in range(len(wire)) for r in d.feed(wire[i : i + 1])]  # one byte at a time
    assert [r.sw3 for r in out] == [Status.CARD_FOUND, Status.OK]
    assert d.drops["checksum"] >= 1 and d.drops["length"] >= 1 and d.drops["garbage"] >= 2


def test_a_megabyte_of_noise_is_dropped_in_a_few_log_lines(caplog) -> None:
    import random

    noise = random.Random(7).randbytes(1 << 20)
    d = ReplyDecoder()
    with caplog.at_level("WARNING"):
        out = d.feed(noise) + d.feed(H(SAM_OK))
    assert [r.sw3 for r in out] == [Status.OK]
    assert d.pending == 0 and len(caplog.records) <= 3

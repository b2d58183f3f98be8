"""The framed serial codec (drivers.serialframe), byte for byte.

The golden vectors were computed by hand rules (XOR of ADDR..DATA, stuff 02/03/10 as
10 22/10 23/10 30), not by the codec under test.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.serialframe import (
    ETX,
    STX,
    Cmd,
    Frame,
    FrameDecoder,
    PayloadError,
    decode_text,
    encode_frame,
    encode_text,
)

GOLDEN = [
    # PING to address 1, SEQ 0: CHK = 01^05^01^00
    (Frame(1, Cmd.PING, 0), "02 01 05 01 00 05 03"),
    # ACK from address 3 of a SHOW (0x31), SEQ 7: address 03 and LEN 02 are stuffed
    (Frame(3, Cmd.ACK, 7, b"\x31"), "02 10 23 06 10 22 07 31 31 03"),
    # address 2, SEQ 0x10 and DATA 03 are all stuffed
    (Frame(2, Cmd.LIGHTS, 0x10, b"\x03"), "02 10 22 22 10 22 10 30 10 23 31 03"),
    # GB18030 text: 好 = BA C3; LEN 3 is stuffed
    (Frame(1, Cmd.PROMPT, 1, "好".encode("gb18030")), "02 01 21 10 23 01 ba c3 5b 03"),
    # KEY 4 at tick 1000 ms (00 00 03 e8): the 03 inside the tick is stuffed
    (
        Frame(1, Cmd.KEY, 5, bytes.fromhex("04 00 00 03 e8")),
        "02 01 23 06 05 04 00 00 10 23 e8 ce 03",
    ),
    # SHOW window 3, ticket A012, text 请到3号窗口
    (
        Frame(3, Cmd.SHOW, 1, bytes.fromhex("00 03 04") + b"A012" + "请到3号窗口".encode("gb18030")),
        "02 10 23 31 13 01 00 10 23 04 41 30 31 32 c7 eb b5 bd 33 ba c5 b4 b0 bf da 5c 03",
    ),
]


@pytest.mark.parametrize(("frame", "wire"), GOLDEN, ids=[f"{f.addr}-{Cmd(f.cmd).name}" for f, _ in GOLDEN])
def test_golden_vectors_encode_and_decode(frame: Frame, wire: str) -> None:
    raw = bytes.fromhex(wire)
    assert encode_frame(frame) == raw
    decoder = FrameDecoder()
    assert decoder.feed(raw) == [frame]
    assert not decoder.drops


def test_wire_has_start_and_end_bytes_only_at_the_edges() -> None:
    for frame, _ in GOLDEN:
        raw = encode_frame(frame)
        assert raw[0] == STX and raw[-1] == ETX
        assert STX not in raw[1:-1] and ETX not in raw[1:-1]


def test_frames_split_at_every_byte_still_decode() -> None:
    stream = b"".join(bytes.fromhex(w) for _, w in GOLDEN)
    decoder = FrameDecoder()
    got = [f for i in range(len(stream)) for f in decoder.feed(stream[i : i + 1])]
    assert got == [f for f, _ in GOLDEN]


def test_garbage_between_frames_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    a, b = encode_frame(Frame(1, Cmd.PING, 1)), encode_frame(Frame(2, Cmd.PING, 2))
    decoder = FrameDecoder("测试口")
    with caplog.at_level(logging.WARNING, "drivers.serialframe"):
        got = decoder.feed(b"\xff\xfe" + a + b"\x03\x10noise" + b + b"\x00")
    assert got == [Frame(1, Cmd.PING, 1), Frame(2, Cmd.PING, 2)]
    assert decoder.drops["garbage"] == 2 + 7 + 1
    assert "测试口" in caplog.text and "outside frames" in caplog.text


def test_bad_checksum_is_dropped_and_the_next_frame_decodes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = bytearray(encode_frame(Frame(1, Cmd.ACK, 3, b"\x21")))
    bad[-2] ^= 0x01  # CHK byte (not a stuffed one here)
    decoder = FrameDecoder()
    with caplog.at_level(logging.WARNING, "drivers.serialframe"):
        got = decoder.feed(bytes(bad) + encode_frame(Frame(1, Cmd.ACK, 4, b"\x21")))
    assert got == [Frame(1, Cmd.ACK, 4, b"\x21")]
    assert decoder.drops == {"checksum": 1}
    assert "bad checksum" in caplog.text


def test_truncated_frame_is_dropped_at_the_next_start_byte() -> None:
    whole = encode_frame(Frame(4, Cmd.SHOW, 9, b"\x00\x04\x00abc"))
    decoder = FrameDecoder()
    assert decoder.feed(whole[:6]) == []  # the rest never comes
    assert decoder.feed(encode_frame(Frame(4, Cmd.CLEAR, 10))) == [Frame(4, Cmd.CLEAR, 10)]
    assert decoder.drops == {"truncated": 1}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("02 01 05 10 22 00 06 03", "length"),  # LEN says 2, one payload byte came
        ("02 01 05 03", "short"),  # no room for SEQ and CHK
        ("02 01 05 01 10 41 05 03", "escape"),  # 10 41 is no escape
        ("02 01 05 01 00 10 03", "escape"),  # DLE right before ETX
        ("02" + " 41" * 300, "overlong"),  # no ETX for longer than any frame
    ],
)
def test_malformed_frames_are_dropped_with_a_reason(raw: str, reason: str) -> None:
    decoder = FrameDecoder()
    assert decoder.feed(bytes.fromhex(raw) + encode_frame(Frame(1, Cmd.PING, 8))) == [Frame(1, Cmd.PING, 8)]
    assert decoder.drops[reason] == 1


def test_unknown_commands_still_decode() -> None:
    frame = Frame(9, 0x7E, 1, b"x")
    assert FrameDecoder().feed(encode_frame(frame)) == [frame]
    assert "0x7e" in frame.describe()


def test_data_too_long_is_refused_in_both_languages() -> None:
    with pytest.raises(PayloadError) as info:
        encode_frame(Frame(1, Cmd.PROMPT, 0, b"x" * 255))
    assert isinstance(info.value, ValueError)
    assert "数据过长" in str(info.value) and "data too long" in str(info.value)
    assert len(encode_frame(Frame(1, Cmd.PROMPT, 0, b"x" * 254))) > 254


def test_text_is_gb18030_and_bad_bytes_do_not_raise() -> None:
    assert encode_text("暂停服务") == bytes.fromhex("d4 dd cd a3 b7 fe ce f1")
    assert decode_text(bytes.fromhex("d4 dd cd a3 b7 fe ce f1")) == "暂停服务"
    assert decode_text(b"\xd4") == "\ufffd"
    with pytest.raises(PayloadError):
        encode_text("\ud800")  # a lone surrogate is the one thing GB18030 cannot hold


frames = st.builds(
    Frame,
    addr=st.integers(0, 255),
    cmd=st.integers(0, 255),
    seq=st.integers(0, 255),
    data=st.binary(max_size=254),
)


@given(
    st.lists(st.tuples(st.binary(max_size=8).map(lambda b: b.replace(b"\x02", b"")), frames), max_size=6),
    st.integers(1, 40),
)
def test_any_frames_with_noise_between_round_trip_in_any_chunks(items: list[tuple[bytes, Frame]], chunk: int) -> None:
    stream = b"".join(noise + encode_frame(frame) for noise, frame in items)
    decoder = FrameDecoder()
    got = [f for i in range(0, len(stream), chunk) for f in decoder.feed(stream[i : i + chunk])]
    assert got == [frame for _, frame in items]


@given(st.binary(max_size=600))
def test_line_noise_never_raises(noise: bytes) -> None:
    decoder = FrameDecoder()
    decoder.feed(noise)
    # and the decoder is still in step afterwards
    assert decoder.feed(encode_frame(Frame(1, Cmd.PING, 1))) == [Frame(1, Cmd.PING, 1)]

"""The 256-byte text block of an ID card and the value object it becomes (pure).

The block is UCS-2 little-endian in fixed fields, space-padded. Resident ID card (居民身份证) and
Hong Kong / Macao / Taiwan residence permit (港澳台居民居住证, type ``J``)::

    offset  bytes  field
    0       30     姓名 name (15 characters)
    30      2      性别 sex code (1 男, 2 女, 0 未知, 9 未说明)
    32      4      民族 nation code (01 汉 …); blank on a J card
    36      16     出生 birth date YYYYMMDD
    52      70     住址 address (35 characters)
    122     36     公民身份号码 ID number (18 characters)
    158     30     签发机关 issuer
    188     16     有效期起 valid from YYYYMMDD
    204     16     有效期止 valid to YYYYMMDD or 长期
    220     18     J: 通行证号码 pass number (9 characters)
    238     4      J: 签发次数 issue count
    242     6      reserved
    248     2      证件类型标识 card type: "J"; blank on a resident card
    250     6      reserved

Foreign permanent resident ID card (外国人永久居留身份证, 2017 edition, type ``I``)::

    0 120 English name · 120 2 sex · 122 30 card number (15) · 152 6 nationality (3 letters)
    158 30 Chinese name · 188 16 valid from · 204 16 valid to · 220 16 birth date · 236 4 version
    240 8 issuing authority code · 248 2 card type "I" · 250 6 reserved

Which cards the kiosk takes (docs/devices-idcard.md): resident, J and I cards are *handled* (the age
comes from their birth date, the number is hashed like a resident number). The 2023 edition of the
foreign permanent resident card (type ``Y``, a different layout) and any other type are *recognised
and refused* with a message: the visitor takes a ticket with the buttons as before.

Privacy (000 第二十八条): :class:`IdCard` never shows the number or the name whole — ``repr``/``str``
are masked — and the photo never reaches it (:func:`~drivers.idcard.codec.parse_read_data` drops it).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

__all__ = [
    "CardKind",
    "CardRefused",
    "IdCard",
    "age_band",
    "build_text_block",
    "id_check_char",
    "mask_name",
    "mask_number",
    "parse_text_block",
]

TEXT_BLOCK = 256
_TYPE_AT = 248


class CardKind(enum.StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HKMOTW = "hkmotw"  # 港澳台居民居住证 (J)
    FOREIGN = "foreign"  # 外国人永久居留身份证 2017 (I)


KIND_LABELS: dict[CardKind, tuple[str, str]] = {
    CardKind.RESIDENT: ("居民身份证", "resident ID card"),
    CardKind.HKMOTW: ("港澳台居民居住证", "HK/Macao/Taiwan residence permit"),
    CardKind.FOREIGN: ("外国人永久居留身份证", "foreign permanent resident ID card"),
}


class CardRefused(ValueError):
    """A card the kiosk does not take (type, or a block that does not parse), said in zh and en."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} ({en})")
        self.reason = reason
        self.zh = zh
        self.en = en


# GB 11643-1999: weights of the first 17 characters and the check character for (sum mod 11)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number (GB 11643).

    >>> id_check_char("11010519491231002")
    'X'
    """
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def mask_number(number: str) -> str:
    """1101**********002X: first four and last four, as the booking pages show it."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str) -> str:
    """张*明, 张*, 欧**明; Latin names keep each word's first letter (J*** S****).

    >>> [mask_name(n) for n in ("张三", "张小明", "欧阳小明", "JOHN SMITH")]
    ['张*', '张*明', '欧**明', 'J*** S****']
    """
    name = name.strip()
    if not name:
        return ""
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


#: the age bands the kiosk sends to the server (never the birth date): enough for the priority lane
#: and the hall's statistics
AGE_BANDS = ((0, "0-17"), (18, "18-59"), (60, "60-64"), (65, "65-69"), (70, "70-79"), (80, "80+"))


def age_band(age: int) -> str:
    """The band of an age.

    >>> age_band(17), age_band(65), age_band(93)
    ('0-17', '65-69', '80+')
    """
    band = AGE_BANDS[0][1]
    for low, name in AGE_BANDS:
        if age >= low:
            band = name
    return band


@dataclass(frozen=True, slots=True)
class IdCard:
    """What the kiosk learns from a card. ``name`` and ``number`` are there to be masked and hashed,
    never shown whole: ``repr`` masks them (and gives only the birth year)."""

    kind: CardKind
    name: str = field(repr=False)
    number: str = field(repr=False)
    birth: dt.date = field(repr=False)
    sex: str = ""
    valid_to: str = ""

    def __repr__(self) -> str:
        return (f"IdCard(kind={self.kind.value}, name={self.masked_name!r}, number={self.masked_number!r}, "
                f"born={self.birth.year})")

    __str__ = __repr__

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_number(self) -> str:
        return mask_number(self.number)

    def age(self, today: dt.date) -> int:
        return age_on(self.birth, today)

    def age_band(self, today: dt.date) -> str:
        return age_band(self.age(today))


def _field(block: bytes, start: int, size: int) -> str:
    return block[start : start + size].decode("utf-16-le", errors="replace").replace("\x00", "").strip()


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise CardRefused("bad_block", f"证件{what}无法识别，请重新放置证件",
                          f"the card's {what} cannot be read: please lay the card again") from None


def parse_text_block(block: bytes) -> IdCard:
    """The text block → :class:`IdCard`; :class:`CardRefused` for a type the kiosk does not take or a
    block that does not parse (bad length, bad date, bad check digit)."""
    if len(block) != TEXT_BLOCK:
        raise CardRefused("bad_block", "证件信息长度不对，请重新放置证件",
                          f"the card's text block is {len(block)} bytes, not 256: please lay the card again")
    kind_char = _field(block, _TYPE_AT, 2)
    if kind_char == "I":
        number = _field(block, 122, 30).upper()
        name = _field(block, 158, 30) or _field(block, 0, 120)
        return IdCard(CardKind.FOREIGN, name, number, _date(_field(block, 220, 16), "出生日期 / birth date"),
                      _field(block, 120, 2), _field(block, 204, 16))
    if kind_char not in ("", "J"):
        label = "2023 版外国人永久居留身份证" if kind_char == "Y" else f"类型为“{kind_char}”的证件"
        label_en = ("the 2023 foreign permanent resident ID card" if kind_char == "Y"
                    else f"a card of type {kind_char!r}")
        raise CardRefused("unsupported", f"本机暂不能识别{label}，请直接在屏幕上选择业务取号",
                          f"this kiosk cannot take {label_en} yet: please choose your service on the screen")
    number = _field(block, 122, 36).upper()
    if len(number) != 18 or not number[:17].isdigit() or id_check_char(number[:17]) != number[17]:
        raise CardRefused("bad_block", "证件号码读取有误，请重新放置证件",
                          "the card's number did not read correctly: please lay the card again")
    kind = CardKind.HKMOTW if kind_char == "J" else CardKind.RESIDENT
    return IdCard(kind, _field(block, 0, 30), number, _date(_field(block, 36, 16), "出生日期 / birth date"),
                  _field(block, 30, 2), _field(block, 204, 16))


def _put(block: bytearray, start: int, size: int, text: str) -> None:
    raw = text.encode("utf-16-le")
    if len(raw) > size:
        raise ValueError(f"{text!r} does not fit in {size} bytes")
    block[start : start + size] = raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)


def build_text_block(*, name: str, number: str, birth: str, sex: str = "1", nation: str = "01",
                     address: str = "", issuer: str = "", valid_from: str = "20200101",
                     valid_to: str = "20400101", kind: str = "", name_en: str = "",
                     nationality: str = "", pass_number: str = "", issue_count: str = "") -> bytes:
    """A text block as a reader returns it (the simulator's cards; tests build theirs by hand)."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_BLOCK // 2))
    if kind == "I":
        for start, size, text in ((0, 120, name_en), (120, 2, sex), (122, 30, number), (152, 6, nationality),
                                  (158, 30, name), (188, 16, valid_from), (204, 16, valid_to), (220, 16, birth),
                                  (236, 4, "01"), (240, 8, "1100"), (248, 2, "I")):
            _put(block, start, size, text)
        return bytes(block)
    for start, size, text in ((0, 30, name), (30, 2, sex), (32, 4, nation), (36, 16, birth), (52, 70, address),
                              (122, 36, number), (158, 30, issuer), (188, 16, valid_from), (204, 16, valid_to),
                              (220, 18, pass_number), (238, 4, issue_count), (248, 2, kind)):
        _put(block, start, size, text)
    return bytes(block)

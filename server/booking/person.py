"""Who books: a mainland mobile number or an 18-digit resident ID number (居民身份证号码).

Stored only as a keyed hash (HMAC-SHA256 with the deployment's secret key, ``var/secret.key``) and shown
only masked: personal data never appears whole on a screen, in a log or in the database
(000 第二十八条; DOMAIN rule 11). The hash is what 003 §7's blacklist counts no-shows against.

>>> p = Person.parse(" 138-1234-5678 ")
>>> p.kind, p.mask
('phone', '138****5678')
>>> Person.parse("11010519491231002x").mask
'1101**********002X'
>>> Person.parse("110105194912310021")
Traceback (most recent call last):
...
server.booking.errors.BookingRefused: 身份证号校验位不对，请核对 (the ID number's check digit is wrong: please check it)
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Literal

from .errors import BookingRefused

_PHONE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers (same rule as kiosk/booking.py)
_ID = re.compile(r"^\d{17}[\dX]$")
# GB 11643-1999: weights of the first 17 digits, and the check character for (sum mod 11)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_HASH_CONTEXT = b"hallq person v1\x00"  # domain separation: this key hashes nothing else the same way


def normalise(text: str) -> str:
    """Upper case, without spaces, dashes or a leading +86."""
    value = re.sub(r"[\s-]", "", text).upper()
    return value[3:] if value.startswith("+86") else value


@dataclass(frozen=True, slots=True)
class Person:
    kind: Literal["phone", "id"]
    value: str = field(repr=False)  # the number itself: kept in memory only, never stored

    @classmethod
    def parse(cls, text: str) -> Person:
        value = normalise(text)
        if _PHONE.match(value):
            return cls("phone", value)
        if _ID.match(value):
            total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
            if _ID_CHECK[total % 11] != value[17]:
                raise BookingRefused("bad_person", "身份证号校验位不对，请核对",
                                     "the ID number's check digit is wrong: please check it")
            return cls("id", value)
        raise BookingRefused("bad_person", "请输入 11 位手机号或 18 位身份证号",
                             "enter an 11-digit mobile number or an 18-character ID number")

    @property
    def mask(self) -> str:
        """138****5678 and 1101**********1234: the only forms ever shown or stored."""
        return mask(self.value)

    def key(self, secret: bytes) -> str:
        """The keyed hash stored for this person (hex, 64 characters)."""
        return person_hash(secret, self.value)


def mask(value: str) -> str:
    if len(value) == 11:
        return value[:3] + "****" + value[7:]
    if len(value) == 18:
        return value[:4] + "*" * 10 + value[14:]
    return "*" * len(value)


def person_hash(secret: bytes, value: str) -> str:
    if not secret:
        raise ValueError("the secret key is empty")
    return hmac.new(secret, _HASH_CONTEXT + value.encode("ascii"), hashlib.sha256).hexdigest()


def address_hash(secret: bytes, address: str) -> str:
    """Client IP addresses are personal data too: rate limits count them by keyed hash."""
    return hmac.new(secret, b"hallq ip v1\x00" + address.encode("utf-8"), hashlib.sha256).hexdigest()

"""The keyed hash of an ID card's number: the only form of it that leaves the kiosk (issue 18).

The kiosk and the server compute the same thing, so the definition is part of the wire vocabulary:

* ``card_key = HMAC-SHA256(secret, "hallq card key v1")`` — derived from the deployment's secret
  (``var/secret.key``) by the server and handed to kiosk devices (``GET /api/v1/devices/card-key``,
  kiosk token only). The kiosk keeps it in memory; it never holds the server's secret itself.
* ``card_hash = HMAC-SHA256(card_key, "hallq card v1" 0x00 NUMBER)`` as 64 hex digits, NUMBER upper case.

A keyed hash, not a plain one: the ID-number space is small (region × birth date × 1000), so a bare
SHA-256 of a leaked database would be reversed by enumeration in minutes; without the key it cannot
be (000 第二十八条). docs/devices-idcard.md weighs what a stolen kiosk (holding the key) exposes.

>>> key = derive_card_key(bytes(32))
>>> card_hash(key, "11010519491231002x") == card_hash(key, "11010519491231002X")
True
>>> len(card_hash(key, "11010519491231002X"))
64
"""

from __future__ import annotations

import hashlib
import hmac
import re

__all__ = ["CARD_HASH_PATTERN", "card_hash", "derive_card_key"]

_KEY_CONTEXT = b"hallq card key v1"
_HASH_CONTEXT = b"hallq card v1\x00"
#: what a card hash looks like on the wire
CARD_HASH_PATTERN = r"^[0-9a-f]{64}$"
_HEX = re.compile(CARD_HASH_PATTERN)


def derive_card_key(secret: bytes) -> bytes:
    """The kiosks' key, from the deployment's secret (32 bytes)."""
    if not secret:
        raise ValueError("the secret key is empty")
    return hmac.new(secret, _KEY_CONTEXT, hashlib.sha256).digest()


def card_hash(card_key: bytes, number: str) -> str:
    """The keyed hash of a card number (resident, J or I card), hex."""
    if len(card_key) != 32:
        raise ValueError("a card key is 32 bytes")
    value = number.strip().upper().encode("ascii")
    return hmac.new(card_key, _HASH_CONTEXT + value, hashlib.sha256).hexdigest()


def is_card_hash(text: str) -> bool:
    return bool(_HEX.match(text))

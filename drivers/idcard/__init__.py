"""Resident ID card reader (二代身份证阅读器) at the kiosk: GA 467 SAM serial protocol, and a simulator.

>>> from drivers.idcard import open_idcard
>>> reader = open_idcard("sim://?card=elder")
>>> poll = reader.poll()
>>> poll.state.value, poll.card
('read', IdCard(kind=resident, name='张*明', number='1101**********1238', born=1956))

* :mod:`.codec`      frames, commands, status words (pure)
* :mod:`.card`       the 256-byte text block → :class:`IdCard` (masked ``repr``; photo never kept)
* :mod:`.reader`     the interface: ``poll()`` → :class:`Poll` (a :class:`CardState`), ``health()``
* :mod:`.backends`   ``serial://`` and ``sim://``; :func:`open_idcard`
* :mod:`.watcher`    a polling thread reporting each laid card once
* :mod:`.simulator`  the reader on a pty, with test cards (:mod:`.testcards`) and faults

docs/devices-idcard.md: the device, URL options, sources of the protocol, the privacy design.
"""

from .backends import SerialIdCardReader, SimIdCardReader, open_idcard
from .card import CardKind, CardRefused, IdCard, age_band, mask_name, mask_number, parse_text_block
from .reader import FAULTS, CardState, IdCardReader, Poll
from .watcher import CardWatcher

__all__ = [
    "FAULTS",
    "CardKind",
    "CardRefused",
    "CardState",
    "CardWatcher",
    "IdCard",
    "IdCardReader",
    "Poll",
    "SerialIdCardReader",
    "SimIdCardReader",
    "age_band",
    "mask_name",
    "mask_number",
    "open_idcard",
    "parse_text_block",
]

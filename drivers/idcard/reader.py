"""The ID-card reader interface: one poll finds, selects and reads a laid card (the protocol logic is
here, once; the backends only move frames).

A poll never raises for what a reader in a hall does — no card, a card lifted mid-read, a card of a
type the kiosk does not take, a SAM fault, silence, garbled answers, an unplugged cable: each is a
:class:`Poll` with a :class:`CardState` and a sentence in Chinese and English.
"""

from __future__ import annotations

import abc
import enum
import logging
import threading
from dataclasses import dataclass

from ..errors import DeviceError, DeviceProtocolError, DeviceTimeout, DeviceUnavailable
from ..health import Health, Level
from .card import CardRefused, IdCard, parse_text_block
from .codec import CARD_TROUBLE, SAM_FAULTS, Command, Reply, Status, parse_read_data

__all__ = ["CardState", "IdCardReader", "Poll"]

log = logging.getLogger("drivers.idcard")


class CardState(enum.StrEnum):
    NO_CARD = "no_card"  # nothing on the reader
    READ = "read"  # a card was read: Poll.card
    UNREADABLE = "unreadable"  # a card was there but the read failed (lifted or moved mid-read)
    REFUSED = "refused"  # read, but a card type the kiosk does not take (or a block that does not parse)
    SAM_FAULT = "sam_fault"  # the reader's security module reports a fault: maintenance
    NO_ANSWER = "no_answer"  # silence, or only garbled frames
    UNAVAILABLE = "unavailable"  # the port cannot be used (unplugged)


#: states that are the reader's fault, not the visitor's (health FAIL, maintenance screen)
FAULTS = frozenset({CardState.SAM_FAULT, CardState.NO_ANSWER, CardState.UNAVAILABLE})


@dataclass(frozen=True, slots=True)
class Poll:
    state: CardState
    zh: str = ""
    en: str = ""
    card: IdCard | None = None

    def __repr__(self) -> str:  # the card's own repr is masked
        return f"Poll({self.state.value}, card={self.card!r}, {self.en!r})"


_NO_CARD = Poll(CardState.NO_CARD, "请将身份证放在读卡区", "please lay your ID card on the reader")


class IdCardReader(abc.ABC):
    """``poll()`` once per interval (:class:`~drivers.idcard.watcher.CardWatcher` does), ``sam_status()``
    and ``health()`` for diagnostics. Thread-safe: one exchange on the line at a time."""

    backend = "?"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.last_poll: Poll | None = None
        self.reads = 0

    # -- what the backends provide -------------------------------------------------------------------
    @abc.abstractmethod
    def _transact(self, command: Command) -> Reply:
        """Send ``command``, return the reader's answer; DeviceTimeout / DeviceProtocolError /
        DeviceUnavailable when there is none."""

    def _facts(self) -> dict[str, object]:
        return {}

    def close(self) -> None:  # noqa: B027 - backends with nothing to release keep the default
        """Release the port. Idempotent."""

    @property
    @abc.abstractmethod
    def label(self) -> str: ...

    # -- the protocol --------------------------------------------------------------------------------
    def sam_status(self) -> int:
        """SW3 of the SAM status command (0x90 = fine); raises DeviceError when the reader is silent."""
        with self._lock:
            return self._transact(Command.SAM_STATUS).sw3

    def poll(self) -> Poll:
        """Find, select and read a laid card (three exchanges); never raises."""
        with self._lock:
            try:
                result = self._poll()
            except DeviceUnavailable as exc:
                result = Poll(CardState.UNAVAILABLE, f"读卡器无法使用：{exc.zh}",
                              f"ID card reader unavailable: {exc.en}")
            except DeviceProtocolError as exc:
                result = Poll(CardState.NO_ANSWER, f"读卡器应答有误：{exc.zh}", f"ID card reader garbled: {exc.en}")
            except DeviceTimeout as exc:
                result = Poll(CardState.NO_ANSWER, f"读卡器无应答：{exc.zh}", f"ID card reader silent: {exc.en}")
            self.last_poll = result
            if result.state is CardState.READ:
                self.reads += 1
            return result

    def _poll(self) -> Poll:
        found = self._transact(Command.FIND_CARD)
        if found.sw3 in SAM_FAULTS:
            return self._sam_fault(found.sw3)
        if found.sw3 == Status.NO_CARD:
            return _NO_CARD
        if found.sw3 != Status.CARD_FOUND:
            return self._trouble(found, "寻卡")
        selected = self._transact(Command.SELECT_CARD)
        if selected.sw3 != Status.OK:
            return self._sam_fault(selected.sw3) if selected.sw3 in SAM_FAULTS else self._trouble(selected, "选卡")
        read = self._transact(Command.READ_TEXT_PHOTO)
        if read.sw3 != Status.OK:
            return self._sam_fault(read.sw3) if read.sw3 in SAM_FAULTS else self._trouble(read, "读卡")
        try:
            block, _photo_len = parse_read_data(read.data)  # the photo is dropped here, never decoded
            card = parse_text_block(block)
        except CardRefused as exc:
            state = CardState.REFUSED if exc.reason == "unsupported" else CardState.UNREADABLE
            return Poll(state, exc.zh, exc.en)
        except ValueError as exc:
            log.warning("%s: 读卡应答无法解析 / unparsable read answer: %s", self.label, exc)
            return Poll(CardState.UNREADABLE, "证件信息读取不完整，请重新放置证件",
                        "the card was not read completely: please lay it again")
        return Poll(CardState.READ, "已读取证件", "card read", card)

    def _sam_fault(self, sw3: int) -> Poll:
        name = Status.name_of(sw3)
        return Poll(CardState.SAM_FAULT, f"读卡器安全模块故障（{name}），请联系工作人员",
                    f"ID card reader security module fault ({name}): please ask the staff")

    def _trouble(self, reply: Reply, step: str) -> Poll:
        if reply.sw3 == Status.WRONG_CARD:
            return Poll(CardState.REFUSED, "这不是本机能读取的证件，请放置身份证",
                        "this is not a card the reader can read: please lay your ID card")
        if reply.sw3 not in CARD_TROUBLE:
            log.warning("%s: %s 应答 %s / unexpected status", self.label, step, reply.describe())
        return Poll(CardState.UNREADABLE, "读卡未完成，请将身份证放稳，不要移动",
                    "the card was not read: please lay it flat and keep it still")

    # -- diagnostics -----------------------------------------------------------------------------------
    def health(self) -> Health:
        facts: dict[str, object] = {"backend": self.backend, "reads": self.reads, **self._facts()}
        if self.last_poll is not None:
            facts["last_state"] = self.last_poll.state.value
        try:
            sw3 = self.sam_status()
        except DeviceError as exc:
            facts["error"] = str(exc)
            return Health("idcard", Level.FAIL, f"身份证读卡器（{self.label}）故障：{exc.zh}",
                          f"ID card reader ({self.label}) failed: {exc.en}", facts)
        facts["sam_status"] = Status.name_of(sw3)
        if sw3 != Status.OK:
            return Health("idcard", Level.FAIL, f"身份证读卡器安全模块故障（{Status.name_of(sw3)}）",
                          f"ID card reader security module fault ({Status.name_of(sw3)})", facts)
        return Health("idcard", Level.OK, f"身份证读卡器正常（{self.label}）", f"ID card reader OK ({self.label})",
                      facts)

    def __enter__(self) -> IdCardReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

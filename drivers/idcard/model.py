"""A reader as the simulators play it: a SAM answering the protocol's commands about a card that may
be laid, lifted, or misbehave (pure: frames in, frames out).

``sim://`` runs it in process; :mod:`drivers.idcard.simulator` runs it on the far end of a pty.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass

from .codec import Command, Status, encode_reply
from .testcards import CARDS, SampleCard, fake_photo

__all__ = ["GARBAGE", "Fault", "ReaderModel"]

# Line noise: junk, a lone preamble start, a fake preamble with an absurd LEN, a frame cut short.
GARBAGE = bytes.fromhex("55 00 ff aa aa 13 aa aa aa 96 69 ff ff 00 aa aa aa 96 69 00 09 00")


class Fault(enum.StrEnum):
    SILENT = "silent"  # no answer at all: a dead reader, a cut cable
    BAD_CHECKSUM = "bad_checksum"  # answers with a wrong CHK
    SAM_FAULT = "sam_fault"  # the SAM fails its self-test: SW3 0x60 to everything
    LIFT_MID_READ = "lift_mid_read"  # the card is taken away between select and read: SW3 0x41
    GARBAGE = "garbage"  # line noise before every answer


@dataclass(slots=True)
class _Rule:
    fault: Fault
    times: int | None


class ReaderModel:
    """The card on the reader and the reader's mood. Thread-safe (the test thread lays cards while
    the simulator thread answers)."""

    model = "HQ-SAM-SIM"

    def __init__(self, card: SampleCard | str | None = None) -> None:
        self._lock = threading.Lock()
        self._card: SampleCard | None = None
        self._selected = False
        self._rule: _Rule | None = None
        self.commands: list[Command | tuple[int, int]] = []
        if card is not None:
            self.lay(card)

    # -- the test's side -----------------------------------------------------------------------------
    def lay(self, card: SampleCard | str) -> None:
        """Lay a card on the reader (a :class:`SampleCard` or its key in ``CARDS``)."""
        with self._lock:
            self._card = CARDS[card] if isinstance(card, str) else card
            self._selected = False

    def lift(self) -> None:
        with self._lock:
            self._card = None
            self._selected = False

    @property
    def card(self) -> SampleCard | None:
        with self._lock:
            return self._card

    def fault(self, fault: Fault | str, *, times: int | None = None) -> None:
        """Misbehave for the next ``times`` answers (``None``: until cleared)."""
        with self._lock:
            self._rule = _Rule(Fault(fault), times)

    def clear_faults(self) -> None:
        with self._lock:
            self._rule = None

    # -- the reader's side -----------------------------------------------------------------------------
    def answer(self, cmd: int, para: int) -> bytes:
        """The bytes the reader sends for a command (empty: it stays silent)."""
        with self._lock:
            command = Command.of(cmd, para)
            self.commands.append(command or (cmd, para))
            rule = self._rule
            if rule is not None and rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self._rule = None
            fault = rule.fault if rule is not None else None
            if fault is Fault.SILENT:
                return b""
            frame = self._answer(command, fault)
        if fault is Fault.BAD_CHECKSUM:
            return frame[:-1] + bytes((frame[-1] ^ 0x5A,))
        if fault is Fault.GARBAGE:
            return GARBAGE + frame
        return frame

    def _answer(self, command: Command | None, fault: Fault | None) -> bytes:
        if fault is Fault.SAM_FAULT:
            return encode_reply(Status.SAM_SELF_TEST)
        if command is None:
            return encode_reply(Status.HOST_COMMAND)
        if command in (Command.SAM_STATUS, Command.RESET_SAM):
            return encode_reply(Status.OK)
        if command is Command.SAM_ID:
            return encode_reply(Status.OK, b"HQ-SAM-SIM-0001")
        if command is Command.FIND_CARD:
            if self._card is None:
                return encode_reply(Status.NO_CARD)
            return encode_reply(Status.CARD_FOUND, bytes(4))
        if command is Command.SELECT_CARD:
            if self._card is None:
                return encode_reply(Status.SELECT_FAILED)
            self._selected = True
            return encode_reply(Status.OK, bytes(8))
        if command is Command.READ_TEXT_PHOTO:
            if fault is Fault.LIFT_MID_READ:
                self._card = None
                self._selected = False
            if self._card is None or not self._selected:
                return encode_reply(Status.READ_FAILED)
            text, photo = self._card.block(), fake_photo(self._card.key)
            data = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
            return encode_reply(Status.OK, data)
        if command is Command.READ_NEW_ADDRESS:
            return encode_reply(Status.NO_CONTENT)
        return encode_reply(Status.HOST_COMMAND)

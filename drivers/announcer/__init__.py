"""Call announcements for the lobby (and kiosk voice guidance), spoken by espeak-ng.

>>> from drivers.announcer import open_announcer
>>> ann = open_announcer("espeak://?voice=cmn-latn-pinyin&repeat=2&player=aplay")  # doctest: +SKIP
>>> ann.announce("A012", 3)  # queued: 叮咚, 请 A 零一二 号到 3 号窗口办理 ×2  # doctest: +SKIP
>>> ann.wait_idle(30); ann.close()  # doctest: +SKIP

Modules: ``text`` (what is said), ``synth`` (espeak-ng via pyttsx3, and why ``cmn-latn-pinyin``),
``chime``/``audio`` (ding-dong and WAV joining), ``voicepack`` (calls joined from recorded clips;
``make_pack`` makes one from espeak-ng), ``player`` (aplay), ``recorder`` (``sim://``
folder), ``options`` (URL options), ``announcer`` (the queue), ``wavcheck`` (is a WAV audible).
See docs/devices-announcer.md.
"""

from .announcer import Announcement, Announcer, Kind, open_announcer
from .options import AnnouncerSettings
from .synth import Synthesizer, VoiceSettings, espeak_phonemes, espeak_synthesize
from .text import (
    DEFAULT_TEMPLATES,
    LETTER_READINGS,
    AnnouncementTextError,
    Templates,
    call_text,
    check_template,
    guide_text,
    spoken_number,
)
from .voicepack import SHIPPED_PACK, VoicePack, VoicePackError
from .wavcheck import WavStats, measure

__all__ = [
    "DEFAULT_TEMPLATES",
    "LETTER_READINGS",
    "SHIPPED_PACK",
    "Announcement",
    "AnnouncementTextError",
    "Announcer",
    "AnnouncerSettings",
    "Kind",
    "Synthesizer",
    "Templates",
    "VoicePack",
    "VoicePackError",
    "VoiceSettings",
    "WavStats",
    "call_text",
    "check_template",
    "espeak_phonemes",
    "espeak_synthesize",
    "guide_text",
    "measure",
    "open_announcer",
    "spoken_number",
]

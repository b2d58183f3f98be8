"""Announcer URL options → :class:`AnnouncerSettings`; every option is checked here, once.

``espeak://?voice=cmn-latn-pinyin&rate=150&volume=1.0&chime=1&repeat=2&player=aplay&lang=zh``
``sim://?dir=/var/lib/hallq/calls&synth=1``

Options common to both schemes (defaults in brackets):

=================  ============================================================================
lang               ``zh`` | ``en``  [zh] — language of the call sentence
voice              espeak-ng voice  [cmn-latn-pinyin for zh, en for en]; must exist
rate               words per minute, 80–450  [150]
volume             0–1 (espeak-ng amplitude ×100)  [1.0]
chime              1/0: ding-dong before a call  [1]
repeat             1–5: times the call sentence is said  [2]
template           call sentence with {number} and {window}  [请 {number} 号到 {window} 号窗口办理]
recall_template    recall sentence  [请 {number} 号再次到 {window} 号窗口办理]
engine             ``pyttsx3`` | ``espeak-ng`` (binary only)  [pyttsx3]
letters            Chinese readings of prefix letters, ``E:鹅,R:ar`` (added to text.LETTER_READINGS)
pack               folder of a voice pack: calls are joined from its recorded clips (voicepack.py);
                   espeak-ng still speaks guidance, and a call if the pack cannot
=================  ============================================================================

``espeak://`` only: ``player`` = ``aplay`` | ``none`` [aplay], ``device`` = ALSA device for
``aplay -D`` [default]. ``sim://`` only: ``dir`` (required) and ``synth`` = 1/0 [1].
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from drivers.errors import DeviceConfigError, DeviceError
from drivers.urls import DeviceUrl

from .synth import ESPEAK, Synthesizer, VoiceSettings, require_voice
from .text import DEFAULT_TEMPLATES, LANGS, AnnouncementTextError, Lang, Templates, check_readings

__all__ = [
    "COMMON_OPTIONS",
    "DEFAULT_VOICES",
    "ESPEAK_OPTIONS",
    "PLAYERS",
    "SIM_OPTIONS",
    "AnnouncerSettings",
    "bool_option",
    "choice_option",
    "settings_from_url",
]

DEFAULT_VOICES: dict[str, str] = {"zh": "cmn-latn-pinyin", "en": "en"}
COMMON_OPTIONS = frozenset(
    {"lang", "voice", "rate", "volume", "chime", "repeat", "template", "recall_template", "engine", "letters",
     "pack"}
)
ESPEAK_OPTIONS = COMMON_OPTIONS | {"player", "device"}
SIM_OPTIONS = COMMON_OPTIONS | {"dir", "synth"}
PLAYERS = ("aplay", "none")
MAX_REPEAT = 5
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class AnnouncerSettings:
    """What to say and how, independent of where it goes."""

    lang: Lang = "zh"
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    chime: bool = True
    repeat: int = 2
    templates: Templates = DEFAULT_TEMPLATES["zh"]
    engine: str = "pyttsx3"
    readings: dict[str, str] = field(default_factory=dict)  # letter → reading, over LETTER_READINGS
    pack: str = ""  # voice pack folder ("" = none)


def readings_option(url: DeviceUrl) -> dict[str, str]:
    """``letters=E:鹅,R:ar`` → ``{"E": "鹅", "R": "ar"}``, checked."""
    value = url.options.get("letters", "").strip()
    if not value:
        return {}
    pairs: dict[str, str] = {}
    for part in value.split(","):
        letter, sep, reading = part.partition(":")
        if not sep:
            raise _bad(url, f"letters 应为 字母:读法,…，如 E:鹅,R:ar，实为 {part!r}",
                       f"letters must be letter:reading,…, e.g. E:鹅,R:ar; got {part!r}")
        pairs[letter] = reading
    try:
        return check_readings(pairs)
    except AnnouncementTextError as exc:
        raise _bad(url, exc.zh, exc.en) from exc


def _bad(url: DeviceUrl, zh: str, en: str) -> DeviceConfigError:
    return DeviceConfigError(f"播报设备地址 {url.raw!r}：{zh}", f"announcer URL {url.raw!r}: {en}")


def bool_option(url: DeviceUrl, key: str, default: bool) -> bool:
    value = url.options.get(key)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _bad(url, f"{key} 应为 1 或 0，实为 {value!r}", f"{key} must be 1 or 0, got {value!r}")


def choice_option(url: DeviceUrl, key: str, choices: tuple[str, ...], default: str) -> str:
    value = url.options.get(key, default)
    if value not in choices:
        raise _bad(
            url,
            f"{key} 应为 {' | '.join(choices)} 之一，实为 {value!r}",
            f"{key} must be one of {' | '.join(choices)}, got {value!r}",
        )
    return value


def _check_voice_exists(url: DeviceUrl, voice: str) -> None:
    """Refuse a voice espeak-ng does not have. Without espeak-ng installed the URL is still
    accepted: opening must not need the binary, and health() reports it missing."""
    if shutil.which(ESPEAK) is None:
        return
    try:
        require_voice(voice, timeout=5.0)
    except DeviceConfigError as exc:
        raise _bad(url, exc.zh, exc.en) from exc
    except DeviceError:  # the binary failed: health() will say so
        return


def settings_from_url(url: DeviceUrl, *, check_voice: bool = True) -> AnnouncerSettings:
    """The common options of an announcer URL, validated (unknown options are the caller's job)."""
    lang = choice_option(url, "lang", LANGS, "zh")
    repeat = url.int_option("repeat", 2)
    if not 1 <= repeat <= MAX_REPEAT:
        raise _bad(
            url,
            f"repeat 应在 1–{MAX_REPEAT} 之间，实为 {repeat}",
            f"repeat must be 1-{MAX_REPEAT}, got {repeat}",
        )
    engine = choice_option(url, "engine", Synthesizer.ENGINES, "pyttsx3")
    defaults = DEFAULT_TEMPLATES[lang]
    rate, volume = url.int_option("rate", 150), url.float_option("volume", 1.0)
    try:
        voice = VoiceSettings(voice=url.options.get("voice", DEFAULT_VOICES[lang]), rate=rate, volume=volume)
        templates = Templates(
            call=url.options.get("template", defaults.call),
            recall=url.options.get("recall_template", defaults.recall),
        )
    except (DeviceConfigError, AnnouncementTextError) as exc:
        raise _bad(url, exc.zh, exc.en) from exc
    if check_voice:
        _check_voice_exists(url, voice.voice)
    return AnnouncerSettings(
        lang=lang,
        voice=voice,
        chime=bool_option(url, "chime", True),  # type: ignore[arg-type]
        repeat=repeat,
        templates=templates,
        engine=engine,
        readings=readings_option(url),
        pack=url.options.get("pack", "").strip(),
    )

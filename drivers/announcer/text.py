"""What the lobby speaker says: ticket numbers, call sentences, guidance. Pure text, no I/O.

The lobby display announces calls with voice ("请 A012 号到 3 号窗口办理", DOMAIN.md "The
people who use it"); the kiosk speaks guidance for elderly and blind visitors (DOMAIN.md
rule 13; 001 第五条, 000 第二十七条: 适老化、无障碍).

>>> spoken_number("A012")
'A 零一二'
>>> call_text("A012", 3)
'请 A 零一二 号到 3 号窗口办理'
>>> call_text("A012", 3, lang="en")
'Number A, 0 1 2, please go to window 3'

How these strings were chosen (espeak-ng 1.51, Debian 12; phonemes from ``espeak-ng -q -x``):

* ``A012`` left as is is read "A 零十二" (``'ei51 l,i35N s.i.35 '@r51``): a ticket number must be
  read digit by digit, so the digits are written as 零一二…; ``一`` is never replaced by 幺 (halls
  say 一).
* Letters stay Latin and stand alone, separated by spaces: the ``cmn-latn-pinyin`` voice spells each
  of A–Z as a letter (A → ``'ei51``, B → ``p'i51``), but ``AB`` glued together or glued to 零 is
  read as a pinyin/English syllable (``AB零`` → ``(en)a44b``).
* English: espeak-ng's ``en`` voice reads a lone "A" as the article (``a#``, "uh"), so letters are
  followed by a comma ("A, 0 1 2" → ``'eI`` then ``z'i@roU w'0n t'u:``). A comma costs ~0.3 s.
* The window number stays in Arabic digits: it is a cardinal and halls say "十二号窗口"
  (``12`` → ``s.i.35 '@r51``).

**Letters (Chinese).** Left to itself the voice reads some letters as something else: R ``'@r35``
("ér", heard as 二), E ``j'i51`` ("yì", heard as 一), G ``ts.'i51`` ("zhì"), J ``ts.'ei51`` ("zhèi"),
W ``ta35pliou33`` (ends in 六), F/L/M/S/X as "ai" plus a bare consonant. So each letter is written as
a *reading* (:data:`LETTER_READINGS`, changeable per hall with the announcer option
``letters=E:鹅,R:ar``) chosen on espeak-ng's phonemes so that, tones ignored (a PA in a noisy hall
loses tones first), no letter sounds like a digit (零一二三四五六七八九) or like another letter:
E is the 汉语拼音 letter name 鹅 (``'o-35``: "a o e" is the first thing Chinese schoolchildren learn),
R is the pinyin "ar" (``A55@r22``, one syllable), W is "达布优" (double-U without 六), G is 吉 ("ji"),
J 杰, F/H/L/M 艾弗/艾尺/艾勒/艾姆 ("ai" + a full syllable), Z 贼 ("zei"); the rest are read well as
they are (A ``'ei51``, B ``p'i51``, C ``s'ei55``, D ``t'i51``, K ``kh'ei51``, N ``'@55n``,
P ``ph'i51``, Q ``kh'iou55``, S ``'ai35s``, T ``th'i51``, U ``j'iou55``, V ``v'ei55``, X ``'ai35ks``,
Y ``w'uai51``). ``tests/drivers/announcer/test_announcer_letters.py`` synthesises every prefix of the
shipped hall with numbers and checks this. English keeps the ``en`` voice's own letter names.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "DEFAULT_TEMPLATES",
    "LANGS",
    "LETTER_READINGS",
    "AnnouncementTextError",
    "Lang",
    "Templates",
    "call_text",
    "check_readings",
    "check_template",
    "guide_text",
    "normalise_number",
    "normalise_window",
    "spoken_number",
]

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = get_args(Lang)

# 零一二三四五六七八九 — 一, never 幺: halls read 1 as 一.
_ZH_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))

_NUMBER = re.compile(r"[A-Z]{0,3}[0-9]{1,6}")
_WINDOW = re.compile(r"[0-9A-Za-z]{1,8}")
PLACEHOLDERS = frozenset({"number", "window"})

#: How the Chinese call reads each letter (what espeak-ng's cmn-latn-pinyin voice is given); a letter
#: not listed is given as itself. Chosen on espeak-ng's phonemes: see the module docstring.
LETTER_READINGS: dict[str, str] = {
    "E": "鹅",
    "F": "艾弗",
    "G": "吉",
    "H": "艾尺",
    "J": "杰",
    "L": "艾勒",
    "M": "艾姆",
    "R": "ar",
    "W": "达布优",
    "Z": "贼",
}
_READING = re.compile(r"[a-z1-5\u4e00-\u9fff]{1,12}( [a-z1-5\u4e00-\u9fff]{1,12}){0,3}")
MAX_GUIDE_CHARS = 500


class AnnouncementTextError(ValueError):
    """A ticket number, window, template or guidance text that cannot be spoken.

    ``str()`` is Chinese then English; ``.zh`` / ``.en`` hold each. Raised before anything
    is queued.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"


def _check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise AnnouncementTextError(
            f"不支持的播报语言 {lang!r}；可用：{', '.join(LANGS)}",
            f"unsupported announcement language {lang!r}; allowed: {', '.join(LANGS)}",
        )
    return lang  # type: ignore[return-value]


def normalise_number(number: str) -> str:
    """The ticket number in canonical form: up to 3 letters then 1–6 digits, upper case.

    >>> normalise_number(" a012 ")
    'A012'
    """
    code = str(number).strip().upper()
    if not _NUMBER.fullmatch(code):
        raise AnnouncementTextError(
            f"票号 {number!r} 无效：应为 0–3 个字母加 1–6 位数字，如 A012",
            f"ticket number {number!r} is invalid: expected 0-3 letters then 1-6 digits, e.g. A012",
        )
    return code


def normalise_window(window: str | int) -> str:
    """The window number as spoken: 1–8 letters/digits (``3``, ``12``, ``3A``)."""
    if isinstance(window, bool) or not isinstance(window, str | int):
        raise AnnouncementTextError(f"窗口号 {window!r} 无效", f"window {window!r} is invalid")
    text = str(window).strip()
    if not _WINDOW.fullmatch(text):
        raise AnnouncementTextError(
            f"窗口号 {window!r} 无效：应为 1–8 个字母或数字，如 3 或 12",
            f"window {window!r} is invalid: expected 1-8 letters or digits, e.g. 3 or 12",
        )
    return text


def check_readings(readings: dict[str, str]) -> dict[str, str]:
    """Refuse a letter reading espeak would read as something else: keys are single letters A–Z,
    values 1–4 words of Chinese characters or lower-case pinyin (tone digits allowed), no digit words.

    >>> check_readings({"e": "鹅", "R": "ar"})
    {'E': '鹅', 'R': 'ar'}
    """
    out: dict[str, str] = {}
    for letter, reading in readings.items():
        key = str(letter).strip().upper()
        text = " ".join(str(reading).split())
        if len(key) != 1 or not "A" <= key <= "Z":
            raise AnnouncementTextError(
                f"字母读法 {letter!r}：应为单个字母 A–Z", f"letter reading {letter!r}: the key must be one letter A-Z"
            )
        if not _READING.fullmatch(text) or any(d in text for d in _ZH_DIGITS.values()):
            raise AnnouncementTextError(
                f"字母 {key} 的读法 {reading!r} 无效：应为 1–4 个汉字词或小写拼音，不含数字字",
                f"reading {reading!r} of letter {key} is invalid: expected 1-4 words of Chinese characters or "
                "lower-case pinyin, without digit words",
            )
        out[key] = text
    return out


def spoken_number(number: str, lang: str = "zh", readings: dict[str, str] | None = None) -> str:
    """The ticket number as text that espeak-ng reads digit by digit, letters by their reading
    (Chinese: :data:`LETTER_READINGS` updated with ``readings``).

    >>> spoken_number("A012", "zh"), spoken_number("AB7", "zh"), spoken_number("105", "zh")
    ('A 零一二', 'A B 七', '一零五')
    >>> spoken_number("E005", "zh"), spoken_number("R012", "zh", {"R": "阿儿"})
    ('鹅 零零五', '阿儿 零一二')
    >>> spoken_number("A012", "en"), spoken_number("AB7", "en")
    ('A, 0 1 2', 'A, B, 7')
    """
    lang = _check_lang(lang)
    code = normalise_number(number)
    letters = [c for c in code if c.isalpha()]
    digits = code[len(letters) :]
    if lang == "zh":
        table = {**LETTER_READINGS, **(readings or {})}
        return " ".join([*(table.get(c, c) for c in letters), "".join(_ZH_DIGITS[d] for d in digits)])
    return " ".join([*(f"{c}," for c in letters), *digits])


def check_template(template: str) -> str:
    """Refuse a template espeak would speak wrongly or ``str.format`` would choke on.

    Only ``{number}`` and ``{window}`` are allowed, without ``!conversion`` or ``:format``;
    ``{number}`` is required (a call that does not say the number is useless).

    >>> check_template("请 {number} 号到 {window} 号窗口办理")
    '请 {number} 号到 {window} 号窗口办理'
    >>> try:
    ...     check_template("请 {ticket} 号")
    ... except AnnouncementTextError as exc:
    ...     print(exc.en[-61:])
    has unknown placeholder {ticket}; allowed: {number}, {window}
    """
    if not isinstance(template, str) or not template.strip():
        raise AnnouncementTextError("播报模板为空", "announcement template is empty")
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise AnnouncementTextError(
            f"播报模板 {template!r} 的花括号不成对：{exc}",
            f"announcement template {template!r} has unbalanced braces: {exc}",
        ) from exc
    allowed = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
    seen: set[str] = set()
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = f"{{{name}}}" if name else "{}"
            raise AnnouncementTextError(
                f"播报模板 {template!r} 含未知占位符 {shown}；可用：{allowed}",
                f"announcement template {template!r} has unknown placeholder {shown}; allowed: {allowed}",
            )
        if spec or conversion:
            raise AnnouncementTextError(
                f"播报模板 {template!r}：占位符 {{{name}}} 不能带格式或转换",
                f"announcement template {template!r}: placeholder {{{name}}} takes no format or conversion",
            )
        seen.add(name)
    if "number" not in seen:
        raise AnnouncementTextError(
            f"播报模板 {template!r} 缺少 {{number}}",
            f"announcement template {template!r} lacks {{number}}",
        )
    return template


@dataclass(frozen=True, slots=True)
class Templates:
    """The sentences for a call and a recall; ``{number}`` and ``{window}`` are filled in."""

    call: str
    recall: str

    def __post_init__(self) -> None:
        check_template(self.call)
        check_template(self.recall)


DEFAULT_TEMPLATES: dict[str, Templates] = {
    "zh": Templates(
        call="请 {number} 号到 {window} 号窗口办理",
        recall="请 {number} 号再次到 {window} 号窗口办理",
    ),
    "en": Templates(
        call="Number {number}, please go to window {window}",
        recall="Number {number}, please come to window {window} again",
    ),
}


def call_text(
    number: str,
    window: str | int,
    *,
    template: str | None = None,
    lang: str = "zh",
    recall: bool = False,
    readings: dict[str, str] | None = None,
) -> str:
    """The sentence that calls ``number`` to ``window``; ``recall`` picks the "再次" variant.

    >>> call_text("A012", 3, recall=True)
    '请 A 零一二 号再次到 3 号窗口办理'
    >>> call_text("B7", "12", template="{number} 号请到 {window} 号窗口")
    'B 七 号请到 12 号窗口'
    """
    lang = _check_lang(lang)
    defaults = DEFAULT_TEMPLATES[lang]
    chosen = check_template(template) if template is not None else (defaults.recall if recall else defaults.call)
    return chosen.format(number=spoken_number(number, lang, readings), window=normalise_window(window))


def guide_text(text: str) -> str:
    """Kiosk voice guidance ("请在屏幕上选择业务"), spoken as given: whitespace tidied, checked.

    >>> guide_text("  请在屏幕上\\n选择业务 ")
    '请在屏幕上 选择业务'
    """
    if not isinstance(text, str):
        raise AnnouncementTextError(
            f"语音提示应为文字，实为 {type(text).__name__}",
            f"guidance must be text, got {type(text).__name__}",
        )
    tidy = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if not tidy:
        raise AnnouncementTextError("语音提示为空", "guidance text is empty")
    if len(tidy) > MAX_GUIDE_CHARS:
        raise AnnouncementTextError(
            f"语音提示过长（{len(tidy)} 字，最多 {MAX_GUIDE_CHARS} 字）",
            f"guidance text too long ({len(tidy)} characters, at most {MAX_GUIDE_CHARS})",
        )
    return tidy

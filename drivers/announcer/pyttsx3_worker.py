"""The synthesis worker process: the one place where pyttsx3 runs (started by :mod:`.synth`).

Run as a script (``python pyttsx3_worker.py``); it imports only pyttsx3 and the stdlib.
Why a process of its own, not a thread: pyttsx3 2.99's espeak driver keeps espeak-ng's state
per process (``EspeakDriver._moduleInitialized``, one global synth callback), so two announcers in
one process would share it; and a wedged ``runAndWait`` (see synth.py) can be killed and restarted
only if it lives in a process.

Protocol, JSON lines. On start the worker writes ``{"ready": true, "voices": [...]}``. Each request
``{"id": 1, "text": "…", "voice": "cmn-latn-pinyin", "rate": 150, "volume": 1.0, "path": "…",
"timeout": 10.0}``
gets ``{"id": 1, "ok": true, "voice": "sit/cmn-latn-pinyin"}`` or
``{"id": 1, "ok": false, "kind": "voice"|"synth"|"request", "error": "..."}``. EOF on stdin ends it.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
import threading
from typing import Any


def _resolve(voice: str, voices: list[Any]) -> str | None:
    """pyttsx3 voice ids are espeak identifiers ("sit/cmn-latn-pinyin"); accept the id, its last
    part ("cmn-latn-pinyin", what ``espeak-ng -v`` takes) or the language code."""
    want = voice.strip().lower()
    for match in (
        lambda v: v.id == want,
        lambda v: v.id.rsplit("/", 1)[-1] == want,
        lambda v: want in [str(lang).lower() for lang in (v.languages or [])],
    ):
        for v in voices:
            if match(v):
                return str(v.id)
    return None


def main() -> int:
    # pyttsx3 2.99 print()s "Audio saved to <file>" for every save_to_file (drivers/espeak.py,
    # _onSynth): keep the protocol on a private copy of stdout and send fd 1 to /dev/null (not
    # to stderr, which the parent keeps in a file for the lifetime of the announcer).
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)

    def send(msg: dict[str, Any]) -> None:
        proto.write(json.dumps(msg, ensure_ascii=False) + "\n")

    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        engine = pyttsx3.init("espeak")
        voices = list(engine.getProperty("voices"))
        synchronize = _espeak.dll.espeak_Synchronize  # not bound by pyttsx3
        synchronize.restype = ctypes.c_int
    except Exception as exc:  # report why, the parent falls back to the espeak-ng binary
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    errors: list[str] = []
    # setProperty() failures (e.g. an unknown voice) are not raised: pyttsx3 catches them in
    # DriverProxy._pump and only notifies "error" — and keeps speaking with the previous voice.
    engine.connect("error", lambda **kw: errors.append(repr(kw.get("exception"))))
    finished = threading.Event()  # set on espeak's callback thread, after the WAV is written
    engine.connect("finished-utterance", lambda **kw: finished.set())

    # Why the synchronize() calls. pyttsx3 2.99's driver initialises espeak-ng in
    # AUDIO_OUTPUT_RETRIEVAL mode, which is asynchronous: espeak_Synth, espeak_SetVoiceByName and
    # espeak_SetParameter only queue a command for espeak's own thread, and that thread runs the
    # driver's callback, which drives pyttsx3's unlocked busy/queue/loop state. Seen here:
    # * on the engine's first run, runAndWait returns before the WAV exists (the queued endLoop
    #   has already cleared _looping; nateshmbhat/pyttsx3#219 "Espeak returns early");
    # * setProperty() then runAndWait(): the endLoop that runAndWait queues calls the driver's
    #   stop(), which sees espeak_IsPlaying() (busy with the SetVoiceByName command) and sets
    #   _stopping; the run loop then espeak_Cancel()s the utterance it has just started, and a
    #   44-byte WAV without audio is saved (in about half of the benchmark runs, ~90 requests each).
    # So properties are set only when they change, then espeak is left to go idle
    # (espeak_Synchronize) before the utterance; after it we wait for finished-utterance and for
    # idle again. AUDIO_OUTPUT_SYNCHRONOUS is no way out: in that mode espeak sends no
    # MSG_TERMINATED event and the driver never writes the file.
    def speak_to_file(text: str, path: str, timeout: float) -> bool:
        # One save_to_file per runAndWait, always with text: with pyttsx3 2.99 two save_to_file
        # before one runAndWait keep only the last (nateshmbhat/pyttsx3#170), and a runAndWait
        # with nothing queued after the first run never returns (its endLoop runs before
        # startLoop sets _looping; cf. nateshmbhat/pyttsx3#126).
        finished.clear()
        engine.save_to_file(text, path)
        engine.runAndWait()
        done = finished.wait(timeout)
        synchronize()
        return done

    # The first run is the odd one (commands queue until runAndWait): spend it on a warm-up.
    with tempfile.TemporaryDirectory(prefix="hallq-tts-warmup-") as tmp:
        speak_to_file("一", os.path.join(tmp, "warmup.wav"), 10.0)
    send({"ready": True, "voices": [v.id for v in voices]})

    applied: tuple[str, int, float] | None = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            rid, text, path = req["id"], str(req["text"]), str(req["path"])
            voice, rate, volume = str(req["voice"]), int(req["rate"]), float(req["volume"])
            timeout = float(req.get("timeout", 10.0))
        except (ValueError, KeyError, TypeError) as exc:
            send({"id": None, "ok": False, "kind": "request", "error": f"bad request: {exc}"})
            continue
        resolved = _resolve(voice, voices)
        if resolved is None:
            send({"id": rid, "ok": False, "kind": "voice", "error": f"unknown voice {voice!r}"})
            continue
        errors.clear()
        if applied != (resolved, rate, volume):
            engine.setProperty("voice", resolved)
            engine.setProperty("rate", rate)
            engine.setProperty("volume", volume)
            synchronize()
            applied = (resolved, rate, volume)
        if not speak_to_file(text, path, timeout):
            send({"id": rid, "ok": False, "kind": "synth", "error": "no finished-utterance"})
        elif errors:
            applied = None
            send({"id": rid, "ok": False, "kind": "synth", "error": "; ".join(errors)})
        elif (taken := engine.getProperty("voice")) != resolved:
            applied = None
            send(
                {
                    "id": rid,
                    "ok": False,
                    "kind": "voice",
                    "error": f"voice {resolved!r} not taken, engine has {taken!r}",
                }
            )
        elif not os.path.exists(path) or os.path.getsize(path) <= 44:
            send({"id": rid, "ok": False, "kind": "synth", "error": "no audio written"})
        else:
            send({"id": rid, "ok": True, "voice": resolved})
    return 0


if __name__ == "__main__":
    sys.exit(main())

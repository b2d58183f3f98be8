"""``hallq diag``: check this terminal's devices, one line each; maintenance subcommands.

::

    hallq diag [--config FILE] [--json] [--send] [--timeout S]   every configured device
    hallq diag printer [--test-print] [--server URL] [--device URL]
                                                                 status; print a test ticket (hall's time)
    hallq diag speaker [--wav FILE] [--device URL]               synthesise the test call, play or save it
    hallq diag pad [--device URL] [--seconds N]                  show each key press ("4 满意")
    hallq diag led --text TEXT [--window N] [--device URL]       show text on the window LED
    hallq diag touch [--device URL] [--seconds N]                show touches
    hallq diag idcard [--read] [--seconds N] [--device URL]      SAM status; read a laid card (masked)

Exit status: 0 when nothing FAILs (WARN is 0 too), 1 on any FAIL (an UNKNOWN that must answer is
a FAIL, see :mod:`drivers.diag.checks`), 2 for a bad config file, URL or argument.
Results go to stdout; the header, prompts and summaries to stderr, so ``--json`` output is clean.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"应为正秒数 / must be a positive number of seconds: {text!r}")
    return value


def _common(p: argparse.ArgumentParser, *, sub: bool) -> None:
    # a subcommand's copy must not overwrite a value given before it ("hallq diag --config F pad")
    default: Any = argparse.SUPPRESS if sub else None
    p.add_argument("--config", metavar="FILE", default=default,
                   help="终端配置 / terminal config (env HALLQ_TERMINAL_CONFIG; default var/terminal.toml, "
                        "else the shipped config/terminal-kiosk.toml)")
    p.add_argument("--timeout", type=_seconds, metavar="S", default=default,
                   help="每个设备检查的时限（秒）/ time limit of each device check (default: per device)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("diag", help="设备诊断 / device diagnostics",
                              description="检查本终端的设备 / check this terminal's devices")
    _common(p, sub=False)
    p.add_argument("--json", action="store_true", help="JSON 输出 / print JSON (Health dicts + overall)")
    p.add_argument("--send", action="store_true",
                   help="把结果作为心跳发给服务器一次 / post the result as one heartbeat")
    p.add_argument("--server", help="服务器 / server URL (env HALLQ_SERVER; default: the config's [server] url)")
    p.add_argument("--token", help="设备令牌 / device token (env HALLQ_TOKEN; default: [server] token_file)")
    p.set_defaults(func=run_all)
    sub = p.add_subparsers(dest="diag_command", metavar="DEVICE")

    printer = sub.add_parser("printer", help="打印机状态、测试打印 / printer status, test print")
    printer.add_argument("--test-print", action="store_true", help="打印测试票 / print a test ticket")
    printer.add_argument("--server", help="取大厅时区的服务器 / server to ask for the hall's time zone "
                                          "(env HALLQ_SERVER; default: the config's [server] url)")
    printer.set_defaults(func=run_printer)

    speaker = sub.add_parser("speaker", help="合成并播放测试播报 / synthesise and play the test call")
    speaker.add_argument("--wav", metavar="FILE", help="写入 WAV 文件而不播放 / write the WAV to FILE, don't play")
    speaker.set_defaults(func=run_speaker)

    pad = sub.add_parser("pad", help="显示评价器按键 / show rating-pad key presses")
    pad.add_argument("--seconds", type=_seconds, default=30.0, help="等待秒数 / how long to listen (default 30)")
    pad.set_defaults(func=run_pad)

    led = sub.add_parser("led", help="窗口屏显示文字 / show text on the window LED")
    led.add_argument("--text", required=True, help="显示文字 / text to show")
    led.add_argument("--window", type=int, help="窗口号 / window number (default: the config's window, else 1)")
    led.set_defaults(func=run_led)

    touch = sub.add_parser("touch", help="触摸测试 / touch test")
    touch.add_argument("--seconds", type=_seconds, default=15.0, help="等待秒数 / how long to listen (default 15)")
    touch.set_defaults(func=run_touch)

    idcard = sub.add_parser("idcard", help="身份证读卡器：安全模块状态、读卡 / ID card reader: SAM status, read a card")
    idcard.add_argument("--read", action="store_true",
                        help="等待放卡并显示（遮蔽的）证件信息 / wait for a card, show its fields masked")
    idcard.add_argument("--seconds", type=_seconds, default=30.0,
                        help="等待放卡的秒数 / how long to wait for a card (default 30)")
    idcard.set_defaults(func=run_idcard)

    for s in (printer, speaker, pad, led, touch, idcard):
        _common(s, sub=True)
        s.add_argument("--device", metavar="URL", help="设备地址，代替配置 / device URL instead of the config's")


# ----------------------------------------------------------------------------------- helpers
def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _out(text: str) -> None:
    print(text, flush=True)


def _guarded(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Bad configuration or URL → its bilingual message and exit 2."""

    def run(args: argparse.Namespace) -> int:
        from config.errors import ConfigError
        from drivers.errors import DeviceConfigError

        try:
            return fn(args)
        except ConfigError as exc:
            _err(str(exc))
            return EXIT_USAGE
        except DeviceConfigError as exc:
            _err(f"错误：{exc.zh}（error: {exc.en}）")
            return EXIT_USAGE

    return functools.wraps(fn)(run)


def _config(args: argparse.Namespace, *, say_implicit: bool = False) -> Any:
    """The terminal file to check. ``say_implicit``: when nobody named one (no ``--config``, no
    ``$HALLQ_TERMINAL_CONFIG``), say on stdout which file was taken — "OK 打印机正常" of the shipped
    simulated kiosk says nothing about this machine's printer."""
    from drivers.terminal import ENV_CONFIG, default_terminal_config, load_terminal, shipped_terminal_config

    named = getattr(args, "config", None) or os.environ.get(ENV_CONFIG)
    path = named or default_terminal_config()
    cfg = load_terminal(path)
    where = f"{cfg.hall}" + (f" #{cfg.window}" if cfg.window is not None else "")
    _err(f"终端 terminal: {cfg.role} @ {where}  ({path})")
    if say_implicit and not named:
        if Path(path).resolve() == shipped_terminal_config("kiosk").resolve():
            _out(f"未指定配置：检查的是随附的模拟自助机配置 {path}（设备均为 sim:// 模拟），用 --config 指定本机配置"
                 f"（no config given: checked the shipped simulated kiosk {path}, sim:// devices; "
                 "name this terminal's file with --config）")
        else:
            _out(f"未指定配置：检查的是本机配置 {path}（no config given: checked this terminal's {path}）")
    return cfg


def _limit(args: argparse.Namespace, kind: str) -> float:
    from .checks import CHECK_LIMIT_S

    return getattr(args, "timeout", None) or CHECK_LIMIT_S[kind]


def _open_one(args: argparse.Namespace, kind: str, cfg: Any) -> tuple[Any, int | None]:
    """The device a subcommand works on, or (None, exit code) after printing why not."""
    from drivers.errors import DeviceConfigError, DeviceError
    from drivers.terminal import open_device

    from .checks import open_failure
    from .report import format_line

    url = getattr(args, "device", None)
    if not url and not cfg.url(kind):
        _err(f"错误：终端配置 {cfg.source} 没有 devices.{kind}，请用 --device URL 指定"
             f"（error: no devices.{kind} in {cfg.source}; give --device URL）")
        return None, EXIT_USAGE
    try:
        return open_device(kind, cfg, url), None
    except DeviceConfigError:
        raise
    except DeviceError as exc:
        _out(format_line(open_failure(kind, exc)))
        return None, EXIT_FAIL


def _close(kind: str, device: Any) -> None:
    from drivers.terminal import Devices

    Devices(**{kind: device}).close()  # bounded: a device stuck in a call is left behind, not waited for


def _check_line(kind: str, device: Any, args: argparse.Namespace) -> int:
    from drivers.health import Level

    from .checks import check_device
    from .report import format_line

    health = check_device(kind, device, limit_s=_limit(args, kind), fresh=True)
    _out(format_line(health))
    return EXIT_FAIL if health.level is Level.FAIL else EXIT_OK


def _line(level: str, kind: str, zh: str, en: str) -> None:
    from drivers.health import Health, Level

    from .report import format_line

    _out(format_line(Health(kind, Level(level), zh, en)))


# ------------------------------------------------------------------------------- hallq diag
@_guarded
def run_all(args: argparse.Namespace) -> int:
    """Check every configured device, one line each (or JSON); optionally post it as a heartbeat."""
    from drivers.health import Level
    from drivers.terminal import open_devices

    from .checks import check_terminal, overall
    from .report import as_document, format_line

    cfg = _config(args, say_implicit=not args.json)
    with open_devices(cfg) as devices:
        healths = check_terminal(devices, limit_s=args.timeout, fresh=True)
    verdict = overall(healths)
    if args.json:
        doc = as_document(healths, config=cfg.source, role=cfg.role, hall=cfg.hall, window=cfg.window)
        _out(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for health in healths:
            _out(format_line(health))
        if not healths:
            _err("本终端未配置设备 / no devices configured for this terminal")
        _err(f"总体 overall: {verdict.value}")
    code = EXIT_FAIL if verdict is Level.FAIL else EXIT_OK
    if args.send and not _send(args, cfg, healths):
        code = EXIT_FAIL
    return code


def _send(args: argparse.Namespace, cfg: Any, healths: list[Any]) -> bool:
    from client import ClientError, HallClient
    from client.tokens import TokenFileUnreadable, resolve_token

    from .report import heartbeat_reports

    server = args.server or os.environ.get("HALLQ_SERVER") or cfg.server.url
    try:
        token = resolve_token(args.token or os.environ.get("HALLQ_TOKEN"), cfg.server.token_file)
    except TokenFileUnreadable as exc:
        _err(f"心跳未发送 / heartbeat not sent: {exc}")
        return False
    if not token:
        _err("心跳未发送：没有设备令牌，请用 --token、HALLQ_TOKEN 或 [server] token_file"
             "（heartbeat not sent: no device token; use --token, HALLQ_TOKEN or [server] token_file）")
        return False
    try:
        with HallClient(server, token, timeout=5.0, retries=1) as client:
            client.heartbeat(heartbeat_reports(healths))
    except (ClientError, ValueError) as exc:  # ValueError: a server URL that is not http(s)://
        zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))
        _err(f"心跳未发送：{zh}（heartbeat not sent: {en}）")
        return False
    _err(f"已发送心跳 / heartbeat sent to {server}")
    return True


# -------------------------------------------------------------------------- the subcommands
@_guarded
def run_printer(args: argparse.Namespace) -> int:
    """Printer status; with --test-print a test ticket through the driver (its own status check first)."""
    from drivers.errors import DeviceError

    from .actions import print_test_ticket
    from .checks import call_with_limit

    cfg = _config(args)
    printer, code = _open_one(args, "printer", cfg)
    if printer is None:
        return code or EXIT_FAIL
    try:
        code = _check_line("printer", printer, args)
        if args.test_print:
            clock = _hall_clock(args, cfg)
            try:
                sent = call_with_limit(lambda: print_test_ticket(printer, now=clock.now()), _limit(args, "printer"))
            except DeviceError as exc:
                _line("FAIL", "printer", f"测试票未打印：{exc.zh}", f"test ticket not printed: {exc.en}")
                return EXIT_FAIL
            _line("OK", "printer", f"已发送测试票 {sent} 字节（{printer.name}）",
                  f"test ticket sent, {sent} bytes ({printer.name})")
        return code
    finally:
        _close("printer", printer)


def _hall_clock(args: argparse.Namespace, cfg: Any) -> Any:
    """The hall's clock from the server (issue 15 §6); when it cannot be asked, this machine's, said on stderr."""
    from .hallclock import hall_clock

    server = getattr(args, "server", None) or os.environ.get("HALLQ_SERVER") or cfg.server.url
    clock = hall_clock(server, timeout_s=min(5.0, _limit(args, "printer")))
    if clock.zone is not None:
        _err(f"时区 time zone: {clock.zone.key}（大厅 the hall's, {server}）")
    else:
        _err(f"未能取得大厅时区，测试票用本机时区：{clock.why_zh}（the hall's time zone is unknown, the test ticket "
             f"shows this machine's clock zone: {clock.why_en}; give --server URL）")
    return clock


@_guarded
def run_speaker(args: argparse.Namespace) -> int:
    """Synthesise the test call with this terminal's voice settings; play it through the announcer,
    or write it to --wav FILE. Prints duration and RMS; a silent result is a FAIL."""
    from drivers.announcer.options import settings_from_url
    from drivers.announcer.wavcheck import SILENCE_RMS
    from drivers.errors import DeviceConfigError, DeviceError
    from drivers.terminal import open_device
    from drivers.urls import DeviceUrl

    from .actions import play_test_call, synthesize_test_call
    from .checks import call_with_limit

    cfg = _config(args)
    # a terminal without a speaker (a kiosk) can still test this machine's voice: espeak:// default
    url = getattr(args, "device", None) or cfg.devices.announcer or "espeak://"
    settings = settings_from_url(DeviceUrl.parse(cfg.announcer_url(url) or url))
    limit = _limit(args, "announcer")
    try:
        call = call_with_limit(lambda: synthesize_test_call(settings, timeout_s=limit), limit)
    except DeviceError as exc:
        _line("FAIL", "announcer", f"语音合成失败：{exc.zh}", f"speech synthesis failed: {exc.en}")
        return EXIT_FAIL
    stats = call.stats
    _err(f"测试播报 test call: {call.text}")
    silent = stats.rms < SILENCE_RMS or stats.duration_s < 0.3
    _line("FAIL" if silent else "OK", "announcer",
          f"测试播报{'无声' if silent else '已合成'}：{stats.duration_s:.2f} 秒，RMS {stats.rms:.3f}"
          f"（{call.engine}，用时 {call.synth_s:.2f} 秒）",
          f"test call {'is silent' if silent else 'synthesized'}: {stats.duration_s:.2f} s, RMS {stats.rms:.3f} "
          f"({call.engine}, took {call.synth_s:.2f} s)")
    if silent:
        return EXIT_FAIL
    if args.wav:
        try:
            Path(args.wav).write_bytes(call.wav)
        except OSError as exc:
            _line("FAIL", "announcer", f"无法写入 {args.wav}：{exc}", f"cannot write {args.wav}: {exc}")
            return EXIT_FAIL
        _err(f"已写入 / written: {args.wav}")
        return EXIT_OK
    try:
        announcer = open_device("announcer", cfg, url)
    except DeviceConfigError:
        raise
    except DeviceError as exc:
        _line("FAIL", "announcer", f"无法打开播报设备：{exc.zh}", f"cannot open the announcer: {exc.en}")
        return EXIT_FAIL
    try:
        item = play_test_call(announcer, timeout_s=limit + 30)
    except DeviceError as exc:
        _line("FAIL", "announcer", f"测试播报未播完：{exc.zh}", f"test call not played: {exc.en}")
        return EXIT_FAIL
    finally:
        _close("announcer", announcer)
    if item.error is not None:
        _line("FAIL", "announcer", f"测试播报未播出：{item.error.zh}", f"test call not played: {item.error.en}")
        return EXIT_FAIL
    _line("OK", "announcer", f"已播出测试播报（含提示音与重复，共 {item.audio_s or 0:.1f} 秒，{url}）",
          f"test call played (chime and repeats, {item.audio_s or 0:.1f} s, {url})")
    return EXIT_OK


@_guarded
def run_pad(args: argparse.Namespace) -> int:
    """Check the pad, then print each key press as it comes ("4 满意") for --seconds or until Ctrl-C."""
    from .actions import watch_pad

    cfg = _config(args)
    pad, code = _open_one(args, "pad", cfg)
    if pad is None:
        return code or EXIT_FAIL
    try:
        if _check_line("pad", pad, args) == EXIT_FAIL:
            return EXIT_FAIL

        def ready() -> None:
            _err(f"请按评价器 1–5 键（{args.seconds:g} 秒，Ctrl-C 结束）"
                 f"/ press keys 1-5 on the pad ({args.seconds:g} s, Ctrl-C to end)")

        keys: list[int] = []

        def key(score: Any) -> None:
            keys.append(int(score))
            _out(f"{int(score)} {score.zh} ({score.en})")

        with contextlib.suppress(KeyboardInterrupt):
            watch_pad(pad, args.seconds, key, on_ready=ready)
        count = len(keys)
        _err(f"共 {count} 次按键 / {count} key press(es)" if count else "未收到按键 / no key press received")
        return EXIT_OK if count else EXIT_FAIL
    finally:
        _close("pad", pad)


@_guarded
def run_led(args: argparse.Namespace) -> int:
    """Show --text on the window LED, then check it."""
    from drivers.errors import DeviceError

    from .actions import show_led_text
    from .checks import call_with_limit

    cfg = _config(args)
    led, code = _open_one(args, "led", cfg)
    if led is None:
        return code or EXIT_FAIL
    window = args.window or cfg.window or 1
    try:
        try:
            call_with_limit(lambda: show_led_text(led, window, args.text), _limit(args, "led"))
        except DeviceError as exc:
            _line("FAIL", "led", f"未能显示：{exc.zh}", f"not shown: {exc.en}")
            return EXIT_FAIL
        _line("OK", "led", f"{window} 号窗口屏已显示“{args.text}”", f"window {window} LED shows {args.text!r}")
        return _check_line("led", led, args)
    finally:
        _close("led", led)


@_guarded
def run_touch(args: argparse.Namespace) -> int:
    """Check the panel, then print touches as they come for --seconds or until Ctrl-C."""
    from .actions import watch_touch

    cfg = _config(args)
    panel, code = _open_one(args, "touch", cfg)
    if panel is None:
        return code or EXIT_FAIL
    try:
        if _check_line("touch", panel, args) == EXIT_FAIL:
            return EXIT_FAIL
        _err(f"请触摸屏幕（{args.seconds:g} 秒，Ctrl-C 结束）/ touch the screen ({args.seconds:g} s, Ctrl-C to end)")
        events: list[int] = [0]

        def touched(n: int, pos: tuple[object, object]) -> None:
            events[0] = n
            _out(f"触摸 touch: {n} 个事件 events, 位置 position ({pos[0]}, {pos[1]})")

        with contextlib.suppress(KeyboardInterrupt):
            watch_touch(panel, args.seconds, touched)
        seen = events[0]
        _err(f"共 {seen} 个触摸事件 / {seen} touch event(s)" if seen else "未收到触摸 / no touch received")
        return EXIT_OK if seen else EXIT_FAIL
    finally:
        _close("touch", panel)


@_guarded
def run_idcard(args: argparse.Namespace) -> int:
    """SAM status as a diagnostic line; with --read, wait for a card and print what the kiosk would
    use — masked name and number, card type, age band — never the number or the name whole."""
    from .actions import wait_for_card

    cfg = _config(args)
    reader, code = _open_one(args, "idcard", cfg)
    if reader is None:
        return code or EXIT_FAIL
    try:
        code = _check_line("idcard", reader, args)
        if not args.read or code == EXIT_FAIL:
            return code
        _err(f"请在读卡区放置证件（{args.seconds:g} 秒，Ctrl-C 结束）/ lay a card on the reader "
             f"({args.seconds:g} s, Ctrl-C to end)")
        with contextlib.suppress(KeyboardInterrupt):
            poll = wait_for_card(reader, args.seconds)
            if poll is None:
                _err("未放卡 / no card laid")
                return EXIT_FAIL
            if poll.card is None:
                _out(f"{poll.state.value}: {poll.zh} ({poll.en})")
                return EXIT_FAIL
            for line in describe_card(poll.card):
                _out(line)
            return EXIT_OK
        return EXIT_FAIL
    finally:
        _close("idcard", reader)


def describe_card(card: Any) -> list[str]:
    """The masked lines ``hallq diag idcard --read`` prints (and the tests check)."""
    import datetime as dt

    from drivers.idcard.card import KIND_LABELS

    zh, en = KIND_LABELS[card.kind]
    today = dt.date.today()
    return [f"证件类型 type:   {zh} ({en})",
            f"姓名 name:       {card.masked_name}",
            f"号码 number:     {card.masked_number}",
            f"年龄段 age band: {card.age_band(today)}",
            f"有效期至 valid to: {card.valid_to}"]

"""The rating pad's behaviour, shared by every backend: when a press counts, and what it counts as.

A backend only reports key-downs (``_key(score, timestamp_s)``) and switches its prompt and
lights (``_set_prompt(on)``). The rules live here, once:

* a press counts only while a rating is open, and only the first valid one: exactly one
  rating per visit (DOMAIN rule 8, 003 (七)1: every rating is tied to its visit);
* bounces and held keys count once (:class:`Debouncer`, by event timestamps);
* no press before the deadline → ``None`` (未评价), never a default grade (004 第三十三条:
  "引导时不得违背申请人意愿").
"""

from __future__ import annotations

import abc
import logging
import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import DeviceError, DeviceUnavailable
from ..health import Health
from ._debounce import DEFAULT_DEBOUNCE_S, Debouncer
from ._rating import RatingResult, RatingStateError, Score

__all__ = ["RatingCallback", "RatingPad"]

log = logging.getLogger("drivers.pad")

RatingCallback = Callable[[str, Score | None], None]
_REMEMBERED_VISITS = 4096  # visits already rated, to refuse a second rating of the same visit


@dataclass(slots=True)
class _OpenRating:
    visit_id: str
    deadline: float
    timer: threading.Timer
    result: RatingResult | None = field(default=None)


class RatingPad(abc.ABC):
    """好差评 rating pad. Backends: ``sim://``, ``evdev://``, ``serial://`` (see :func:`open_pad`).

    Either block on :meth:`wait_rating` or set :attr:`on_rating`, which is called with
    ``(visit_id, score_or_None)`` once per opened rating, on the thread that ended it (the
    device's reader, the deadline timer, or the caller of :meth:`close_rating`).
    """

    def __init__(self, name: str, *, debounce_s: float = DEFAULT_DEBOUNCE_S) -> None:
        self.name = name
        self.on_rating: RatingCallback | None = None
        self._cv = threading.Condition()
        self._debouncer = Debouncer(debounce_s)
        self._current: _OpenRating | None = None
        self._last: _OpenRating | None = None
        self._rated: OrderedDict[str, Score] = OrderedDict()
        self._counts: Counter[str] = Counter()
        self._prompt_error: str | None = None
        self._closed = False
        self._notifying = 0  # endings whose prompt-off / callback is still running
        self._local = threading.local()

    # -- the interface -------------------------------------------------------------------------
    def open_rating(self, visit_id: str, timeout_s: float) -> None:
        """Invite the visitor of ``visit_id`` to rate, for ``timeout_s`` seconds.

        An earlier rating still open ends as 未评价. A visit already rated cannot be rated again
        (:class:`RatingStateError`). A pad whose prompt cannot be lit still counts presses; the
        fault is logged and shown by :meth:`health`, it is not raised here.
        """
        if not isinstance(visit_id, str) or not visit_id.strip():
            raise RatingStateError("办件编号不能为空", "visit_id must be a non-empty string")
        if not (isinstance(timeout_s, int | float) and math.isfinite(timeout_s) and timeout_s > 0):
            raise RatingStateError(
                f"评价时限应为正数秒，实为 {timeout_s!r}",
                f"timeout_s must be a positive number of seconds, got {timeout_s!r}",
            )
        with self._cv:
            if self._closed:
                raise DeviceUnavailable(f"{self.name} 已关闭", f"{self.name} is closed")
            if visit_id in self._rated:
                raise RatingStateError(
                    f"办件 {visit_id} 已评价（{self._rated[visit_id].zh}），每次办件只能评价一次",
                    f"visit {visit_id} was already rated ({self._rated[visit_id].en}); one rating per visit",
                )
            previous = self._resolve(self._current, None) if self._current else None
            timer = threading.Timer(timeout_s, self._expire)
            timer.daemon = True
            self._current = self._last = _OpenRating(visit_id, time.monotonic() + timeout_s, timer)
            timer.args = (self._current,)
            timer.start()
        if previous is not None:
            log.info(
                "%s：办件 %s 未评价即开始下一位 / next visit opened, %s not rated",
                self.name,
                previous.visit_id,
                previous.visit_id,
            )
            self._notify(previous)
        self._prompt(True)

    def wait_rating(self, timeout_s: float | None = None) -> RatingResult:
        """Block until the open rating ends and return it (score, or ``None`` = 未评价).

        ``timeout_s`` bounds the wait (default: the rating's own time left). When the caller's
        wait runs out first, the caller has moved on: the rating ends as 未评价 and a later
        press counts for nothing. With no rating open, returns the last one's result.
        """
        with self._cv:
            target = self._current or self._last
            if target is None:
                raise RatingStateError("没有进行中的评价", "no rating has been opened")
            if timeout_s is None:
                timeout_s = max(0.0, target.deadline - time.monotonic()) + 1.0
            if self._cv.wait_for(lambda: target.result is not None, timeout_s):
                assert target.result is not None
                return target.result
            result = self._resolve(target, None)
        self._notify(result)
        return result

    def close_rating(self) -> RatingResult | None:
        """End the open rating now (未评价 if nobody pressed) and put the prompt out."""
        with self._cv:
            if self._current is None:
                return None
            result = self._resolve(self._current, None)
        self._notify(result)
        return result

    @abc.abstractmethod
    def health(self) -> Health:
        """The pad's diagnostic verdict (device ``"pad"``)."""

    def close(self) -> None:
        """End any open rating (未评价) and release the device. Idempotent."""
        self.close_rating()
        with self._cv:
            if self._closed:
                return
            self._closed = True
            timer = self._last.timer if self._last else None
            # let a press's prompt-off and callback finish before the device goes (unless we
            # are that callback); bounded: the prompt's own I/O has timeouts
            if not getattr(self._local, "notifying", False):
                self._cv.wait_for(lambda: self._notifying == 0, timeout=10.0)
        if timer is not None and timer is not threading.current_thread():
            timer.join(timeout=2.0)
        self._shutdown()

    def __enter__(self) -> RatingPad:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- for backends ----------------------------------------------------------------------------
    def _key(self, key: int, timestamp_s: float) -> None:
        """A key went down at device time ``timestamp_s``; ``key`` is the digit pressed."""
        with self._cv:
            if not self._debouncer.accept(key, timestamp_s):
                self._counts["bounce"] += 1
                log.debug("%s：按键 %d 抖动/重复，忽略 / bounce ignored", self.name, key)
                return
            if not Score.VERY_DISSATISFIED <= key <= Score.VERY_SATISFIED:
                self._counts["invalid"] += 1
                log.info("%s：无效按键 %d，忽略 / key %d is not a score, ignored", self.name, key, key)
                return
            if self._current is None:
                self._counts["while_closed"] += 1
                log.info(
                    "%s：未开启评价时按键 %d，不计 / press %d while no rating open, ignored",
                    self.name,
                    key,
                    key,
                )
                return
            self._counts["counted"] += 1
            result = self._resolve(self._current, Score(key))
        log.info(
            "%s：办件 %s 评价 %s / rated %s",
            self.name,
            result.visit_id,
            result.label_zh,
            result.label_en,
        )
        self._notify(result)

    def _set_prompt(self, on: bool) -> None:  # noqa: B027 - pads without lights keep the default
        """Light the pad and show the invitation (``on``), or put both out (DeviceError)."""

    def _shutdown(self) -> None:  # noqa: B027 - pads with nothing to release keep the default
        """Release the device (threads, ports)."""

    def _rating_facts(self) -> dict[str, object]:
        with self._cv:
            last = self._last.result if self._last else None
            return {
                "rating_open": self._current.visit_id if self._current else None,
                "last_result": None
                if last is None
                else {
                    "visit_id": last.visit_id,
                    "score": None if last.score is None else int(last.score),
                },
                "presses": dict(self._counts),
                "prompt_error": self._prompt_error,
            }

    # -- internals -------------------------------------------------------------------------------
    def _resolve(self, rating: _OpenRating, score: Score | None) -> RatingResult:
        """End ``rating`` (caller holds the lock)."""
        rating.timer.cancel()
        rating.result = RatingResult(rating.visit_id, score)
        if self._current is rating:
            self._current = None
        if score is not None:
            self._rated[rating.visit_id] = score
            while len(self._rated) > _REMEMBERED_VISITS:
                self._rated.popitem(last=False)
        self._cv.notify_all()
        return rating.result

    def _expire(self, rating: _OpenRating) -> None:
        with self._cv:
            if rating.result is not None:
                return
            result = self._resolve(rating, None)
        log.info("%s：办件 %s 超时未评价 / rating timed out, not rated", self.name, result.visit_id)
        self._notify(result)

    def _notify(self, result: RatingResult) -> None:
        """After a rating ended (outside the lock): prompt off unless a new one opened, callback."""
        with self._cv:
            still_open = self._current is not None
            self._notifying += 1
        self._local.notifying = True
        try:
            if not still_open:
                self._prompt(False)
            callback = self.on_rating
            if callback is not None:
                try:
                    callback(result.visit_id, result.score)
                except Exception:
                    log.exception("%s：on_rating 回调出错 / on_rating callback failed", self.name)
        finally:
            self._local.notifying = False
            with self._cv:
                self._notifying -= 1
                self._cv.notify_all()

    def _prompt(self, on: bool) -> None:
        try:
            self._set_prompt(on)
        except DeviceError as exc:
            log.warning(
                "%s：无法%s评价提示 / cannot switch prompt %s: %s",
                self.name,
                "点亮" if on else "熄灭",
                "on" if on else "off",
                exc,
            )
            with self._cv:
                self._prompt_error = str(exc)
        else:
            with self._cv:
                self._prompt_error = None

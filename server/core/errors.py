"""Refusals: the core says no, in Chinese and English, and changes nothing.

``Refused.code`` is stable for programs (HTTP API, counter app); ``zh``/``en`` are for people.

==================== ==========================================================
code                 when
==================== ==========================================================
unknown_service      no such service in this hall
unknown_window       no such window in this hall
unknown_ticket       no such ticket
closed               the service is not issuing now (the message gives today's hours)
daily_cap            the service's numbers for today are used up
window_closed        nobody is signed in at the window
window_paused        the window is paused (去向留言)
window_busy          the window has a current ticket
window_taken         another clerk is signed in (use takeover, A/B 岗)
window_not_paused    resume at a window that is not paused
same_clerk           takeover by the clerk already signed in
pause_reason_missing a pause needs a reason (004 第十三条)
no_current           the window has no current ticket
recall_limit         recalled max_recalls times already: mark no-show
illegal_transition   the ticket's state does not allow this action
requeue_expired      the no-show came back too late for 过号重排
same_service         transfer to the service the ticket already has
appointment_early    check-in before the appointment window opens
tide_not_eligible    the window is not tide-eligible
tide_redundant       the service already is in the window's first tier
tide_already_open    the window already is a tide window for that service
tide_not_open        the window is not a tide window
unknown_lane         a lane that is not normal, priority or appointment
unknown_outcome      an outcome that is not one of Outcome
==================== ==========================================================
"""

from __future__ import annotations


class Refused(Exception):
    """An action the core will not do; ``str()`` is ``"zh (en)"``."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(zh)
        self.code = code
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}

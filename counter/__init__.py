"""The counter terminal (窗口叫号终端) for clerks: PySide6, with the rating pad, the window LED and the
receipt printer of the counter (issue 6; DOMAIN rules 4–8).

Pure parts (no Qt, no I/O):

* texts      every piece of UI and LED text as a ``T(zh, en)`` pair
* view       what the clerk may do now (:func:`~counter.view.allowed`) and sees (the current visitor,
             tide window, pause, A/B notices)
* led        the window LED's screen from the window's state (004 第十三、十四条)
* notice     the one-time notice (一次性告知单) of missing materials (003 §14, 004 第二十五条)
* outbox     server actions in order, each exactly once, held while the server is out of reach
* timings    timers and clock, injectable

I/O and Qt parts:

* controller the only place that does I/O: the server (through ``client``), pad, LED, printer
* screens/   login, main screen with its panels (finish, 补正告知, transfer, pause)
* window     routes intents to the controller, results to the screens; the F-keys
* app / cli  ``hallq counter --server URL --token TOKEN --window N [--config FILE] [--screenshot FILE.png]``

See docs/counter.md.
"""

from .app import Counter
from .controller import CounterController, RatingPhase
from .timings import Timings
from .view import Act

__all__ = ["Act", "Counter", "CounterController", "RatingPhase", "Timings"]

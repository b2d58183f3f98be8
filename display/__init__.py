"""The lobby call display (大厅叫号屏): PySide6, full screen, with voice announcements (issue 7).

Pure parts (no Qt, no I/O):

* state    what the board knows, read from the snapshot and events: windows, calls, waiting counts —
           public fields only (000 第二十八条)
* catchup  which calls are spoken after a reconnect (missed ones only while still current)
* filter   ``--zone A`` / ``--windows 1-8``: which windows one screen shows and speaks
* texts    every piece of UI text as a ``T(zh, en)`` pair
* timings  how long the board waits (offline indicator, flashing, refresh), injectable for tests

Qt parts:

* models   calls, windows, waiting counts as QAbstractTableModel / QAbstractListModel
* voice    calls to the announcer (``drivers.announcer``: in order, never overlapping), progress back
* board    the only I/O: the hall's events through ``client.qt.QtHallLink``, the speaker
* style / widgets / window   the painted, resolution-independent board
* app / cli  ``hallq display --server URL --token TOKEN [--zone A] [--screenshot FILE.png]``

See docs/display.md.
"""

from .filter import FilterError, WindowFilter
from .timings import Timings

__all__ = ["FilterError", "Timings", "WindowFilter"]

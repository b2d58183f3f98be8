"""The touchscreen ticket kiosk (取号机): PySide6, full screen, Chinese first with English on a toggle.

Pure parts (no Qt, no I/O):

* catalog     the hall's categories and services as the kiosk shows them, with search keys
* ticketview  an issued ticket → what the screen shows and what the printer prints
* gesture     the hidden maintenance gesture (taps in a corner within a time window)
* texts       every piece of UI text as a ``T(zh, en)`` pair
* timings     how long screens stay up (injectable, so tests drive timers without sleeping)

Qt parts:

* models      category/service lists as Qt models, with the keyword filter (QSortFilterProxyModel)
* style       stylesheet and fonts from ``client.theme`` (NORMAL / ELDER scale)
* icons       category icons drawn with QPainter
* widgets     big buttons, banner, keypads, QR view — they only announce intent (signals)
* screens/    home, services, ticket, notice, booking, maintenance
* window      the stacked full-screen window: routes intents to the controller, results to screens
* controller  the only place that does I/O: the server (through ``client``), printer, voice
* app / cli   ``hallq kiosk --server URL --token TOKEN [--config FILE] [--screenshot FILE.png]``

See docs/kiosk.md.
"""

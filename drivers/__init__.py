"""Device drivers for the hall's terminals.

One interface per device, each with real backends and a ``sim`` backend, picked by a URL:

* printer    ESC/POS ticket printer   (usb://, serial://, tcp://, file://, sim://)
* announcer  call announcements       (espeak://, sim://)
* pad        好差评 rating pad         (evdev://, serial://, sim://)
* led        window LED over RS-485   (serial://, sim://)
* touch      touch-panel health       (evdev://, sim://)

Shared vocabulary lives in :mod:`drivers.errors` (exceptions), :mod:`drivers.health`
(what diagnostics report) and :mod:`drivers.urls` (parsing device URLs).
"""

"""``hallq run``: the hall server and a simulated hall that drives its real API (``make run``).

* :func:`run_live` / :class:`LiveOptions`  the whole demo (``run``)
* :class:`DemoClock`                       the server's and the simulated people's clock (``clock``)
* :class:`LiveHall`                        visitors and clerks acting through the API (``people``)
* :class:`SimDevices`                      the drivers' ``sim://`` printers, LEDs and rating pads (``devices``)
* :class:`EmbeddedServer`                  the real app under uvicorn on a thread (``embedded``)
* :class:`Agenda`                          actions at demo times, run by worker threads (``agenda``)
* ``site``: ``var/`` and the demo accounts; ``summary``: the live summary; ``apps``: the GUI apps;
  ``stopping``: Ctrl-C and SIGTERM at any moment
"""

import importlib
from typing import Any

# Loaded on first use, not on import: `hallq run` imports server.live.command first and must install its
# Ctrl-C handler (server.live.stopping) before the ~5 s of imports below start.
_WHERE = {"Agenda": "agenda", "DemoClock": "clock", "SimDevices": "devices", "EmbeddedServer": "embedded",
          "LiveHall": "people", "LiveOptions": "run", "run_live": "run"}

__all__ = ["Agenda", "DemoClock", "EmbeddedServer", "LiveHall", "LiveOptions", "SimDevices", "run_live"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

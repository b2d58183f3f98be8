"""``hallq run``: the hall server and a simulated hall that drives its real API (``make run``).

* :func:`run_live` / :class:`LiveOptions`  the whole demo (``run``)
* :class:`DemoClock`                       the server's and the simulated people's clock (``clock``)
* :class:`LiveHall`                        visitors and clerks acting through the API (``people``)
* :class:`SimDevices`                      the drivers' ``sim://`` printers, LEDs and rating pads (``devices``)
* :class:`EmbeddedServer`                  the real app under uvicorn on a thread (``embedded``)
* :class:`Agenda`                          actions at demo times, run by worker threads (``agenda``)
* ``site``: ``var/`` and the demo accounts; ``summary``: the live summary; ``apps``: the GUI apps
"""

from .agenda import Agenda
from .clock import DemoClock
from .devices import SimDevices
from .embedded import EmbeddedServer
from .people import LiveHall
from .run import LiveOptions, run_live

__all__ = ["Agenda", "DemoClock", "EmbeddedServer", "LiveHall", "LiveOptions", "SimDevices", "run_live"]

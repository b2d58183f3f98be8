"""The hall-day simulator: the real dispatcher core (``server.core.Hall``) on a SimPy virtual clock.

* scenario   the scenario file format (TOML, pydantic) and its loader, ``extends`` included
* plan       scenario + hall configuration → a run's setup (rates, shifts, breaks, samplers)
* quick      the quick M/M/c form and its Erlang C reference
* engine     the SimPy processes (arrivals, clerks, returning no-shows, tide controller)
* record     what a run writes down; report: the figures; text: the table; plot: the PNG
* run        end to end: ``run_scenario(path)``, ``run_quick(...)``; cli: ``hallq simulate``

docs/simulation.md describes the format and the figures measured with it.
"""

from .engine import HallDay, SimClock, SimSetup, simulate
from .record import SimLog
from .run import SimResult, run_quick, run_scenario
from .scenario import Scenario, load_scenario

__all__ = ["HallDay", "Scenario", "SimClock", "SimLog", "SimResult", "SimSetup", "load_scenario", "run_quick",
           "run_scenario", "simulate"]

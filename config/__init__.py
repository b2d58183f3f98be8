"""Hall configuration: the TOML format and its validated loader.

Contract §1; every key is described in docs/configuration.md.

>>> dep = load(default_config_path())
>>> dep.hall("county").service("MA01").prefix
'A'
"""

from .errors import BilingualValueError, ConfigError, Problem
from .intervals import Interval, format_intervals, merge_intervals
from .loader import default_config_path, key_path, load, loads, validate
from .models import (
    CalendarConfig,
    Category,
    Deployment,
    DeploymentInfo,
    FollowupRules,
    HallConfig,
    Hours,
    LaneRules,
    ProfileTier,
    RecallRules,
    ServiceConfig,
    TideRules,
    WindowConfig,
    WindowKind,
)

__all__ = [
    "BilingualValueError",
    "CalendarConfig",
    "Category",
    "ConfigError",
    "Deployment",
    "DeploymentInfo",
    "FollowupRules",
    "HallConfig",
    "Hours",
    "Interval",
    "LaneRules",
    "Problem",
    "ProfileTier",
    "RecallRules",
    "ServiceConfig",
    "TideRules",
    "WindowConfig",
    "WindowKind",
    "default_config_path",
    "format_intervals",
    "key_path",
    "load",
    "loads",
    "merge_intervals",
    "validate",
]

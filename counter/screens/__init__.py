"""Screens of the counter terminal: login, main (with its panels)."""

from .login import LoginScreen
from .main import MainScreen
from .panels import FinishPanel, PausePanel, SupplementPanel, TransferPanel

__all__ = ["FinishPanel", "LoginScreen", "MainScreen", "PausePanel", "SupplementPanel", "TransferPanel"]

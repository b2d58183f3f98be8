"""The kiosk's screens. Each one shows what the window gives it and announces intent by signals.

Every screen implements :class:`Screen`: ``retranslate(lang)`` (Chinese / English), ``apply_mode(elder,
portrait)`` (type scale, columns, orientation) and ``voice(lang)`` (what elder mode speaks on entry).
"""

from .base import Screen
from .booking import BookingScreen
from .home import HomeScreen
from .maintenance import MaintenanceScreen
from .notice import NoticeScreen
from .requeue import RequeueScreen
from .services import ServicesScreen
from .ticket import TicketScreen

__all__ = ["BookingScreen", "HomeScreen", "MaintenanceScreen", "NoticeScreen", "RequeueScreen", "Screen",
           "ServicesScreen", "TicketScreen"]

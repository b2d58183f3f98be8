"""Authentication and authorisation: clerk PIN login with lockout, device tokens, the role matrix."""

from .matrix import ROLE_MATRIX, Action, Rule, authorize
from .pins import weak_reason
from .principal import DEVICE_KINDS, PUBLIC_KINDS, STAFF_ROLES, Principal
from .store import (
    Login,
    LoginPolicy,
    NewDevice,
    add_clerk,
    add_device,
    login,
    public_clerks,
    resolve,
    rotate_device_token,
    still_valid,
    unlock,
)

__all__ = [
    "DEVICE_KINDS",
    "PUBLIC_KINDS",
    "ROLE_MATRIX",
    "STAFF_ROLES",
    "Action",
    "Login",
    "LoginPolicy",
    "NewDevice",
    "Principal",
    "Rule",
    "add_clerk",
    "add_device",
    "authorize",
    "login",
    "public_clerks",
    "resolve",
    "rotate_device_token",
    "still_valid",
    "unlock",
    "weak_reason",
]

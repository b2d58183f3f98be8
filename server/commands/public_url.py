"""Is ``public_base_url`` an address a citizen's phone can reach? Checked when ``hallq server`` starts.

Every printed ticket carries a QR code of ``{public_base_url}/t/{token}`` and the phone pages (remote
tickets, bookings, 到号提醒) are always served, so a loopback or placeholder address means every QR in the
hall points at the kiosk that printed it. The server refuses to start with one unless told
``--allow-unreachable-public-url`` (a test bench, a demo), and then it warns.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

# RFC 2606 / 6761 names that never resolve on the internet, and the shipped placeholder's domain
_PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".localhost", ".local")
_PLACEHOLDER_HOSTS = frozenset({"localhost", "example.com", "example.net", "example.org"})


@dataclass(frozen=True, slots=True)
class Finding:
    fatal: bool  # refuse to start (unless allowed)
    zh: str
    en: str


def check_public_url(url: str) -> list[Finding]:
    """What is wrong with ``url`` as the base of the tickets' QR codes; empty if nothing."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    findings: list[Finding] = []
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and (ip.is_loopback or ip.is_unspecified or ip.is_link_local):
        findings.append(
            Finding(
                True,
                f"public_base_url {url} 是本机地址，票上二维码在市民手机上打不开",
                f"public_base_url {url} is a loopback/unspecified address: the QR on every "
                "ticket would point at the kiosk that printed it",
            )
        )
    elif ip is None and (host in _PLACEHOLDER_HOSTS or host.endswith(_PLACEHOLDER_SUFFIXES) or not host):
        findings.append(
            Finding(
                True,
                f"public_base_url {url} 是占位地址，请改为市民手机能访问的地址",
                f"public_base_url {url} is a placeholder: set the address citizens' phones reach (docs/deploy.md, TLS)",
            )
        )
    elif ip is not None and ip.is_private:
        findings.append(
            Finding(
                False,
                f"public_base_url {url} 是内网地址，只有连接大厅无线网络的手机能打开",
                f"public_base_url {url} is a private address: only phones on the hall's Wi-Fi can open the QR codes",
            )
        )
    if parts.scheme != "https" and not any(f.fatal for f in findings):
        findings.append(
            Finding(
                False,
                f"public_base_url {url} 未使用 HTTPS（手机页面含手机号）",
                f"public_base_url {url} is not HTTPS (the phone pages carry phone numbers); see deploy/nginx",
            )
        )
    return findings

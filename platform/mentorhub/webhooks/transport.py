"""Sending one signed POST to a webhook endpoint, safely.

SSRF: with WEBHOOKS_SSRF_PROTECTION on (the default, and always in production) an address whose
host resolves to a loopback, private, link-local, multicast, reserved or otherwise non-public IP
is refused, at registration and again at each delivery. The delivery resolves the host once,
checks every address, and connects to the checked IP (TLS still verifies the host name), so a
DNS answer that changes between the check and the connection cannot point us inside. Redirects
are never followed.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ValidationError
from ..validation import setting

SIGNATURE_HEADER = "X-Mentorhub-Signature"  # "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
TIMESTAMP_HEADER = "X-Mentorhub-Timestamp"  # Unix seconds when this attempt was signed
EVENT_HEADER = "X-Mentorhub-Event"
DELIVERY_HEADER = "X-Mentorhub-Delivery"
REFUSED = "That address points inside a private network, which webhooks may not reach."


class Refused(Exception):
    """The endpoint's address is not a public one (SSRF protection)."""


@dataclass(frozen=True)
class Answer:
    status: int


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def is_public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_loopback
                                      or address.is_link_local or address.is_private or address.is_unspecified)


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Only http and https addresses can receive webhooks.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def resolve_checked(host: str, port: int) -> str:
    """An IP for ``host`` after checking EVERY address it resolves to (Refused otherwise)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("The address's host name does not resolve.") from None
    ips = [info[4][0] for info in infos]
    if not ips:
        raise Refused("The address's host name does not resolve.")
    if setting("WEBHOOKS_SSRF_PROTECTION") and not all(is_public(ip) for ip in ips):
        raise Refused(REFUSED)
    return ips[0]


def check_address(url: str) -> None:
    """At registration: ValidationError when the address is refused."""
    try:
        _, host, port, _ = _target(url)
        resolve_checked(host, port)
    except Refused as exc:
        raise ValidationError(str(exc), field="url") from None


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, secret: str, body: bytes, event: str, delivery_id: int) -> Answer:
    """POST ``body`` signed with ``secret``; Refused for a private address, OSError on network errors."""
    scheme, host, port, path = _target(url)
    ip = resolve_checked(host, port)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json", "User-Agent": "mentorhub-webhooks/1",
        TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body),
        EVENT_HEADER: event, DELIVERY_HEADER: str(delivery_id),
    }
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = cls(host, ip, port, setting("WEBHOOK_TIMEOUT"))
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)  # a receiver's answer is not kept; read a little so the socket closes cleanly
        return Answer(response.status)
    finally:
        conn.close()

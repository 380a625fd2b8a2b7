"""The client's address, as the audit log, the lockout and the rate limits read it.

Behind a reverse proxy every request comes from the proxy (gunicorn does not rewrite
REMOTE_ADDR), so the proxy's X-Forwarded-For is read, but only when the request really
comes from a proxy named in TRUSTED_PROXIES: anyone else could write that header. Of the
forwarded chain, the address the outermost trusted proxy saw is taken (TRUSTED_PROXY_COUNT
proxies in a row), never what the client claims to its left."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def _trusted(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if not _trusted(remote):
        return remote
    # The proxy next to us appended what it saw; with N proxies in a row, N − 1 of them
    # appear in the header after the client.
    ip, _routable = get_client_ip(
        request,
        proxy_count=settings.TRUSTED_PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return ip or remote


def axes_client_ip(request: HttpRequest) -> str:
    """django-axes' reading of the address (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request) or ""

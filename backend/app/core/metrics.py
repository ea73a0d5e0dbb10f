"""Who may read /metrics: addresses in METRICS_ALLOW_IPS, or a caller with METRICS_TOKEN."""

import hmac
import ipaddress
from functools import lru_cache

from fastapi import Request
from starlette.exceptions import HTTPException

from app.core.config import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache
def _allowed_networks(spec: str) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in spec.split(",") if item.strip()
    )


def _address_allowed(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks(settings.metrics_allow_ips))


def _token_matches(request: Request) -> bool:
    if settings.metrics_token is None:
        return False
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.encode(), expected.encode()
    )


async def metrics_access(request: Request) -> None:
    """Anyone else gets the same 404 as for a path that does not exist."""
    host = request.client.host if request.client else ""
    if not (_address_allowed(host) or _token_matches(request)):
        raise HTTPException(404)

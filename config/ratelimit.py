"""Per-address rate limiting of public POSTs, counted in the Django cache.

A fixed window per (scope, client address): cheap, works with the in-memory cache and with
Redis. When Redis is unreachable the fail-soft cache counts nothing and requests pass: a
rate limit must not take the site down with it. Rates are settings (RATE_LIMITS), e.g.
"120/m" or "5/10m".
"""

from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d*)([smh])", rate)
    if not match:
        raise ValueError(f"rate {rate!r} is not like '120/m' or '5/10m'")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with AXES_PROXY_COUNT trusted proxies the address the outermost of
    them saw in X-Forwarded-For (the same rule as the login lockout)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allowed(request: HttpRequest, scope: str) -> bool:
    limit, window = parse_rate(settings.RATE_LIMITS[scope])
    bucket = int(time.time() // window)
    key = f"ratelimit:{settings.RATE_LIMIT_NAMESPACE}:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    return count is None or count <= limit


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    _, window = parse_rate(settings.RATE_LIMITS[scope])
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"errors": {"request": "too many requests from this address; try again in a minute"}}, status=429
        )
    else:
        response = render(
            request,
            "errors/429.html",
            {"minutes": max(1, window // 60), "message": gettext("Too many requests")},
            status=429,
        )
    response["Retry-After"] = str(window)
    return response


def ratelimit(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    """Refuses with 429 a client address over the scope's rate (only for `methods`)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method in methods and not allowed(request, scope):
                return too_many_requests(request, scope)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate

"""Fixed-window rate limits in the shared cache, so every web process counts together."""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'5/h', '20/m', '3/10m', '100/d'."""
        count, _, period = text.partition("/")
        unit = period[-1]
        amount = int(period[:-1] or 1)
        return cls(int(count), amount * _UNITS[unit])


def client_ip(request) -> str:
    """The client's address; behind a proxy, the one the proxy saw (last X-Forwarded-For hop)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, rate: str) -> int:
    """Count one attempt. Returns 0 when allowed, else the seconds until the window resets."""
    limit = Rate.parse(rate)
    now = time.time()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return 0
    return max(1, int((window + 1) * limit.seconds - now))

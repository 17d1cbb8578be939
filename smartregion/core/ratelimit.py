"""Fixed-window rate limits in the database, so every web process counts together."""

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

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
    from .models import RateCounter

    limit = Rate.parse(rate)
    now = time.time()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    counter_key = f"{scope}:{digest}:{window}"[:120]
    counters = RateCounter.objects.filter(key=counter_key)
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            _start_window(counter_key, (window + 1) * limit.seconds, now)
        count = counters.values_list("count", flat=True).first() or 1
    if count <= limit.count:
        return 0
    return max(1, int((window + 1) * limit.seconds - now))


def _start_window(counter_key: str, ends: float, now: float) -> None:
    from .models import RateCounter

    # A new window is the moment to drop the finished ones (an indexed range delete).
    RateCounter.objects.filter(expires_at__lt=dt.datetime.fromtimestamp(now, dt.UTC)).delete()
    expires = dt.datetime.fromtimestamp(ends, dt.UTC)
    try:
        with transaction.atomic():
            RateCounter.objects.create(key=counter_key, count=1, expires_at=expires)
    except IntegrityError:  # a parallel request started it first
        RateCounter.objects.filter(key=counter_key).update(count=F("count") + 1)

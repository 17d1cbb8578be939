"""Absolute links for mails, the API and structured data (JSON-LD, feeds)."""

from django.conf import settings


def absolute(url: str) -> str:
    """`url` under SITE_URL; a URL that is already absolute (a file on a storage host) stays."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")

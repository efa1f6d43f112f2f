"""Absolute addresses of the portal's pages, for e-mails and printed documents.

A page answers with relative links; an e-mail or a PDF is read elsewhere, so its links carry
the portal's public address, ``PORTAL_SITE_URL`` (the demo server's when it is unset).
"""

from django.conf import settings

DEMO_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    return str(settings.PORTAL_SITE_URL or DEMO_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``, starting with /) as a full address on the public site."""
    return f"{site_url()}{path}"

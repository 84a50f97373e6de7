"""Demo accounts have passwords published in the README: they exist only on a developer's
machine. Their commands refuse to run unless DEBUG is on and HTTPS is off; a production
configuration (DEBUG off, or served over TLS) never gets them, nor has their passwords reset."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def refuse_unless_local_development() -> None:
    if not settings.DEBUG or settings.HTTPS:
        raise CommandError(
            "demo accounts have published passwords: they are created only with DEBUG=true and "
            "HTTPS=false (make run sets DEBUG=true); this configuration looks like production"
        )

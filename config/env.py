"""Small strict readers for settings taken from the environment.

A malformed value stops the process at start-up with the variable's name, rather than
running with a surprising default.
"""

import os
from urllib.parse import urlparse


class ImproperlyConfiguredEnv(Exception):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(f"{name} must be a boolean (true/false, 1/0, yes/no), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfiguredEnv(f"{name} must be a comma-separated list without empty items")
    return items


def env_url(name: str, schemes: set[str]) -> str | None:
    """Returns the URL, or None when unset; rejects URLs with another scheme or no host."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfiguredEnv(f"{name} must start with one of {allowed}://, got {raw!r}")
    if parsed.scheme != "sqlite" and not parsed.hostname and not parsed.path.strip("/"):
        raise ImproperlyConfiguredEnv(f"{name} has no host or database in {raw!r}")
    return raw

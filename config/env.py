"""Typed helpers for reading settings from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    """Return a string setting; raise if it is missing and has no default."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    """Return a boolean setting: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Return an integer setting."""
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated list setting, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def client_ip_sources(proxy_count: int, header: str) -> tuple[tuple[str, ...], int | None]:
    """Where django-ipware reads the client's address: the ``request.META`` keys in order,
    and its proxy count (the proxies listed in the header: all but the nearest one).

    With no trusted proxy only ``REMOTE_ADDR`` counts, so a forged header is never read.
    """
    if proxy_count <= 0:
        return ("REMOTE_ADDR",), None
    key = header.strip().upper().replace("-", "_")
    if not key.startswith("HTTP_"):
        key = f"HTTP_{key}"
    return (key, "REMOTE_ADDR"), proxy_count - 1

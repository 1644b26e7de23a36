"""Large-text mode (大字版): remembered on the user for people who are logged in, in a
cookie for visitors (login and register pages), and applied as a class on <html>."""

from __future__ import annotations

COOKIE = "gz_elder"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def cookie_mode(request) -> bool | None:
    """True / False when this device chose a mode, None when it never did."""
    value = request.COOKIES.get(COOKIE)
    if value in ("1", "0"):
        return value == "1"
    return None


def elder_mode(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return bool(cookie_mode(request))


def remember(request, response, on: bool) -> None:
    response.set_cookie(
        COOKIE,
        "1" if on else "0",
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def display(request) -> dict:
    """Context processor: ``elder_mode`` for base.html."""
    return {"elder_mode": elder_mode(request)}

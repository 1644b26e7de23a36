"""Logging filters shared by every environment."""

from __future__ import annotations

import logging


class ForbiddenInOneLine(logging.Filter):
    """Turn a 403 into one WARNING line (method, path, user id, reason) without traceback.

    A refused permission is routine (a resident following an office link, a stale form);
    Django logs it on django.request with the whole traceback of PermissionDenied, which
    buries real errors. Other records, 500s with their tracebacks among them, pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        if getattr(record, "forbidden_in_one_line", False):
            # Logging configured twice in one process (a worker's setup) stacks the filter.
            return True
        record.forbidden_in_one_line = True
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        args = (getattr(request, "method", "-"), path, _user_id(request), _reason(record, path))
        record.msg, record.args = "Forbidden: %s %s user=%s reason=%s", args
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _user_id(request) -> str:
    try:
        user_id = request.user.pk
    except Exception:  # no user on the request yet, or its session can't be read
        return "-"
    return "-" if user_id is None else str(user_id)


def _reason(record: logging.LogRecord, path: str) -> str:
    """The exception's own message, else Django's words: "Forbidden (CSRF token missing.)"
    gives "CSRF token missing."."""
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None and str(exc):
        return str(exc)
    message = record.getMessage().removesuffix(f": {path}")
    if message.startswith("Forbidden (") and message.endswith(")"):
        return message[len("Forbidden (") : -1]
    return message

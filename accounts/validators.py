"""Validation of mainland China mobile numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86 or 86 from a typed mobile number."""
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_mobile(value: str) -> None:
    """Accept only an 11-digit mainland mobile number starting 13-19."""
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13 to 19."),
            code="invalid_mobile",
        )


def mask_mobile(value: str) -> str:
    """Hide the middle four digits of a mobile number: 138****5678."""
    if not value:
        return ""
    if len(value) == 11:
        return f"{value[:3]}****{value[7:]}"
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]

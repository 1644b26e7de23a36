"""Failed-login lockout on top of django-axes: per number from one address, and per address
across all numbers (password spraying), with the client's address read as configured.

Axes compares one failure count with one limit. Its count here is the failures of this
number from this address (limit ``AXES_FAILURE_LIMIT``, 5), raised to that limit when the
address as a whole has reached ``LOGIN_IP_FAILURE_LIMIT`` (20) failures within the
cool-off, whatever numbers they were for.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from ipware.ip import get_client_ip


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, behind trusted reverse proxies, the one
    the nearest of them put in ``CLIENT_IP_HEADER`` (see the settings). An unusable header
    falls back to ``REMOTE_ADDR`` rather than lumping clients together."""
    address, _routable = get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        # Addresses a client put in front of the proxies' own are skipped, not refused.
        strict=False,
    )
    return address or request.META.get("REMOTE_ADDR")


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, for any number."""
    return (
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, also locking an address that tried too many numbers."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_IP_FAILURE_LIMIT:
            # Read by the lockout page, to say it is this network, not this account.
            request.login_locked_by_address = True
            return max(failures, get_failure_limit(request, credentials))
        return failures

"""Failed-login lockout: per number from one address (5), per address across numbers
(password spraying, 20), and the client's address read from a trusted proxy's header only
when one is configured."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from config.env import client_ip_sources
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NETWORK_LOCKED = "从当前网络输错密码的次数过多"


def login(client, phone, password, **meta):
    return client.post(
        reverse("accounts:login"),
        {"username": phone, "password": password},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **meta,
    )


def spray(client, count, **meta):
    """``count`` wrong passwords, each for a different number."""
    for i in range(count):
        response = login(client, f"1391000{i:04d}", "wrong-password", **meta)
        assert response.status_code in (200, 429)


@pytest.fixture
def behind_one_proxy(settings):
    order, count = client_ip_sources(1, "X-Forwarded-For")
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = order
    settings.AXES_IPWARE_PROXY_COUNT = count


def test_spraying_twenty_numbers_from_one_address_locks_that_address(client):
    user = UserFactory(phone="13812345678")
    spray(client, 20, REMOTE_ADDR="203.0.113.5")
    # Even the right password for a number never tried is refused from there.
    response = login(client, user.phone, PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert NETWORK_LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is unaffected.
    response = login(client, user.phone, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_nineteen_failures_over_many_numbers_do_not_lock_the_address(client):
    user = UserFactory(phone="13812345678")
    spray(client, 19, REMOTE_ADDR="203.0.113.5")
    assert login(client, user.phone, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_a_locked_number_still_shows_the_account_message(client):
    user = UserFactory(phone="13812345678")
    for _ in range(5):
        login(client, user.phone, "wrong", REMOTE_ADDR="203.0.113.5")
    response = login(client, user.phone, PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    body = response.content.decode()
    assert "账号已锁定30分钟" in body and NETWORK_LOCKED not in body


def test_logging_in_with_one_good_account_does_not_reset_the_address_count(client):
    own = UserFactory(phone="13812345678")
    spray(client, 19, REMOTE_ADDR="203.0.113.5")
    assert login(client, own.phone, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    client.logout()
    spray(client, 1, REMOTE_ADDR="203.0.113.5")
    assert login(client, own.phone, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429


def test_behind_a_proxy_clients_are_counted_by_their_forwarded_address(client, behind_one_proxy):
    user = UserFactory(phone="13812345678")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    spray(client, 20, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = login(client, user.phone, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert locked.status_code == 429
    # A client who puts a made-up address in front is still the address the proxy saw.
    forged = login(
        client, user.phone, PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", **proxy
    )
    assert forged.status_code == 429
    # Another resident behind the same proxy logs in.
    other = login(client, user.phone, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other.status_code == 302


def test_without_a_configured_proxy_a_forged_forwarded_for_is_ignored(client):
    user = UserFactory(phone="13812345678")
    for i in range(20):
        login(
            client,
            f"1391000{i:04d}",
            "wrong-password",
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{i}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    response = login(
        client, user.phone, PASSWORD, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="7.7.7.7"
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "X-Forwarded-For", (("REMOTE_ADDR",), None)),
        (1, "X-Forwarded-For", (("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), 0)),
        (2, "x-forwarded-for", (("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), 1)),
        (1, "X-Real-IP", (("HTTP_X_REAL_IP", "REMOTE_ADDR"), 0)),
        (1, "HTTP_X_REAL_IP", (("HTTP_X_REAL_IP", "REMOTE_ADDR"), 0)),
    ],
)
def test_proxy_settings_map_to_ipware(count, header, expected):
    assert client_ip_sources(count, header) == expected


def test_two_proxies_take_the_address_the_outer_one_saw(rf, settings):
    from accounts.lockout import client_ip

    settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_COUNT = (
        client_ip_sources(2, "X-Forwarded-For")
    )
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.2"
    )
    assert client_ip(request) == "203.0.113.5"
    # A header too short for the configured proxies falls back to the connecting address.
    request = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "10.0.0.3"

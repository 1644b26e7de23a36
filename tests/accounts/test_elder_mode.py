"""Large-text mode (大字版): the switch in the header, remembered on the account for users
who are logged in and in a cookie for visitors; the page says which mode it is in on <html>
(set by the server, so there is no flash of small text)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.display import COOKIE
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:elder_mode")
HTML_TAG = re.compile(r"<html[^>]*>")


def html_tag(response) -> str:
    return HTML_TAG.search(response.content.decode()).group(0)


def is_elder(response) -> bool:
    return 'class="elder-mode"' in html_tag(response)


def test_a_user_switches_large_text_on_and_it_is_kept_on_the_account(client):
    user, other = UserFactory(), UserFactory()
    client.force_login(user)
    assert not is_elder(client.get(reverse("communities:me")))

    response = client.post(URL, {"mode": "elder", "next": "/me/?tab=1"})

    assert response.status_code == 302 and response["Location"] == "/me/?tab=1"
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.elder_mode and not other.elder_mode
    assert is_elder(client.get(reverse("communities:me")))
    # On another device (no cookie) the account still says large text.
    fresh = Client()
    fresh.force_login(user)
    assert is_elder(fresh.get(reverse("communities:me")))
    # Someone else's pages stay standard.
    fresh.force_login(other)
    assert not is_elder(fresh.get(reverse("communities:me")))


def test_the_switch_flips_when_no_mode_is_given_and_standard_turns_it_off(client):
    user = UserFactory()
    client.force_login(user)
    client.post(URL, {"next": "/me/"})
    user.refresh_from_db()
    assert user.elder_mode
    client.post(URL, {"next": "/me/"})
    user.refresh_from_db()
    assert not user.elder_mode
    client.post(URL, {"mode": "elder"})
    client.post(URL, {"mode": "standard"})
    user.refresh_from_db()
    assert not user.elder_mode
    assert not is_elder(client.get(reverse("communities:me")))


def test_a_visitor_s_choice_is_kept_in_a_cookie(client):
    response = client.post(URL, {"mode": "elder", "next": reverse("accounts:login")})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    cookie = response.cookies[COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 0
    assert is_elder(client.get(reverse("accounts:login")))
    assert is_elder(client.get(reverse("communities:register")))

    client.post(URL, {"mode": "standard", "next": reverse("accounts:login")})
    assert client.cookies[COOKIE].value == "0"
    assert not is_elder(client.get(reverse("accounts:login")))


def test_large_text_chosen_before_logging_in_stays_on_after_logging_in(client):
    user = UserFactory(phone="13812345678")
    client.post(URL, {"mode": "elder", "next": reverse("accounts:login")})
    client.post(reverse("accounts:login"), {"username": user.phone, "password": PASSWORD})
    user.refresh_from_db()
    assert user.elder_mode
    assert is_elder(client.get(reverse("communities:me")))


def test_a_logged_in_user_s_account_wins_over_the_device_cookie(client):
    user = UserFactory()
    client.cookies[COOKIE] = "1"
    client.force_login(user)
    assert not is_elder(client.get(reverse("communities:me")))


def test_the_switch_needs_the_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, {"mode": "elder"}).status_code == 403
    client.force_login(user)
    assert client.post(URL, {"mode": "elder"}).status_code == 403
    user.refresh_from_db()
    assert not user.elder_mode
    # With the token from the page's own form it works.
    page = client.get(reverse("communities:me")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(URL, {"mode": "elder", "csrfmiddlewaretoken": token}).status_code == 302
    user.refresh_from_db()
    assert user.elder_mode


def test_the_switch_only_accepts_post(client):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switch_never_sends_anyone_to_another_site(client, target):
    response = client.post(URL, {"mode": "elder", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_user_who_must_change_password_can_still_switch_to_large_text(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    response = client.post(URL, {"mode": "elder", "next": reverse("accounts:password_change")})
    assert response["Location"] == reverse("accounts:password_change")
    user.refresh_from_db()
    assert user.elder_mode
    assert is_elder(client.get(reverse("accounts:password_change")))


def test_every_page_has_the_switch_in_its_header(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'action="{URL}"' in page
    assert 'data-testid="elder-toggle"' in page
    assert 'value="elder"' in page
    client.force_login(UserFactory(elder_mode=True))
    page = client.get(reverse("communities:me")).content.decode()
    assert 'value="standard"' in page

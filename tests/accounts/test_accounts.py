import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.validators import mask_mobile, normalize_mobile, validate_mobile
from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "15000000000", "17600000001"])
def test_mainland_mobile_numbers_are_accepted(phone):
    validate_mobile(phone)


@pytest.mark.parametrize(
    "phone",
    ["", "12800138000", "1380013800", "138001380000", "23800138000", "1380013800a", "010-6730123"],
)
def test_other_numbers_are_rejected(phone):
    with pytest.raises(ValidationError):
        validate_mobile(phone)


def test_typed_numbers_are_normalized():
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    assert normalize_mobile("8613800138000") == "13800138000"
    assert normalize_mobile(" 138 0013 8000 ") == "13800138000"


def test_masking_hides_the_middle_digits():
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_mobile("") == ""


@pytest.mark.django_db
def test_create_user_rejects_bad_phone():
    with pytest.raises(ValidationError):
        User.objects.create_user(phone="12345", password="x", display_name="x")


@pytest.mark.django_db
def test_user_logs_in_with_mobile_and_password(client):
    user = UserFactory(phone="13812345678")
    response = client.post(
        reverse("accounts:login"), {"username": "138 1234 5678", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_shows_chinese_error(client):
    UserFactory(phone="13812345678")
    response = client.post(
        reverse("accounts:login"),
        {"username": "13812345678", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(client):
    UserFactory(phone="13812345678")
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "13812345678", "password": "wrong"})
    response = client.post(url, {"username": "13812345678", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another number from the same address is not locked.
    other = UserFactory(phone="13812340000")
    response = client.post(url, {"username": other.phone, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_user_with_reset_password_must_choose_a_new_one(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("communities:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-Secret-2026",
            "new_password2": "a-new-Secret-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password("a-new-Secret-2026")
    assert client.get(reverse("communities:me")).status_code == 200


@pytest.mark.django_db
def test_error_pages_are_in_chinese(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/c/no-such-community/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "不存在" in response.content.decode()

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_secretary_sees_dashboard_in_chinese(world, login):
    client = login(world.users["secretary_a"])
    response = client.get(reverse("communities:dashboard", args=["a"]))
    assert response.status_code == 200
    assert "双合家园" in response.content.decode()

"""Django admin: every registered model's list, search, add and change pages open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from communities.models import Resident

MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_admin_pages_open_for_every_model(world, client, app_label, model_name):
    client.force_login(world.users["superuser"])
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "双合"}).status_code == 200
    add_status = client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code
    # django-axes keeps its logs read-only, a ballot's result is only ever written by
    # closing the ballot and a month's rates by the monthly snapshot, the operation log
    # only by the services that log; every other model can be added.
    read_only = app_label == "axes" or (app_label, model_name) in {
        ("deliberation", "ballotresult"),
        ("casework", "ratessnapshot"),
        ("audit", "auditevent"),
    }
    assert add_status == (403 if read_only else 200)
    model_class = next(
        m
        for m in admin.site._registry
        if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
    )
    obj = model_class._default_manager.first()
    if obj is not None:
        change = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200


@pytest.mark.django_db
def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    ours = {
        "accounts",
        "communities",
        "governance",
        "deliberation",
        "volunteers",
        "casework",
        "audit",
    }
    # Historical models (django-simple-history) are shown on each record's History page.
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in ours
        and m not in admin.site._registry
        and not hasattr(m, "instance_type")
    ]
    assert missing == []


@pytest.mark.django_db
def test_admin_action_verifies_residents(world, client):
    pending = Resident.objects.filter(pk=world.users["resident_a"].resident.pk)
    pending.update(verification_status=Resident.Verification.PENDING)
    client.force_login(world.users["superuser"])
    client.post(
        reverse("admin:communities_resident_changelist"),
        {"action": "verify_residents", "_selected_action": [pending.get().pk]},
    )
    resident = pending.get()
    assert resident.verification_status == Resident.Verification.VERIFIED
    assert resident.verified_by == world.users["superuser"]

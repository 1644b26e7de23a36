"""ServiceFormMixin: one way for a form page to save through a service."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.views.generic import FormView

from communities.mixins import ServiceFormMixin


class NameForm(forms.Form):
    name = forms.CharField()


class NamePage(ServiceFormMixin, FormView):
    form_class = NameForm
    title = "起个名字"
    success_message = "已保存。"
    saved: list[str] = []

    def call_service(self, form):
        name = form.cleaned_data["name"]
        if name == "重名":
            raise ValidationError({"name": "这个名字已经有人用了。"})
        if name == "不行":
            raise ValidationError("现在不能保存。")
        self.saved.append(name)
        return {"pk": len(self.saved)}

    def get_success_url(self):
        return f"/done/{self.object['pk']}/"


def _post(data):
    request = RequestFactory().post("/name/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    NamePage.saved = []
    return request, NamePage.as_view()(request)


def test_a_valid_form_is_saved_by_the_service_then_redirects_with_a_message():
    request, response = _post({"name": "张桂兰"})
    assert NamePage.saved == ["张桂兰"]
    assert response.status_code == 302
    assert response["Location"] == "/done/1/"
    assert [str(m) for m in get_messages(request)] == ["已保存。"]


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [("重名", "name", "这个名字已经有人用了。"), ("不行", "__all__", "现在不能保存。")],
)
def test_a_service_refusal_shows_on_the_form_and_nothing_redirects(name, field, message):
    request, response = _post({"name": name})
    assert response.status_code == 200
    form = response.context_data["form"]
    assert form.errors[field] == [message]
    assert response.context_data["title"] == "起个名字"
    assert NamePage.saved == []
    assert list(get_messages(request)) == []


def test_an_invalid_form_never_reaches_the_service():
    _, response = _post({"name": ""})
    assert response.status_code == 200
    assert response.template_name == ["communities/form.html"]
    assert NamePage.saved == []


def test_no_app_keeps_its_own_form_page_mixin():
    base = Path(settings.BASE_DIR)
    copies = [
        str(path.relative_to(base))
        for app in ("communities", "governance", "deliberation", "volunteers", "casework")
        for path in (base / app).rglob("*.py")
        if "class FormPageMixin" in path.read_text(encoding="utf-8")
    ]
    assert copies == []

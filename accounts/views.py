"""Log in, log out and change password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import display
from accounts.forms import PasswordChangeForm, PhoneLoginForm


class LoginView(auth_views.LoginView):
    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Large text chosen on the login page stays on after logging in (and is kept).
        user = form.get_user()
        if display.cookie_mode(self.request) and not user.elder_mode:
            user.elder_mode = True
            user.save(update_fields=["elder_mode"])
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password has been saved."))
        return response


class ElderModeView(View):
    """POST: switch large-text mode (大字版) on or off and go back to the page.

    ``mode`` is "elder" or "standard" (anything else flips the current mode). A logged-in
    user keeps the choice on their account, on every device; the device remembers it too
    (a cookie), so the login page stays large after logging out."""

    http_method_names = ["post"]

    def post(self, request):
        mode = request.POST.get("mode")
        on = mode == "elder" if mode in ("elder", "standard") else not display.elder_mode(request)
        user = request.user
        if user.is_authenticated and user.elder_mode != on:
            user.elder_mode = on
            user.save(update_fields=["elder_mode"])
        response = redirect(safe_next(request))
        display.remember(request, response, on)
        return response


def safe_next(request) -> str:
    """The ``next`` page if it is on this site, else the home page."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")

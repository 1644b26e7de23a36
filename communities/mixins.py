"""View mixins that load a community from the URL and check the user's permission on it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from communities.models import Community


class CommunityMixin(LoginRequiredMixin):
    """Loads ``self.community`` from ``<code>`` in the URL.

    A user with no tie to the community gets 404, so another community's pages and
    objects are indistinguishable from ones that don't exist; a user who belongs but
    lacks the permission gets 403.
    """

    permission_required = "communities.view_office"
    paginate_by = settings.PAGE_SIZE
    # Whether the view's form takes a ``community`` argument to narrow its choices.
    form_takes_community = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = get_object_or_404(
            Community.objects.select_related("subdistrict__district"), code=kwargs["code"]
        )
        # The navigation reads it from here instead of loading it again.
        request.community = self.community
        if not request.user.has_perm("communities.see_community", self.community):
            raise Http404
        if not request.user.has_perm(self.permission_required, self.community):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["community"] = self.community
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_takes_community:
            kwargs["community"] = self.community
        return kwargs


def object_in_community_or_404(queryset, community: Community, **lookup):
    """Fetch an object only if it belongs to the community."""
    obj = get_object_or_404(queryset, **lookup)
    if obj.community.pk != community.pk:
        raise Http404
    return obj


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the form's fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceFormMixin:
    """A form page whose valid form is written by the app's service.

    Renders ``template_name`` (communities/form.html) with ``title``; ``form_valid`` hands
    the form to ``call_service`` (which returns what it saved, kept as ``self.object``),
    shows a service's ValidationError next to the fields, or else flashes
    ``success_message`` and redirects to ``get_success_url()``.
    """

    template_name = "communities/form.html"
    title = ""
    success_message = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context

    def call_service(self, form):
        """Write the form through the service and return the saved object (or None)."""
        raise NotImplementedError

    def get_success_message(self, cleaned_data) -> str:
        return self.success_message

    def form_valid(self, form):
        try:
            self.object = self.call_service(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(form.cleaned_data)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

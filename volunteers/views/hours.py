"""Work in progress: replaced by the real views."""

from django.http import Http404
from django.views import View


class _Pending(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class HoursView(_Pending):
    pass


class AdjustView(_Pending):
    pass


class ConfirmView(_Pending):
    pass


class HoursCsvView(_Pending):
    pass


class CertificateView(_Pending):
    pass


class AdoptionListView(_Pending):
    pass


class AdoptionCreateView(_Pending):
    pass


class AdoptionDetailView(_Pending):
    pass


class CarePhotoView(_Pending):
    pass


class DashboardView(_Pending):
    pass

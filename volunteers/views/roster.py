"""Work in progress: replaced by the real views."""

from django.http import Http404
from django.views import View


class _Pending(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class ShiftListView(_Pending):
    pass


class ShiftCreateView(_Pending):
    pass


class ShiftDetailView(_Pending):
    pass


class ShiftUpdateView(_Pending):
    pass


class SignUpView(_Pending):
    pass


class AssignView(_Pending):
    pass


class CancelView(_Pending):
    pass


class SwapView(_Pending):
    pass


class LeaderCheckView(_Pending):
    pass


class TemplateListView(_Pending):
    pass


class TemplateCreateView(_Pending):
    pass


class RosterGridView(_Pending):
    pass


class RosterPrintView(_Pending):
    pass


class RosterCsvView(_Pending):
    pass


class MyShiftsView(_Pending):
    pass


class CheckInView(_Pending):
    pass


class MyCalendarView(_Pending):
    pass

"""Work in progress: replaced by the real views."""

from django.http import Http404
from django.views import View


class _Pending(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class TeamListView(_Pending):
    pass


class TeamCreateView(_Pending):
    pass


class TeamDetailView(_Pending):
    pass


class TeamUpdateView(_Pending):
    pass


class JoinTeamView(_Pending):
    pass


class MembershipDecisionView(_Pending):
    pass


class VolunteerListView(_Pending):
    pass


class VolunteerCreateView(_Pending):
    pass


class VolunteerDetailView(_Pending):
    pass


class VolunteerUpdateView(_Pending):
    pass


class BecomeVolunteerView(_Pending):
    pass

# placeholder: being written; the URLconf imports these names meanwhile.
from django.views.generic import View



class VisitListView(View):
    pass


class VisitCreateView(View):
    pass


class CoverageView(View):
    pass


class VisitDetailView(View):
    pass


class VisitUpdateView(View):
    pass


class ProblemCreateView(View):
    pass


class ProblemToCaseView(View):
    pass

# placeholder: being written; the URLconf imports these names meanwhile.
from django.views.generic import View



class MyCaseListView(View):
    pass


class MyCaseReportView(View):
    pass


class MyCaseDetailView(View):
    pass


class MyCaseRateView(View):
    pass

# placeholder: being written; the URLconf imports these names meanwhile.
from django.views.generic import View



class RatesView(View):
    pass


class RatesExportView(View):
    pass


class RecurringView(View):
    pass


class RecurringProposeView(View):
    pass


class AreaRatesView(View):
    pass

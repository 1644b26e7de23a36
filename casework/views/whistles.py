# placeholder: being written; the URLconf imports these names meanwhile.
from django.views.generic import View



class WhistleListView(View):
    pass


class WhistleCreateView(View):
    pass


class WhistleDetailView(View):
    pass


class WhistleRespondView(View):
    pass


class WhistleCloseView(View):
    pass


class AreaWhistlesView(View):
    pass

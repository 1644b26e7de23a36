# placeholder: being written; the URLconf imports these names meanwhile.
from django.views.generic import View



class CaseListView(View):
    pass


class CaseExportView(View):
    pass


class CaseCreateView(View):
    pass


class CaseDetailView(View):
    pass


class CaseUpdateView(View):
    pass


class CaseAssignView(View):
    pass


class CaseActionView(View):
    pass


class CaseCloseView(View):
    pass


class CaseRateView(View):
    pass


class CaseReopenView(View):
    pass


class AttachmentUploadView(View):
    pass


class AttachmentFileView(View):
    pass


class TaskGroupListView(View):
    pass


class TaskGroupCreateView(View):
    pass


class TaskGroupUpdateView(View):
    pass

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# `make run` serves a community office's own network with runserver. Its socket queues
# only 10 connections not yet accepted, so forty phones pressing "vote" in the same instant
# (a deliberation session in the courtyard) had some connections reset before Django saw
# them. The kernel still caps the queue at net.core.somaxconn.
RUNSERVER_LISTEN_QUEUE = 128


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.core.servers import basehttp

        basehttp.WSGIServer.request_queue_size = RUNSERVER_LISTEN_QUEUE

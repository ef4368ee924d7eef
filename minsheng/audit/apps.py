from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "minsheng.audit"
    label = "audit"
    verbose_name = "审计 Audit"

    def ready(self) -> None:
        from . import admin_log
        from .maintenance import connect_signals

        connect_signals()
        admin_log.connect()

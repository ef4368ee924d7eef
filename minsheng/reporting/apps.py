from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "minsheng.reporting"
    label = "reporting"
    verbose_name = "台帐与报送"

    def ready(self) -> None:
        from minsheng.accounts import facts

        from .selectors import UNREAD_FACT, unread_notice_fact

        facts.register(UNREAD_FACT, unread_notice_fact)

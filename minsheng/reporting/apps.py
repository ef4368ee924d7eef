from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "minsheng.reporting"
    label = "reporting"
    verbose_name = "台帐与报送"

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "minsheng.progress"
    label = "progress"
    verbose_name = "目标进展 Progress"
    default_auto_field = "django.db.models.BigAutoField"

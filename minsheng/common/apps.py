from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "minsheng.common"
    label = "common"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the personal-data key checks

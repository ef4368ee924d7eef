from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "minsheng.ingest"
    label = "ingest"
    verbose_name = "政策文本导入 Policy ingestion"

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "minsheng.policy"
    label = "policy"
    verbose_name = "政策目标 Policy catalog"

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "minsheng.org"
    label = "org"
    verbose_name = "组织 Organisation"

    def ready(self) -> None:
        from minsheng.accounts import facts

        from .access import ROLES_FACT, roles_signature_fact

        facts.register(ROLES_FACT, roles_signature_fact)

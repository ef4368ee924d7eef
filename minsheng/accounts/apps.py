from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minsheng.accounts"
    label = "accounts"
    verbose_name = "账户 Accounts"

    def ready(self) -> None:
        from . import facts, signals  # noqa: F401  (signals: connects sign-in auditing)
        from .middleware import UNMASK_FACT, unmask_grant_fact

        facts.register(UNMASK_FACT, unmask_grant_fact)

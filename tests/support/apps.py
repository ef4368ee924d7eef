from django.apps import AppConfig


class TestSupportConfig(AppConfig):
    """Installed only by config.settings.test."""

    name = "tests.support"
    label = "test_support"

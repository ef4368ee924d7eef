"""Root conftest: pytest-django reads settings from pyproject; shared fixtures live in minsheng/conftest.py."""

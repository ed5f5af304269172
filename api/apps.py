from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        # drf-spectacular finds the description of the token authentication here.
        from api import schema  # noqa: F401

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "samla.api"
    verbose_name = "API"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samla.core"
    verbose_name = "Samla"

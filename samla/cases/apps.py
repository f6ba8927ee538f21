from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "samla.cases"
    label = "cases"
    verbose_name = "Business cases"

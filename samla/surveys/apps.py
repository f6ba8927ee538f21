from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "samla.surveys"
    label = "surveys"
    verbose_name = "Surveys"

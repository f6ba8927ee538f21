from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandscapeConfig(AppConfig):
    name = "samla.landscape"
    verbose_name = _("Landskap")

"""Every benefit page lives under ``s/<slug>/gevinster/``."""

from __future__ import annotations

from samla.benefits.views import indicators, maps, register, reports

app_name = "benefits"

urlpatterns = [
    *register.urlpatterns,
    *indicators.urlpatterns,
    *maps.urlpatterns,
    *reports.urlpatterns,
]

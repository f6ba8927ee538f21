"""Every portfolio page lives under ``s/<slug>/portefolje/``."""

from __future__ import annotations

from samla.portfolio.views import criteria, pot, proposals, scenarios

app_name = "portfolio"

urlpatterns = [
    *proposals.urlpatterns,
    *criteria.urlpatterns,
    *pot.urlpatterns,
    *scenarios.urlpatterns,
]

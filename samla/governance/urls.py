"""Every programme and project page lives under ``s/<slug>/prosjekter/``."""

from __future__ import annotations

from samla.governance.views import mandates, meetings, plans, projects, risks

app_name = "governance"

urlpatterns = [
    *projects.urlpatterns,
    *mandates.urlpatterns,
    *meetings.urlpatterns,
    *risks.urlpatterns,
    *plans.urlpatterns,
]

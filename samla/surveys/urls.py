"""Survey pages. Managers' pages live under /s/<slug>/undersokelser/ and
/s/<slug>/sporreskjemaer/; respondents' pages under /svar/ need no account."""

from __future__ import annotations

from samla.surveys import manage_views, questionnaire_views, respond_views, results_views

app_name = "surveys"

urlpatterns = [
    *respond_views.urlpatterns,
    *questionnaire_views.urlpatterns,
    *results_views.urlpatterns,
    *manage_views.urlpatterns,
]

from django.urls import include, path

from samla.api.api import api
from samla.core import views as core_views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("helse/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("samla.landscape.urls")),
    path("", include("samla.surveys.urls")),
    path("", include("samla.cases.urls")),
    path("", include("samla.governance.urls")),
    path("", include("samla.portfolio.urls")),
    path("", include("samla.benefits.urls")),
    path("", include("samla.organisations.urls")),
]

handler403 = "samla.core.views.permission_denied"
handler404 = "samla.core.views.page_not_found"
handler500 = "samla.core.views.server_error"

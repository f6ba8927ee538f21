from django.urls import path

from samla.cases import views

app_name = "cases"

P = "s/<slug:slug>/business-case/"
V = P + "versjoner/<uuid:version_id>/"
A = P + "alternativer/<uuid:alternative_id>/"

urlpatterns = [
    path(P, views.case_list, name="case_list"),
    path(P + "ny/", views.case_create, name="case_create"),
    path(P + "importer/", views.case_import, name="case_import"),
    path(P + "<uuid:case_id>/", views.case_detail, name="case_detail"),
    path(P + "<uuid:case_id>/endre/", views.case_edit, name="case_edit"),
    path(P + "<uuid:case_id>/slett/", views.case_delete, name="case_delete"),
    path(P + "<uuid:case_id>/ny-versjon/", views.version_new, name="version_new"),
    path(P + "<uuid:case_id>/sammenlign/", views.compare, name="compare"),
    path(V, views.version_detail, name="version_detail"),
    path(V + "endre/", views.version_edit, name="version_edit"),
    path(V + "las/", views.version_freeze, name="version_freeze"),
    path(V + "simulering/", views.monte_carlo, name="monte_carlo"),
    path(V + "alternativer/ny/", views.alternative_create, name="alternative_create"),
    path(V + "forutsetninger/ny/", views.assumption_create, name="assumption_create"),
    path(A + "endre/", views.alternative_edit, name="alternative_edit"),
    path(A + "slett/", views.alternative_delete, name="alternative_delete"),
    path(A + "linjer/ny/", views.line_create, name="line_create"),
    path(A + "virkninger/ny/", views.effect_create, name="effect_create"),
    path(P + "linjer/<uuid:line_id>/endre/", views.line_edit, name="line_edit"),
    path(P + "linjer/<uuid:line_id>/slett/", views.line_delete, name="line_delete"),
    path(P + "virkninger/<uuid:effect_id>/endre/", views.effect_edit, name="effect_edit"),
    path(P + "virkninger/<uuid:effect_id>/slett/", views.effect_delete, name="effect_delete"),
    path(
        P + "forutsetninger/<uuid:assumption_id>/endre/",
        views.assumption_edit,
        name="assumption_edit",
    ),
    path(
        P + "forutsetninger/<uuid:assumption_id>/slett/",
        views.assumption_delete,
        name="assumption_delete",
    ),
]

from django.urls import path

from samla.landscape import views

app_name = "landscape"

P = "s/<slug:slug>/landskap/"

urlpatterns = [
    path(P, views.matrix, name="matrix"),
    path(P + "harmonisering/", views.harmonisation, name="harmonisation"),
    path(P + "konsolidering/", views.consolidation, name="consolidation"),
    path(P + "avtaletidslinje/", views.contract_timeline, name="contract_timeline"),
    path(P + "ikt-kostnader/", views.ict_costs, name="ict_costs"),
    path(P + "malportefolje/", views.target_portfolio, name="target_portfolio"),
    path(P + "malportefolje/<uuid:choice_id>/fjern/", views.target_choice_remove, name="target_choice_remove"),
    path(P + "import-eksport/", views.import_export, name="import_export"),
    path(P + "<slug:register>/", views.register_list, name="register_list"),
    path(P + "<slug:register>/ny/", views.register_create, name="register_create"),
    path(P + "<slug:register>/<uuid:object_id>/", views.register_detail, name="register_detail"),
    path(P + "<slug:register>/<uuid:object_id>/endre/", views.register_edit, name="register_edit"),
    path(P + "<slug:register>/<uuid:object_id>/slett/", views.register_delete, name="register_delete"),
]

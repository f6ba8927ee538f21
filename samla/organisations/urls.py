from django.urls import path

from samla.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.home, name="home"),
    path("bytt-samarbeid/", views.switch_collaboration, name="switch_collaboration"),
    path("samarbeid/nytt/", views.collaboration_create, name="collaboration_create"),
    path("profil/", views.profile, name="profile"),
    path("profil/api-nokler/", views.api_token_create, name="api_token_create"),
    path("profil/api-nokler/<uuid:token_id>/trekk-tilbake/", views.api_token_revoke, name="api_token_revoke"),
    path("s/<slug:slug>/", views.dashboard, name="dashboard"),
    path("s/<slug:slug>/innstillinger/", views.collaboration_edit, name="collaboration_edit"),
    path("s/<slug:slug>/organisasjoner/", views.organisation_list, name="organisation_list"),
    path("s/<slug:slug>/organisasjoner/ny/", views.organisation_create, name="organisation_create"),
    path("s/<slug:slug>/organisasjoner/<uuid:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("s/<slug:slug>/organisasjoner/<uuid:organisation_id>/endre/", views.organisation_edit, name="organisation_edit"),
    path("s/<slug:slug>/medlemmer/", views.member_list, name="member_list"),
    path("s/<slug:slug>/medlemmer/<uuid:membership_id>/endre/", views.member_edit, name="member_edit"),
    path("s/<slug:slug>/medlemmer/<uuid:membership_id>/fjern/", views.member_remove, name="member_remove"),
    path("s/<slug:slug>/brukere/", views.role_list, name="role_list"),
    path("s/<slug:slug>/brukere/inviter/", views.role_invite, name="role_invite"),
    path("s/<slug:slug>/brukere/<uuid:role_id>/endre/", views.role_edit, name="role_edit"),
    path("s/<slug:slug>/brukere/<uuid:role_id>/fjern/", views.role_remove, name="role_remove"),
    path("s/<slug:slug>/fordelingsnokler/", views.cost_key_list, name="cost_key_list"),
    path("s/<slug:slug>/fordelingsnokler/ny/", views.cost_key_create, name="cost_key_create"),
    path("s/<slug:slug>/fordelingsnokler/<uuid:key_id>/", views.cost_key_detail, name="cost_key_detail"),
    path("s/<slug:slug>/fordelingsnokler/<uuid:key_id>/endre/", views.cost_key_edit, name="cost_key_edit"),
    path("s/<slug:slug>/fordelingsnokler/<uuid:key_id>/slett/", views.cost_key_delete, name="cost_key_delete"),
]

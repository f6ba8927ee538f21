"""Programme and project pages, one module per area; each module ends with its ``urlpatterns``,
which ``samla/governance/urls.py`` joins. Every path starts ``s/<slug>/prosjekter/``."""

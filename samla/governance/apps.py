from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "samla.governance"
    label = "governance"
    verbose_name = "Governance"

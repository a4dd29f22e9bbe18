from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "core.org"
    label = "org"
    verbose_name = "조직 (Organisation)"

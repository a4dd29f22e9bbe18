from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "core.portal"
    label = "portal"
    verbose_name = "포털 (Portal)"

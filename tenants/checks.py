"""System checks for the tenancy set-up."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def platform_package_not_shadowed(app_configs, **kwargs):
    import platform

    if not hasattr(platform, "python_version"):
        return [Error("A 'platform' package shadows the standard library module.",
                      hint="platform/ is a source folder; remove platform/__init__.py.",
                      id="harmony.E001")]
    return []


@register()
def template_schema_configured(app_configs, **kwargs):
    if not getattr(settings, "TENANT_BASE_SCHEMA", ""):
        return [Error("TENANT_BASE_SCHEMA must name the clone template schema.",
                      id="harmony.E002")]
    return []

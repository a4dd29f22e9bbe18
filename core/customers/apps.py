from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "core.customers"
    label = "customers"
    verbose_name = "고객관리"

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "core.exchange"
    label = "exchange"
    verbose_name = "기관 간 요청 창구"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = "계정 (Accounts)"

    def ready(self) -> None:
        from core.accounts import receivers  # noqa: F401  (password changes revoke tokens)

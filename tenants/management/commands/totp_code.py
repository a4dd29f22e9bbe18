"""Print the current TOTP code of the demo central account (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.accounts.mfa import totp_current_code
from tenants.demo import CENTRAL_TOTP_SECRET


class Command(BaseCommand):
    help = "데모 중앙 계정의 현재 OTP 코드를 출력합니다 (demo only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("운영 환경에서는 쓸 수 없습니다 (refused in production).")
        self.stdout.write(totp_current_code(CENTRAL_TOTP_SECRET))

"""Sign-in rules: MFA for agency admins and HR officers is on unless a reason is recorded, and
API tokens expire (default 90 days). Agencies that had MFA off get it turned on, recorded in
their audit trail; none of them recorded a reason, which the new rule requires."""

import django.core.validators
from django.db import migrations, models


def require_privileged_mfa(apps, schema_editor):
    OrgSettings = apps.get_model("org", "OrgSettings")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    alias = schema_editor.connection.alias  # the owner's connection (tenants/routers.py)
    if OrgSettings.objects.using(alias).filter(privileged_mfa_required=False).update(
            privileged_mfa_required=True):
        AuditEvent.objects.using(alias).create(
            actor_label="system", action="org.settings_changed", target_label="OrgSettings",
            request_id="migration",
            changes={"privileged_mfa_required": [False, True]},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0003_grant_records_officer_role'),
        ('audit', '0004_hash_chain'),  # the audit row as it is now (chained)
    ]

    operations = [
        migrations.AddField(
            model_name='orgsettings',
            name='api_token_days',
            field=models.PositiveSmallIntegerField(default=90, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='API 토큰 유효 기간(일)'),
        ),
        migrations.AddField(
            model_name='orgsettings',
            name='privileged_mfa_opt_out_reason',
            field=models.TextField(blank=True, verbose_name='2단계 인증을 끈 사유'),
        ),
        migrations.AlterField(
            model_name='orgsettings',
            name='privileged_mfa_required',
            field=models.BooleanField(default=True, verbose_name='관리자·인사담당자 2단계 인증 필수'),
        ),
        migrations.RunPython(require_privileged_mfa, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='orgsettings',
            constraint=models.CheckConstraint(condition=models.Q(('api_token_days__gte', 1), ('api_token_days__lte', 365)), name='org_settings_api_token_days_bounds'),
        ),
        migrations.AddConstraint(
            model_name='orgsettings',
            constraint=models.CheckConstraint(condition=models.Q(('privileged_mfa_required', True), models.Q(('privileged_mfa_opt_out_reason', ''), _negated=True), _connector='OR'), name='org_settings_mfa_opt_out_has_reason'),
        ),
    ]

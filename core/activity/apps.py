from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """활동실적 and the 성과관리카드: records collected from the other systems' moves, added
    by hand with evidence and confirmed by the rater; the card that follows an official
    across units; the person's and unit's performance reports."""

    name = "core.activity"
    label = "activity"
    verbose_name = "활동실적·성과관리카드"

    def ready(self):
        from core.activity.collect import COLLECTED_TYPES, record_collect_event
        from core.audit.collectors import collector_register

        collector_register(COLLECTED_TYPES, record_collect_event)

"""Run the worker of the configured job backend: django-tasks-db's ``db_worker`` (embedded
default) or, with a Redis URL, RQ's ``rqworker`` with django-tasks-rq's job class."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import task_backends


class Command(BaseCommand):
    help = "Run the background job worker (database or Redis backend, as configured)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Run the jobs waiting now, then exit (database backend).")

    def handle(self, *, batch: bool, verbosity: int, **options):
        backend = task_backends["default"]
        if type(backend).__module__.startswith("django_tasks_db"):
            call_command("db_worker", queue_name="*", batch=batch, verbosity=verbosity)
        else:
            # The scheduler runs the retries, which are queued to start after a delay.
            call_command("rqworker", "default", job_class="django_tasks_rq.Job",
                         with_scheduler=True, burst=batch, verbosity=verbosity)

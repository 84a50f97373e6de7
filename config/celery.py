import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from config.redact import RedactPatientLinks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prescreen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(logger, **kwargs) -> None:
    """A worker replaces the logging set up in settings with its own handlers: they redact
    patients' links and tokens too."""
    for handler in logger.handlers:
        handler.addFilter(RedactPatientLinks())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trials.signals import trial_criteria_changed


class JourneyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journey"
    verbose_name = _("Patient journey")

    def ready(self) -> None:
        # Receivers call services, which need the models: Django loads them only now.
        from journey import receivers

        trial_criteria_changed.connect(
            receivers.notify_subscribers, dispatch_uid="journey.notify_subscribers"
        )

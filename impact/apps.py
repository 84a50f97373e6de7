from django.apps import AppConfig

from clinic.signals import patient_erased, screening_saved
from trials.signals import trial_criteria_changed


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Criterion impact"

    def ready(self) -> None:
        # Receivers call services, which need the models: Django loads them only now.
        from impact import receivers

        trial_criteria_changed.connect(receivers.refresh_trial, dispatch_uid="impact.refresh_trial")
        screening_saved.connect(receivers.refresh_every_trial, dispatch_uid="impact.refresh_every_trial")
        patient_erased.connect(receivers.refresh_every_trial, dispatch_uid="impact.refresh_after_erasure")

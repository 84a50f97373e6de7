from django.apps import AppConfig

from trials.signals import trial_criteria_changed


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinician workspace"

    def ready(self) -> None:
        # Receivers call services, which need the models: Django loads them only now.
        from clinic import receivers

        trial_criteria_changed.connect(receivers.rescreen_patients, dispatch_uid="clinic.rescreen_patients")

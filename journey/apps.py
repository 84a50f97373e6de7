from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journey"
    verbose_name = _("Patient journey")

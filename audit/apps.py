from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The append-only audit trail, below every other app so that each can write to it.

    Sign-ins, failed sign-ins and sign-outs are recorded from Django's auth signals. The
    receivers are methods of this config, which reaches the model through `get_model`: a
    receivers module would have to be imported here, inside ready()."""

    name = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        user_logged_in.connect(self.logged_in, dispatch_uid="audit.logged_in")
        user_logged_out.connect(self.logged_out, dispatch_uid="audit.logged_out")
        user_login_failed.connect(self.login_failed, dispatch_uid="audit.login_failed")

    @property
    def events(self):
        return self.get_model("AuditEvent").objects

    def logged_in(self, sender, request=None, user=None, **kwargs) -> None:
        self.events.record("login", request=request, user=user)

    def logged_out(self, sender, request=None, user=None, **kwargs) -> None:
        self.events.record("logout", request=request, user=user)

    def login_failed(self, sender, credentials=None, request=None, **kwargs) -> None:
        # Django has already replaced the password with stars; only the username is kept.
        username = str((credentials or {}).get("username") or "")
        self.events.record("login_failed", request=request, username=username)

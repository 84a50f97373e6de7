"""Who read or changed personal data, who was refused it, and who signed in or out.

The trail outlives what it describes: rows hold ids, usernames and the pseudonyms shown at the
time as plain values, never foreign keys, so erasing a patient or deleting an account leaves
every event as it was written. It is append-only: the admin offers nobody a change or delete,
and on PostgreSQL a trigger (migration 0001) refuses every UPDATE and DELETE.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.ratelimit import client_address
from config.redact import redact


class AuditEventQuerySet(models.QuerySet):
    def about_patient(self, patient_id: int) -> AuditEventQuerySet:
        return self.filter(patient_id=patient_id)

    def record(
        self,
        action: str,
        *,
        request: HttpRequest | None = None,
        user=None,
        username: str = "",
        patient_id: int | None = None,
        screening_id: int | None = None,
        target: str = "",
    ) -> AuditEvent:
        """One event. With a request: its user (unless given), path (links redacted) and the
        client address, by the same rule as the rate limits and the login lockout."""
        if user is None and request is not None:
            user = getattr(request, "user", None)
        known = user is not None and getattr(user, "is_authenticated", False)
        return self.create(
            action=action,
            user_id=user.pk if known else None,
            username=(user.get_username() if known else username)[:150],
            patient_id=patient_id,
            screening_id=screening_id,
            target=target[:200],
            path=redact(request.get_full_path())[:300] if request is not None else "",
            address=(client_address(request) if request is not None else "")[:64],
        )


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        SCREEN = "screen", _("Screened")
        IMPORT = "import", _("Imported FHIR")
        EXPORT = "export", _("Exported")
        REPORT = "report", _("Printed a report")
        REFERRAL = "referral", _("Changed a referral")
        ERASE = "erase", _("Erased")
        REFUSED = "refused", _("Refused access")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    # The account as it was: its id and its username (a failed sign-in: the username typed).
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    screening_id = models.BigIntegerField(null=True, blank=True)
    # What was touched, in words that survive the deletion of the rows ("log NCT02403947").
    target = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        # Viewing is the only permission there is: nobody can be granted change or delete.
        default_permissions = ("view",)
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.target}"

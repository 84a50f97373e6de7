"""A patient's journey: their anonymous screening (reached only through an unguessable link),
what they asked the study teams, the emails waiting to go out, and their "notify me"
subscriptions.

A screening's link is never stored: only its SHA-256, so a copy of the database opens no
screening. Contact requests are not linked to the screening: once sent, they belong to the
site and outlive "delete my answers", until their retention period ends
(CONTACT_REQUEST_RETENTION_DAYS), when their personal data is erased and the status stays. The
screening keeps only which trials it asked, and on which day (`contacted`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"
KEEP_DAYS = 30


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class PatientScreeningQuerySet(models.QuerySet):
    def for_token(self, token: str) -> PatientScreeningQuerySet:
        return self.filter(token_hash=token_hash(token))

    def expired(self, now=None) -> PatientScreeningQuerySet:
        """Kept 30 days after the last visit; a screening never answered only a day."""
        now = now or timezone.now()
        return self.filter(
            models.Q(last_visit_at__lt=now - timedelta(days=KEEP_DAYS))
            | models.Q(answers={}, last_visit_at__lt=now - timedelta(days=1))
        )


class PatientScreening(models.Model):
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    answers = models.JSONField(default=dict, blank=True)
    # The concepts answered, in the order they were first answered: the interview's "Back"
    # and its list of earlier answers (a JSON object's keys keep no order in PostgreSQL).
    asked = models.JSONField(default=list, blank=True)
    # Where the patient said they live ({"town", "country"}), for distances to trial sites only:
    # never screened on, never sent to a study team.
    place = models.JSONField(null=True, blank=True)
    language = models.CharField(max_length=8, default="en")
    # {trial id: "YYYY-MM-DD"} of the study teams this link asked to be contacted by, so the
    # pages say "request sent" instead of offering the form again. Only the day: the request
    # itself (name, address) stays unlinked from the answers.
    contacted = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_visit_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PatientScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient screening")

    def __str__(self) -> str:
        return f"patient screening {self.pk}"

    def contacted_on(self, trial_id: str) -> date | None:
        """The day this screening asked the trial's study team to contact the patient."""
        day = self.contacted.get(trial_id)
        return date.fromisoformat(day) if day else None

    @property
    def expires_on(self):
        return (self.last_visit_at + timedelta(days=KEEP_DAYS)).date()


class ContactRequestQuerySet(models.QuerySet):
    def past_retention(self, days: int, now=None) -> ContactRequestQuerySet:
        cutoff = (now or timezone.now()) - timedelta(days=days)
        return self.filter(created_at__lt=cutoff, erased_at__isnull=True)


class ContactRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        DECLINED = "declined", _("Declined")
        ENROLLED = "enrolled", _("Enrolled")

    trial = models.ForeignKey("trials.Trial", on_delete=models.PROTECT, related_name="contact_requests")
    site = models.ForeignKey(
        "trials.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_requests"
    )
    # The site as it was named to the patient, in case the site row changes later.
    site_label = models.CharField(max_length=500)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    language = models.CharField(_("preferred language"), max_length=8)
    # The exact consent the patient ticked, in the words they saw.
    consent_text = models.TextField()
    consented_at = models.DateTimeField(default=timezone.now)
    # The verdict and every criterion's status: nothing the patient did not write themselves.
    summary = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Past CONTACT_REQUEST_RETENTION_DAYS the personal data is erased; the status stays.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact request")

    def __str__(self) -> str:
        return f"{self.trial.trial_id} #{self.pk}"


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; the message is pending again, due at
    `retry_at`."""

    def __init__(self, reason: str, retry_at=None):
        super().__init__(reason)
        self.retry_at = retry_at


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self) -> OutboxMessageQuerySet:
        return self.filter(status=OutboxMessage.Status.PENDING)

    def lapsed(self, now=None) -> OutboxMessageQuerySet:
        """Claimed for sending by a worker that has not recorded the outcome in time: it died
        (or lost the database) between its claim and its commit, maybe after the mail server
        accepted the message."""
        return self.filter(status=OutboxMessage.Status.SENDING, due_at__lte=now or timezone.now())

    def overdue(self, grace: timedelta, now=None) -> OutboxMessageQuerySet:
        """Pending for longer than `grace` after they were due: the task that should have sent
        them was never queued (broker down) or was lost."""
        return self.filter(status=OutboxMessage.Status.PENDING, due_at__lte=(now or timezone.now()) - grace)

    def sent_before(self, moment) -> OutboxMessageQuerySet:
        return self.filter(status=OutboxMessage.Status.SENT, sent_at__lt=moment, erased_at__isnull=True)


class OutboxMessage(models.Model):
    """An email that must not be lost: written in the same transaction as what caused it,
    delivered by a task afterwards.

    pending -> sending (committed, with the stable Message-ID, before the mail server is
    contacted) -> sent (committed after it accepted). A worker that dies in between leaves
    the row "sending" until `due_at` (the claim's lease) passes; then it is owed again and sent
    once more with the same Message-ID: delivery is at least once, and a receiver can drop the
    copy. Erased rows keep only ids, kind, status and timestamps."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Erased before it was sent")

    class Kind(models.TextChoices):
        CONTACT_SITE = "contact_site", _("Contact request to the site")
        CONTACT_CONFIRMATION = "contact_confirmation", _("Confirmation to the patient")
        LINK = "link", _("Screening link")
        SUBSCRIPTION_CONFIRM = "subscription_confirm", _("Confirm a subscription")
        DIGEST = "digest", _("New trials digest")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    contact_request = models.ForeignKey(
        ContactRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # The screening a link, confirmation or digest email was sent for, so "delete my answers"
    # finds and erases them (contact requests are the site's: not linked to the screening).
    screening = models.ForeignKey(
        PatientScreening, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Stable across retries, so a mail server that did receive a first attempt can spot a copy.
    message_id = models.CharField(max_length=200, unique=True)
    # The address and body are wiped once sent (the screening link email: nothing kept).
    erase_after_send = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    # Pending: when the next attempt is due. Sending: when the worker's claim lapses.
    due_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


class Subscription(models.Model):
    """'Notify me' for one screening: confirmed by a link sent to the address (double opt-in);
    deleted with the screening."""

    screening = models.ForeignKey(PatientScreening, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Trial ids this subscriber has already been shown as likely eligible; never told twice.
    notified_trials = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screening", "email"], name="one_subscription_per_email")
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk}"

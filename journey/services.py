"""Writes of the patient journey: screenings behind unguessable links, contact requests and
their outbox, "notify me" subscriptions, and the outbox's delivery.

Every email is an OutboxMessage row written in the same transaction as what caused it, and
queued for delivery only once that transaction has committed. Queueing never fails a request:
with the broker down the row stays pending and the beat task `requeue_pending_outbox` sends it
later. Logs name rows by id and kind only: never an answer, a name or an address.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.queueing import enqueue, enqueue_on_commit
from journey import tasks
from journey.models import (
    ContactRequest,
    DeliveryFailed,
    OutboxMessage,
    PatientScreening,
    Subscription,
    new_token,
    token_hash,
)
from screening.catalog import current_catalog
from screening.questionnaire import build_screening

log = logging.getLogger(__name__)

CONFIRM_SALT = "journey.subscription.confirm"
UNSUBSCRIBE_SALT = "journey.subscription.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600
NOTIFY_CHUNK_SIZE = 200
# A visit refreshes the 30-day clock at most this often (one UPDATE per hour, not per answer).
VISIT_RESOLUTION = timedelta(hours=1)


# --- Screenings ---------------------------------------------------------------------------


def patient_screening_start(*, language: str) -> tuple[PatientScreening, str]:
    """A new empty screening and its link token (returned once, never stored)."""
    token = new_token()
    screening = PatientScreening.objects.create(token_hash=token_hash(token), language=language)
    return screening, token


def patient_screening_visit(*, screening: PatientScreening, language: str) -> None:
    now = timezone.now()
    if now - screening.last_visit_at >= VISIT_RESOLUTION or screening.language != language:
        PatientScreening.objects.filter(pk=screening.pk).update(last_visit_at=now, language=language)
        screening.last_visit_at, screening.language = now, language


@transaction.atomic
def patient_screening_save_answers(*, screening: PatientScreening, changes: dict[str, object]) -> dict:
    """Applies `changes` (None removes an answer) under a row lock, so two answers sent at
    once from the same page both land."""
    row = PatientScreening.objects.select_for_update().get(pk=screening.pk)
    answers = dict(row.answers)
    for code, value in changes.items():
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    row.answers = answers
    row.last_visit_at = timezone.now()
    row.save(update_fields=["answers", "last_visit_at"])
    screening.answers, screening.last_visit_at = row.answers, row.last_visit_at
    return answers


def patient_screening_save_place(*, screening: PatientScreening, place: dict | None) -> None:
    """Where the patient lives (None forgets it); kept with the answers, never logged."""
    PatientScreening.objects.filter(pk=screening.pk).update(place=place, last_visit_at=timezone.now())
    screening.place = place


def patient_screening_clear(*, screening: PatientScreening) -> None:
    now = timezone.now()
    PatientScreening.objects.filter(pk=screening.pk).update(answers={}, place=None, last_visit_at=now)
    screening.answers, screening.place = {}, None


@transaction.atomic
def patient_screening_delete(*, screening: PatientScreening) -> None:
    """Deletes the answers and every subscription; contact requests already sent stay with
    the sites (they were never linked to the screening)."""
    screening.delete()


def patient_screenings_purge(*, now=None) -> int:
    count, _ = PatientScreening.objects.expired(now).delete()
    log.info("purged %d expired patient screenings (with their subscriptions)", count)
    return count


# --- Outbox -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message_id() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _render(template: str, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) from journey/email/<template>.txt: the first line is the subject."""
    with translation.override(language):
        text = render_to_string(f"journey/email/{template}.txt", {**context, "site_url": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _outbox_add(
    *,
    kind: str,
    to: str,
    template: str,
    language: str,
    context: dict,
    contact_request: ContactRequest | None = None,
    headers: dict | None = None,
    erase_after_send: bool = False,
) -> OutboxMessage:
    subject, body = _render(template, language, context)
    message = OutboxMessage.objects.create(
        kind=kind,
        contact_request=contact_request,
        to=to,
        subject=subject,
        body=body,
        headers=headers or {},
        message_id=_message_id(),
        erase_after_send=erase_after_send,
    )
    transaction.on_commit(lambda: outbox_queue(message_pk=message.pk))
    return message


def outbox_queue(*, message_pk: int) -> None:
    """Hands one message to the worker; never raises (the row stays pending and beat
    re-queues it). Inline (no broker configured) it is sent at once."""

    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            outbox_deliver(message_pk=message_pk)
        except DeliveryFailed:
            log.warning("outbox message %s not sent yet; stays pending", message_pk)
        return
    # A dead broker is logged by enqueue; the row stays pending and the beat sweep re-queues it.
    enqueue(tasks.deliver_outbox_message, message_pk)


def outbox_deliver(*, message_pk: int) -> bool:
    """Sends one pending message at most once: the row is locked (skipping a row another
    worker holds) and its status checked under the lock. True when this call sent it."""
    failure: Exception | None = None
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_pk, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message.message_id, **message.headers},
        )
        message.attempts += 1
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as error:
            # The exception text can quote the address: keep only its type.
            failure = error
            message.last_error = type(error).__name__
            message.save(update_fields=["attempts", "last_error"])
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            fields = ["attempts", "status", "sent_at", "last_error"]
            if message.erase_after_send:
                message.to, message.body = "erased@invalid", ""
                fields += ["to", "body"]
            message.save(update_fields=fields)
    if failure is not None:
        log.warning(
            "outbox message %s (%s) not delivered: %s", message_pk, message.kind, type(failure).__name__
        )
        raise DeliveryFailed(type(failure).__name__) from failure
    log.info("outbox message %s (%s) sent", message_pk, message.kind)
    return True


def outbox_pending_ids(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Pending messages old enough that their first queueing evidently did not deliver them."""
    cutoff = timezone.now() - older_than
    return list(OutboxMessage.objects.pending().filter(created_at__lt=cutoff).values_list("pk", flat=True))


# --- Emailing a screening's link ---------------------------------------------------------


def screening_url(token: str, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse("journey:questionnaire", kwargs={"token": token}))


@transaction.atomic
def patient_link_email(*, token: str, email: str, language: str) -> OutboxMessage:
    """The link, emailed once; the address and the body are erased as soon as it is sent."""
    return _outbox_add(
        kind=OutboxMessage.Kind.LINK,
        to=email,
        template="link",
        language=language,
        context={"url": screening_url(token, language), "keep_days": 30},
        erase_after_send=True,
    )


# --- Contact requests --------------------------------------------------------------------


def site_recipient(site) -> str:
    return (site.contact_email if site else "") or settings.STUDY_TEAM_FALLBACK_EMAIL


@transaction.atomic
def contact_request_create(
    *,
    trial,
    site,
    name: str,
    email: str,
    phone: str,
    language: str,
    consent_text: str,
    summary: dict,
) -> ContactRequest:
    """The request and both its emails (to the site, and the patient's confirmation in their
    language) in one transaction: all saved, or nothing."""
    request = ContactRequest.objects.create(
        trial=trial,
        site=site,
        site_label=str(site) if site else trial.sponsor or trial.trial_id,
        name=name,
        email=email,
        phone=phone,
        language=language,
        consent_text=consent_text,
        summary=summary,
    )
    context = {"contact": request, "trial": trial, "summary": summary}
    _outbox_add(
        kind=OutboxMessage.Kind.CONTACT_SITE,
        to=site_recipient(site),
        # The study team reads French or English: the site email is in the site's language
        # when known, else in the patient's.
        template="contact_site",
        language=language,
        context=context,
        contact_request=request,
        headers={"Reply-To": email},
    )
    _outbox_add(
        kind=OutboxMessage.Kind.CONTACT_CONFIRMATION,
        to=email,
        template="contact_confirmation",
        language=language,
        context=context,
        contact_request=request,
    )
    log.info("contact request %s saved for trial %s", request.pk, trial.trial_id)
    return request


# --- Notify me ---------------------------------------------------------------------------


def unsubscribe_url(subscription: Subscription) -> str:
    signed = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)
    with translation.override(subscription.language):
        return _absolute(reverse("journey:unsubscribe", kwargs={"signed": signed}))


def confirm_url(subscription: Subscription) -> str:
    signed = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
    with translation.override(subscription.language):
        return _absolute(reverse("journey:confirm", kwargs={"signed": signed}))


def subscription_from_signed(signed: str, *, purpose: str) -> Subscription | None:
    salt, max_age = (CONFIRM_SALT, CONFIRM_MAX_AGE) if purpose == "confirm" else (UNSUBSCRIBE_SALT, None)
    try:
        pk = signing.loads(signed, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


def _unsubscribe_headers(subscription: Subscription) -> dict:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def subscription_request(
    *, screening: PatientScreening, email: str, language: str, known_trials: Iterable[str]
) -> Subscription:
    """An unconfirmed subscription and the email that confirms it (double opt-in). Trials
    the patient can already see are counted as told."""
    subscription, _ = Subscription.objects.get_or_create(
        screening=screening,
        email=email,
        defaults={"language": language, "notified_trials": sorted(set(known_trials))},
    )
    _outbox_add(
        kind=OutboxMessage.Kind.SUBSCRIPTION_CONFIRM,
        to=email,
        template="subscription_confirm",
        language=language,
        context={"confirm_url": confirm_url(subscription), "unsubscribe_url": unsubscribe_url(subscription)},
        headers=_unsubscribe_headers(subscription),
    )
    return subscription


def subscription_confirm(*, subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


def likely_eligible(answers: dict, *, catalog=None) -> set[str]:
    """Trial ids whose verdict is 'eligible' for these answers, exactly as the patient's
    results panel computes them."""
    state = build_screening(catalog or current_catalog(), "patient", answers, timezone.localdate())
    return {r.info.trial_id for r in state.results if r.verdict == "eligible"}


def subscription_chunks(*, chunk_size: int = NOTIFY_CHUNK_SIZE) -> list[list[int]]:
    ids = list(
        Subscription.objects.filter(confirmed_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    return [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]


def subscribers_notify(*, subscription_ids: Iterable[int]) -> int:
    """Re-screens each confirmed subscriber and emails one digest of the trials newly likely
    eligible for them; returns how many digests were written. Idempotent: the trials told
    are recorded in the same transaction as the digest, so a repeat finds nothing new."""
    catalog = current_catalog()
    written = 0
    for pk in subscription_ids:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update()
                .select_related("screening")
                .filter(pk=pk, confirmed_at__isnull=False)
                .first()
            )
            if subscription is None:
                continue
            with translation.override(subscription.language):
                state = build_screening(
                    catalog, "patient", subscription.screening.answers, timezone.localdate()
                )
            eligible = {r.info.trial_id for r in state.results if r.verdict == "eligible"}
            new = sorted(eligible - set(subscription.notified_trials))
            if not new:
                continue
            trials = [r.info for r in state.results if r.info.trial_id in new]
            _outbox_add(
                kind=OutboxMessage.Kind.DIGEST,
                to=subscription.email,
                template="digest",
                language=subscription.language,
                context={
                    "trials": trials,
                    "start_url": _absolute(reverse("screening:start")),
                    "unsubscribe_url": unsubscribe_url(subscription),
                },
                headers=_unsubscribe_headers(subscription),
            )
            subscription.notified_trials = sorted(set(subscription.notified_trials) | eligible)
            subscription.save(update_fields=["notified_trials"])
            written += 1
    return written


def journey_notify_on_commit(trial) -> None:
    """Call when a trial is published or its criteria change: once the transaction commits,
    every confirmed subscriber is re-screened (the queueing never fails the publication)."""

    if not Subscription.objects.filter(confirmed_at__isnull=False).exists():
        return
    enqueue_on_commit(tasks.notify_subscribers, trial.pk)

"""Writes of the patient journey: screenings behind unguessable links, contact requests and
their outbox, "notify me" subscriptions, and the outbox's delivery.

Every email is an OutboxMessage row written in the same transaction as what caused it, and
queued for delivery only once that transaction has committed. Queueing never fails a request:
with the broker down the row stays pending and every worker's outbox sweep sends it later
(`outbox_deliver` says what delivery guarantees). Logs name rows by id and kind only: never an
answer, a name or an address.
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
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.queueing import enqueue, enqueue_on_commit
from config.termination import termination_deferred
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
    answers, asked = dict(row.answers), [code for code in row.asked if code in row.answers]
    for code, value in changes.items():
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    # A changed answer keeps its place in the order; a new one goes last.
    asked = [code for code in asked if code in answers]
    asked += [code for code in answers if code not in asked]
    row.answers, row.asked = answers, asked
    row.last_visit_at = timezone.now()
    row.save(update_fields=["answers", "asked", "last_visit_at"])
    screening.answers, screening.asked, screening.last_visit_at = row.answers, row.asked, row.last_visit_at
    return answers


def patient_screening_save_place(*, screening: PatientScreening, place: dict | None) -> None:
    """Where the patient lives (None forgets it); kept with the answers, never logged."""
    PatientScreening.objects.filter(pk=screening.pk).update(place=place, last_visit_at=timezone.now())
    screening.place = place


def patient_screening_clear(*, screening: PatientScreening) -> None:
    now = timezone.now()
    PatientScreening.objects.filter(pk=screening.pk).update(
        answers={}, asked=[], place=None, last_visit_at=now
    )
    screening.answers, screening.asked, screening.place = {}, [], None


@transaction.atomic
def patient_screening_delete(*, screening: PatientScreening) -> None:
    """Deletes the answers and every subscription, and erases every email sent for them (the
    link, subscription confirmations, digests: addresses, bodies and headers; ids, status and
    dates stay); one not sent yet is cancelled. Contact requests already sent stay with the
    sites (they were never linked to the screening) until their retention period ends."""
    outbox_erase(OutboxMessage.objects.filter(screening=screening))
    screening.delete()


@transaction.atomic
def patient_screenings_purge(*, now=None) -> int:
    expired = PatientScreening.objects.expired(now)
    outbox_erase(OutboxMessage.objects.filter(screening__in=expired))
    count, _ = expired.delete()
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
    screening: PatientScreening | None = None,
    headers: dict | None = None,
    erase_after_send: bool = False,
) -> OutboxMessage:
    subject, body = _render(template, language, context)
    message = OutboxMessage.objects.create(
        kind=kind,
        contact_request=contact_request,
        screening=screening,
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
    """Hands one message to the worker; never raises (the row stays pending and a worker's
    sweep re-queues it). Inline (no broker configured) it is sent at once."""

    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            outbox_deliver(message_pk=message_pk)
        except (DeliveryFailed, StillSending, SentNotRecorded):
            log.warning("outbox message %s not sent yet; stays owed", message_pk)
        return
    # A dead broker is logged by enqueue; the row stays pending and the sweep re-queues it.
    enqueue(tasks.deliver_outbox_message, message_pk)


class StillSending(Exception):
    """Another worker claimed the message and its lease has not lapsed: try again then."""

    def __init__(self, until):
        super().__init__(f"claimed until {until.isoformat()}")
        self.until = until


class SentNotRecorded(Exception):
    """The mail server accepted the message but "sent" could not be committed (the database
    failed): record it again soon, before the claim lapses and the message is sent again."""

    def __init__(self, message_pk: int, attempt: int):
        super().__init__(f"outbox message {message_pk} attempt {attempt} sent, not recorded")
        self.message_pk, self.attempt = message_pk, attempt


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)


def outbox_retry_delay(attempts: int) -> timedelta:
    """After a refused or failed send: 30 s, 1, 2, 4... minutes, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


_ERASED = {"to": "", "subject": "", "body": "", "headers": {}}


def _claim(message_pk: int) -> OutboxMessage | None:
    """Commits "sending" (with the attempt counted) before anything is sent, so a crash later
    is seen as a lapsed claim, never as a message nobody touched. None when there is nothing
    to send: sent, erased, or locked this instant by another worker claiming it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_pk, status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING))
            .first()
        )
        if message is None:
            return None
        if message.erased_at is not None:
            message.status = OutboxMessage.Status.CANCELLED
            message.save(update_fields=["status"])
            return None
        if message.status == OutboxMessage.Status.SENDING and message.due_at > now:
            raise StillSending(message.due_at)
        message.status = OutboxMessage.Status.SENDING
        message.attempts += 1
        message.due_at = now + _lease()
        message.save(update_fields=["status", "attempts", "due_at"])
    return message


def _record_failure(message: OutboxMessage, error: Exception):
    """Pending again, due after a backoff that grows with the attempts; returns when."""
    retry_at = timezone.now() + outbox_retry_delay(message.attempts)
    # The exception text can quote the address: keep only its type.
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, attempts=message.attempts
    ).update(status=OutboxMessage.Status.PENDING, due_at=retry_at, last_error=type(error).__name__)
    return retry_at


def _record_sent(message_pk: int, attempt: int) -> bool:
    """Marks the message sent, unless another attempt has claimed it since (then that one
    sends it again: the at-least-once case). Erases what erase_after_send says to."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(
                pk=message_pk,
                attempts=attempt,
                status__in=(OutboxMessage.Status.SENDING, OutboxMessage.Status.PENDING),
            )
            .first()
        )
        if message is None:
            return False
        now = timezone.now()
        fields = {"status": OutboxMessage.Status.SENT, "sent_at": now, "last_error": ""}
        if message.erase_after_send and message.erased_at is None:
            fields.update(_ERASED, erased_at=now)
        OutboxMessage.objects.filter(pk=message_pk).update(**fields)
    return True


def outbox_deliver(*, message_pk: int) -> bool:
    """Sends one message; True when this call sent it.

    1. Claim: "sending" and the attempt are committed, with the stable Message-ID, first.
    2. Send through the mail server.
    3. Commit "sent".
    A worker that dies between 2 and 3 leaves a claim that lapses after
    OUTBOX_SENDING_LEASE_SECONDS; the message is then sent again, with the same Message-ID (at
    least once). A graceful stop (SIGTERM) cannot fall between them: it waits until 3 is
    committed. A database failure at 3 raises SentNotRecorded, and only the mark is retried.
    Raises DeliveryFailed (the message is pending again, due after a backoff) when the mail
    server refuses, StillSending while another worker's claim holds."""
    message = _claim(message_pk)
    if message is None:
        return False
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, **message.headers},
    )
    with termination_deferred():
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as error:
            retry_at = _record_failure(message, error)
            log.warning(
                "outbox message %s (%s) not delivered: %s", message_pk, message.kind, type(error).__name__
            )
            raise DeliveryFailed(type(error).__name__, retry_at) from error
        try:
            _record_sent(message_pk, message.attempts)
        except DatabaseError as error:
            log.warning("outbox message %s sent; recording it failed (%s)", message_pk, type(error).__name__)
            raise SentNotRecorded(message_pk, message.attempts) from error
    log.info("outbox message %s (%s) sent", message_pk, message.kind)
    return True


def outbox_record_sent(*, message_pk: int, attempt: int) -> bool:
    """The retry of a "sent" that the database refused (SentNotRecorded)."""
    recorded = _record_sent(message_pk, attempt)
    log.info(
        "outbox message %s: sent attempt %s %s", message_pk, attempt, "recorded" if recorded else "superseded"
    )
    return recorded


def outbox_sweep(*, now=None) -> list[int]:
    """Queues what is owed and has no task on its way: lapsed claims (their worker died while
    sending) and pending messages overdue by OUTBOX_SWEEP_GRACE_SECONDS (queued while the broker
    was down, or their retry was lost). Each is pushed back by the grace period, so sweeps
    from several workers queue it once. Every worker runs this on start and every
    OUTBOX_SWEEP_SECONDS (journey.tasks.OutboxSweep), beat too: no beat is needed."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        lapsed = list(
            OutboxMessage.objects.lapsed(now).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=lapsed).update(
            status=OutboxMessage.Status.PENDING, due_at=now, last_error="worker lost while sending"
        )
        # (The claims just put back are due now, so not overdue: each is queued once below.)
        overdue = list(
            OutboxMessage.objects.overdue(grace, now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=overdue).update(due_at=now)
    owed = lapsed + overdue
    for pk in owed:
        outbox_queue(message_pk=pk)
    if owed:
        log.info("outbox sweep queued %d message(s) (%d lapsed claims)", len(owed), len(lapsed))
    return owed


# --- Erasure and retention ----------------------------------------------------------------


def outbox_erase(messages: QuerySet[OutboxMessage]) -> int:
    """Erases what a message said and to whom (address, subject, body, headers), keeping its
    ids, kind, status and timestamps; a message not sent yet is cancelled."""
    now = timezone.now()
    rows = messages.filter(erased_at__isnull=True)
    count = rows.update(**_ERASED, erased_at=now)
    messages.filter(status=OutboxMessage.Status.PENDING).update(status=OutboxMessage.Status.CANCELLED)
    return count


def outbox_purge_sent(*, now=None) -> int:
    """Sent messages lose their content OUTBOX_SENT_RETENTION_DAYS after they were sent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_SENT_RETENTION_DAYS)
    count = outbox_erase(OutboxMessage.objects.sent_before(cutoff))
    log.info("erased the content of %d sent outbox message(s)", count)
    return count


@transaction.atomic
def contact_request_erase(*, request: ContactRequest) -> None:
    """The patient's name, email, phone, consent wording and summary, and every email about
    the request, are erased; the trial, site, language, status and dates stay for the
    coordinators' follow-up counts."""
    ContactRequest.objects.filter(pk=request.pk).update(
        name="", email="", phone="", consent_text="", summary={}, erased_at=timezone.now()
    )
    outbox_erase(OutboxMessage.objects.filter(contact_request_id=request.pk))


def contact_requests_purge(*, now=None) -> int:
    """Contact requests past CONTACT_REQUEST_RETENTION_DAYS lose their personal data."""
    expired = list(ContactRequest.objects.past_retention(settings.CONTACT_REQUEST_RETENTION_DAYS, now))
    for request in expired:
        contact_request_erase(request=request)
    log.info("erased the personal data of %d contact request(s) past retention", len(expired))
    return len(expired)


# --- Emailing a screening's link ---------------------------------------------------------


def screening_url(token: str, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse("journey:questionnaire", kwargs={"token": token}))


@transaction.atomic
def patient_link_email(
    *, screening: PatientScreening, token: str, email: str, language: str
) -> OutboxMessage:
    """The link, emailed once; the address and the body are erased as soon as it is sent."""
    return _outbox_add(
        kind=OutboxMessage.Kind.LINK,
        screening=screening,
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
    screening: PatientScreening,
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
    language, which names the study team's address and replies to it) in one transaction, with
    the day noted on the screening: all saved, or nothing."""
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
    team = site_recipient(site)
    context = {"contact": request, "trial": trial, "summary": summary, "team_email": team}
    _outbox_add(
        kind=OutboxMessage.Kind.CONTACT_SITE,
        to=team,
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
        # "Reply to have it deleted" (the delete page's promise) reaches the study team.
        headers={"Reply-To": team},
    )
    row = PatientScreening.objects.select_for_update().get(pk=screening.pk)
    row.contacted = {**row.contacted, trial.trial_id: timezone.localdate().isoformat()}
    row.save(update_fields=["contacted"])
    screening.contacted = row.contacted
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
        screening=screening,
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


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    """Unsubscribed: the address goes, with every email that was sent to it for this
    screening (confirmation and digests)."""
    outbox_erase(
        OutboxMessage.objects.filter(
            screening_id=subscription.screening_id,
            to=subscription.email,
            kind__in=(OutboxMessage.Kind.SUBSCRIPTION_CONFIRM, OutboxMessage.Kind.DIGEST),
        )
    )
    subscription.delete()


def likely_eligible(answers: dict, *, catalog=None) -> set[str]:
    """Trial ids whose verdict is 'eligible' for these answers, exactly as the patient's
    results panel computes them."""
    state = build_screening(catalog or current_catalog(), "patient", answers, timezone.localdate())
    return set(state.trial_ids("eligible"))


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
            eligible = set(state.trial_ids("eligible"))
            new = sorted(eligible - set(subscription.notified_trials))
            if not new:
                continue
            trials = [catalog.trials[trial_id] for trial_id in state.trial_ids("eligible") if trial_id in new]
            _outbox_add(
                kind=OutboxMessage.Kind.DIGEST,
                screening=subscription.screening,
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

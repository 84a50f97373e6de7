"""The outbox: a contact request is saved even when Redis is unreachable, and its emails go out
when delivery is possible again; "sending" is committed before the mail server is contacted,
"sent" after it accepted, a claim whose worker died lapses and is swept back, and only a crash
between the two sends a copy (with the same Message-ID). The real-process version of each fault
is in tests/test_faults_outbox.py."""

import smtplib
import threading
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from config.celery import app
from journey import services, tasks
from journey.models import ContactRequest, OutboxMessage
from tests.journey_helpers import (
    celery_broker,
    contact_data,
    eligible_answers,
    reseeded_afterwards,
    with_answers,
)
from tests.private_services import free_port

pytestmark = pytest.mark.django_db
__all__ = ["reseeded_afterwards"]
CONTACT = "trials/NCT06592703/contact/"


def make_pending(count: int = 1) -> list[OutboxMessage]:
    return [
        OutboxMessage.objects.create(
            kind="link", to=f"p{i}@example.org", subject="s", body="b", message_id=f"<m{i}@test>"
        )
        for i in range(count)
    ]


def test_with_redis_unreachable_the_request_is_saved_and_its_emails_wait(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    url = with_answers(client, eligible_answers())
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    with celery_broker(nothing_listens), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + CONTACT, contact_data())
    assert response.status_code == 302  # the patient sees their request sent, not an error
    assert ContactRequest.objects.count() == 1
    assert list(OutboxMessage.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert "its sweep will queue it later" in caplog.text
    assert mail.outbox == []


def test_once_redis_is_back_the_sweep_delivers_each_message_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the worker, inline
    messages = make_pending(2)
    OutboxMessage.objects.update(due_at=messages[0].created_at - timedelta(minutes=5))
    assert tasks.requeue_pending_outbox() == 2
    assert tasks.requeue_pending_outbox() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_delivering_twice_sends_once():
    (message,) = make_pending()
    assert tasks.deliver_outbox_message(message.pk) is True
    assert tasks.deliver_outbox_message(message.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == "<m0@test>"


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has no row locks; DATABASE_URL=postgres://… (as .ci/run)"
)
def test_concurrent_deliveries_send_once(reseeded_afterwards, transactional_db):
    """Two workers on the same message at the same moment (a redelivered task, and the re-queue
    sweep): the row lock and the claim let exactly one send. The other finds the row locked
    (nothing to do) or claimed (it would retry once the claim lapses, and find it sent)."""
    (message,) = make_pending()
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(services.outbox_deliver(message_pk=message.pk))
        except services.StillSending:
            results.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_leaves_the_message_pending_and_a_retry_sends_it_once(monkeypatch):
    (message,) = make_pending()
    real_send = mail.EmailMessage.send

    def refused(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed by p0@example.org")

    monkeypatch.setattr(mail.EmailMessage, "send", refused)
    with pytest.raises(services.DeliveryFailed):
        services.outbox_deliver(message_pk=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "SMTPServerDisconnected")

    monkeypatch.setattr(mail.EmailMessage, "send", real_send)
    assert services.outbox_deliver(message_pk=message.pk) is True
    assert services.outbox_deliver(message_pk=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_a_refused_message_is_due_again_after_a_growing_backoff_and_the_task_retries_then(monkeypatch):
    (message,) = make_pending()

    def refused(self, fail_silently=False):
        raise smtplib.SMTPDataError(451, "try later")

    monkeypatch.setattr(mail.EmailMessage, "send", refused)
    retried = []
    monkeypatch.setattr(tasks.deliver_outbox_message, "retry", lambda **kw: retried.append(kw) or Retry())
    for attempt in (1, 2, 3):
        OutboxMessage.objects.filter(pk=message.pk).update(due_at=timezone.now())
        with pytest.raises(Retry):
            tasks.deliver_outbox_message.run(message.pk)
        message.refresh_from_db()
        delay = (message.due_at - timezone.now()).total_seconds()
        assert (message.status, message.attempts) == ("pending", attempt)
        assert 30 * 2 ** (attempt - 1) - 5 < delay <= 30 * 2 ** (attempt - 1)
        assert abs(retried[-1]["countdown"] - delay) < 5
    assert services.outbox_retry_delay(50) == timedelta(hours=1)


def test_the_emailed_link_is_erased_once_sent(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    screening, token = services.patient_screening_start(language="en")
    message = services.patient_link_email(
        screening=screening, token=token, email="me@example.org", language="en"
    )
    services.outbox_deliver(message_pk=message.pk)
    message.refresh_from_db()
    assert token in mail.outbox[0].body
    assert (message.to, message.subject, message.body, message.headers) == ("", "", "", {})
    assert message.status == "sent" and message.erased_at is not None


def test_beat_requeues_pending_messages_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-pending-outbox"]
    assert entry["task"] == "journey.tasks.requeue_pending_outbox"


def test_sending_is_recorded_with_the_message_id_before_the_mail_server_is_contacted(monkeypatch):
    (message,) = make_pending()
    seen = []

    def observe(self, fail_silently=False):
        row = OutboxMessage.objects.get(pk=message.pk)
        seen.append((row.status, row.attempts, self.extra_headers["Message-ID"]))
        return 1

    monkeypatch.setattr(mail.EmailMessage, "send", observe)
    assert services.outbox_deliver(message_pk=message.pk) is True
    assert seen == [("sending", 1, "<m0@test>")]
    assert OutboxMessage.objects.get(pk=message.pk).status == "sent"


def test_a_claim_whose_worker_died_lapses_and_the_sweep_sends_it_again_with_the_same_message_id(settings):
    """What a SIGKILL between the mail server's acceptance and the commit leaves: "sending"."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    (message,) = make_pending()
    lapse = timezone.now() + timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1, due_at=lapse)
    with pytest.raises(services.StillSending) as busy:
        services.outbox_deliver(message_pk=message.pk)  # the claim holds: wait for it
    assert busy.value.until == lapse
    assert services.outbox_sweep() == [] and mail.outbox == []

    assert services.outbox_sweep(now=lapse) == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == ["<m0@test>"]


def test_a_database_failure_after_the_send_retries_only_the_mark(monkeypatch):
    (message,) = make_pending()
    real = services._record_sent
    monkeypatch.setattr(
        services, "_record_sent", lambda pk, attempt: (_ for _ in ()).throw(OperationalError())
    )
    with pytest.raises(services.SentNotRecorded) as unrecorded:
        services.outbox_deliver(message_pk=message.pk)
    assert OutboxMessage.objects.get(pk=message.pk).status == "sending"
    monkeypatch.setattr(services, "_record_sent", real)

    assert tasks.deliver_outbox_message.run(message.pk, sent_attempt=unrecorded.value.attempt) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1
    # A mark that arrives after another attempt claimed the message changes nothing.
    assert services.outbox_record_sent(message_pk=message.pk, attempt=0) is False


def test_an_erased_message_is_never_sent(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    (message,) = make_pending()
    services.outbox_erase(OutboxMessage.objects.filter(pk=message.pk))
    assert services.outbox_deliver(message_pk=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.to, message.body) == ("cancelled", "", "")
    assert mail.outbox == []


def test_the_sweep_queues_an_overdue_message_once_per_grace_period(settings, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "outbox_queue", lambda *, message_pk: queued.append(message_pk))
    (message,) = make_pending()
    now = timezone.now()
    assert services.outbox_sweep(now=now) == []  # just written: its own task is on the way
    later = now + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)
    assert services.outbox_sweep(now=later) == [message.pk]
    assert services.outbox_sweep(now=later + timedelta(seconds=1)) == []  # another worker's sweep
    assert queued == [message.pk]


def test_every_worker_sweeps_so_an_owed_message_goes_out_within_five_minutes_without_beat(settings):
    assert tasks.OutboxSweep in app.steps["worker"]
    assert settings.OUTBOX_SENDING_LEASE_SECONDS + settings.OUTBOX_SWEEP_SECONDS < 5 * 60
    assert settings.OUTBOX_SENDING_LEASE_SECONDS > 3 * settings.EMAIL_TIMEOUT

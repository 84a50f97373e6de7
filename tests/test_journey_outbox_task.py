"""The outbox: a contact request is saved even when Redis is unreachable, and its emails go out
exactly once when delivery is possible again, however many times delivery runs."""

import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection

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


def test_once_redis_is_back_the_requeue_task_delivers_each_message_once(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the worker, inline
    messages = make_pending(2)
    OutboxMessage.objects.update(created_at=messages[0].created_at.replace(year=2025))
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
    beat): the row lock and the status check let exactly one send."""
    (message,) = make_pending()
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(services.outbox_deliver(message_pk=message.pk))
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


def test_the_delivery_task_retries_with_backoff_on_failure():
    task = tasks.deliver_outbox_message
    assert services.DeliveryFailed in task.autoretry_for
    assert task.retry_backoff and task.max_retries >= 24


def test_the_emailed_link_is_erased_once_sent(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    screening, token = services.patient_screening_start(language="en")
    message = services.patient_link_email(token=token, email="me@example.org", language="en")
    services.outbox_deliver(message_pk=message.pk)
    message.refresh_from_db()
    assert token in mail.outbox[0].body
    assert message.to == "erased@invalid" and message.body == "" and token not in message.subject


def test_beat_requeues_pending_messages_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-pending-outbox"]
    assert entry["task"] == "journey.tasks.requeue_pending_outbox"

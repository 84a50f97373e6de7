"""Erasure and retention: "delete my answers" erases every copy of what the patient typed
(outbox addresses, bodies and headers included) keeping only ids, statuses and dates; sent
emails lose their content after 30 days; contact requests lose their personal data after the
retention period (the coordinators keep the status). A scan of every table in the database,
history tables included, finds nothing once the erasure is done."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from journey import services
from journey.models import ContactRequest, OutboxMessage, Subscription
from tests.database_scan import tables_containing
from tests.journey_helpers import contact_data, eligible_answers, inline_delivery, screening_of, with_answers

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]
CONTACT = "trials/NCT06592703/contact/"

# Found nowhere else: whatever of them is left after the erasure is a copy that was missed.
NAME = "Philomene Vrataskova"
EMAIL = "philomene.vr4t4sk0va@example.org"
PHONE = "+33 6 71 82 93 04"
NEEDLES = (NAME, EMAIL, PHONE, "Vrataskova", "vr4t4sk0va", "71 82 93 04")


def tables_holding(needles=NEEDLES) -> dict[str, set[str]]:
    return tables_containing(needles)


def a_whole_journey(client, django_capture_on_commit_callbacks) -> str:
    """Answers, the link emailed, notify-me confirmed with a digest, a contact request, and a
    coordinator reading it in the admin: every place the name, email or phone can go."""
    url = with_answers(client, eligible_answers())
    screening = screening_of(url)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "keep/", {"email": EMAIL}).status_code == 302
        assert client.post(url + "notify/", {"email": EMAIL, "consent": "on"}).status_code == 302
    subscription = Subscription.objects.get(screening=screening)
    services.subscription_confirm(subscription=subscription)
    Subscription.objects.filter(pk=subscription.pk).update(notified_trials=[])  # new trials to tell
    with django_capture_on_commit_callbacks(execute=True):
        assert services.subscribers_notify(subscription_ids=[subscription.pk]) == 1
        response = client.post(url + CONTACT, contact_data(name=NAME, email=EMAIL, phone=PHONE))
    assert response.status_code == 302
    coordinator = User.objects.create_user("coord", password="pw", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Coordinators"))
    staff = Client()
    staff.force_login(coordinator)
    request = ContactRequest.objects.get()
    assert NAME in staff.get(f"/admin/journey/contactrequest/{request.pk}/change/").content.decode()
    assert OutboxMessage.objects.filter(kind="digest").exists()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    return url


def test_after_delete_my_answers_and_the_retention_period_no_table_holds_a_copy(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    url = a_whole_journey(client, django_capture_on_commit_callbacks)
    assert set(tables_holding()) == {
        "journey_contactrequest",
        "journey_outboxmessage",
        "journey_subscription",
    }

    assert client.post(url + "delete/").status_code == 302
    # What stays is the request the patient sent to the site (theirs until the retention ends),
    # and the two emails about it.
    assert tables_holding() == {
        "journey_contactrequest": {"name", "email", "phone"},
        "journey_outboxmessage": {"to", "body", "headers"},
    }
    assert set(OutboxMessage.objects.filter(erased_at__isnull=True).values_list("kind", flat=True)) == {
        "contact_site",
        "contact_confirmation",
    }

    past_retention = timezone.now() + timedelta(days=settings.CONTACT_REQUEST_RETENTION_DAYS + 1)
    assert services.contact_requests_purge(now=past_retention) == 1
    assert tables_holding() == {}


def test_delete_my_answers_erases_every_email_about_the_screening_keeping_ids_status_and_dates(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    url = with_answers(client, eligible_answers())
    screening = screening_of(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": EMAIL, "consent": "on"})
    services.patient_link_email(screening=screening, token=url.split("/")[3], email=EMAIL, language="en")
    sent, unsent = (
        OutboxMessage.objects.get(kind="subscription_confirm"),
        OutboxMessage.objects.get(kind="link"),
    )
    assert (sent.status, unsent.status) == ("sent", "pending")  # the second never left

    client.post(url + "delete/")
    for message, status in ((sent, "sent"), (unsent, "cancelled")):
        before = message
        message = OutboxMessage.objects.get(pk=before.pk)
        assert (message.to, message.subject, message.body, message.headers) == ("", "", "", {})
        assert (message.kind, message.status, message.created_at) == (before.kind, status, before.created_at)
        assert message.erased_at is not None and message.screening_id is None
    assert services.outbox_deliver(message_pk=unsent.pk) is False  # a late task sends nothing


def test_unsubscribing_erases_the_address_from_the_emails_sent_to_it(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": EMAIL, "consent": "on"})
    services.subscription_delete(subscription=Subscription.objects.get())
    assert tables_holding() == {}
    assert OutboxMessage.objects.get(kind="subscription_confirm").status == "sent"


def test_the_daily_purge_of_expired_screenings_erases_their_emails_too(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": EMAIL, "consent": "on"})
    assert services.patient_screenings_purge(now=timezone.now() + timedelta(days=31)) == 2  # + subscription
    assert tables_holding() == {}


def test_sent_messages_lose_their_content_after_thirty_days(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    assert settings.OUTBOX_SENT_RETENTION_DAYS == 30
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + CONTACT, contact_data(name=NAME, email=EMAIL, phone=PHONE))
    now = timezone.now()
    assert services.outbox_purge_sent(now=now + timedelta(days=29)) == 0
    assert services.outbox_purge_sent(now=now + timedelta(days=31)) == 2
    assert set(OutboxMessage.objects.values_list("status", "to", "body")) == {("sent", "", "")}
    # The request itself is the site's until its own retention ends.
    assert ContactRequest.objects.get().name == NAME


def test_a_contact_request_past_retention_keeps_its_status_for_the_coordinators(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    settings.CONTACT_REQUEST_RETENTION_DAYS = 90
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + CONTACT, contact_data(name=NAME, email=EMAIL, phone=PHONE))
    request = ContactRequest.objects.get()
    ContactRequest.objects.filter(pk=request.pk).update(status="enrolled")
    assert services.contact_requests_purge(now=timezone.now() + timedelta(days=89)) == 0
    assert services.contact_requests_purge(now=timezone.now() + timedelta(days=91)) == 1
    request.refresh_from_db()
    assert (request.name, request.email, request.phone, request.summary) == ("", "", "", {})
    assert (request.status, request.trial.trial_id, request.erased_at is not None) == (
        "enrolled",
        "NCT06592703",
        True,
    )
    assert tables_holding() == {}
    assert services.contact_requests_purge(now=timezone.now() + timedelta(days=200)) == 0  # once


def test_beat_runs_the_retention_purge_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-past-retention"]
    assert entry["task"] == "journey.tasks.purge_past_retention"

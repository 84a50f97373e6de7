"""'Notify me': double opt-in by email, then one digest of the trials newly likely eligible
when a trial is published or changes; every email unsubscribes in one click."""

import re

import pytest
from django.core import mail

from journey import services, tasks
from journey.models import OutboxMessage, Subscription
from tests.curation import publish_draft_edit
from tests.journey_helpers import eligible_answers, inline_delivery, screening_of, with_answers
from trials.models import Trial

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]


def link_in(body: str, kind: str) -> str:
    return re.search(rf"http://[^\s]+/{kind}/[^\s]+/", body).group(0).split("8000", 1)[1]


@pytest.fixture
def unpublished_trial():
    """NCT06592703 out of screening, so publishing it again makes it new to subscribers."""
    trial = Trial.objects.get(trial_id="NCT06592703")
    trial.return_to_review()
    return trial


def test_subscribing_sends_a_confirmation_and_nothing_else_until_confirmed(
    client, inline_delivery, django_capture_on_commit_callbacks, unpublished_trial
):
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "notify/", {"email": "p@example.org", "consent": "on"})
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    (confirmation,) = mail.outbox
    assert confirmation.to == ["p@example.org"] and "/notify/confirm/" in confirmation.body

    unpublished_trial.publish()
    assert services.subscribers_notify(subscription_ids=[subscription.pk]) == 0  # unconfirmed
    assert not OutboxMessage.objects.filter(kind="digest").exists()

    confirm = link_in(confirmation.body, "notify/confirm")
    assert "Yes, tell me about new trials" in client.get(confirm).content.decode()
    assert Subscription.objects.get().confirmed_at is None  # a link scanner's GET confirms nothing
    client.post(confirm)
    assert Subscription.objects.get().confirmed_at is not None


def test_without_consent_nothing_is_kept(client):
    url = with_answers(client, eligible_answers())
    response = client.post(url + "notify/", {"email": "p@example.org"})
    assert response.status_code == 422 and "Please tick this box" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_newly_published_trial_sends_one_digest_listing_only_new_matches_once(
    client, inline_delivery, django_capture_on_commit_callbacks, unpublished_trial
):
    url = with_answers(client, eligible_answers())
    subscription = Subscription.objects.create(
        screening=screening_of(url), email="p@example.org", language="fr", confirmed_at="2026-11-01T00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        unpublished_trial.publish()
    assert callbacks  # the publication queued the re-screening on commit (run inline here)
    subscription.refresh_from_db()
    (digest,) = [m for m in mail.outbox if m.to == ["p@example.org"]]
    assert "NCT06592703" in digest.body
    assert "nouveaux essais" in digest.subject.lower() or "nouveaux essais" in digest.body
    assert subscription.notified_trials == ["NCT06592703"]

    with django_capture_on_commit_callbacks(execute=True):
        publish_draft_edit(unpublished_trial, lambda copies: None)  # a new revision goes live
    assert tasks.notify_subscribers_chunk([subscription.pk]) == 0
    assert len([m for m in mail.outbox if m.to == ["p@example.org"]]) == 1  # told once


def test_trials_already_on_screen_when_subscribing_are_not_announced(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": "p@example.org", "consent": "on"})
    subscription = Subscription.objects.get()
    assert subscription.notified_trials == ["NCT06592703"]
    services.subscription_confirm(subscription=subscription)
    assert services.subscribers_notify(subscription_ids=[subscription.pk]) == 0


def test_publishing_queues_nothing_when_nobody_is_subscribed(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.notify_subscribers, "delay", queued.append)
    trial = Trial.objects.get(trial_id="NCT06592703")
    trial.return_to_review()
    with django_capture_on_commit_callbacks(execute=True):
        trial.publish()
    assert queued == []


def test_every_email_has_a_one_click_unsubscribe(client, inline_delivery, django_capture_on_commit_callbacks):
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": "p@example.org", "consent": "on"})
    (email,) = mail.outbox
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = email.extra_headers["List-Unsubscribe"].strip("<>").split("8000", 1)[1]
    unsubscribe = link_in(email.body, "unsubscribe")
    assert header == unsubscribe
    assert "Unsubscribe" in client.get(unsubscribe).content.decode()
    assert Subscription.objects.exists()  # GET only asks
    # A mail client's one-click POST carries no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert "You are unsubscribed" in client.get(unsubscribe).content.decode()


def test_a_forged_confirmation_link_is_a_404(client):
    assert client.get("/en/notify/confirm/forged/").status_code == 404

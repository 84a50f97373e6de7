"""Answers are kept 30 days after the last visit, then purged by the beat task."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from journey import services, tasks
from journey.models import PatientScreening, Subscription

pytestmark = pytest.mark.django_db


def make(days_ago: float, answers=None) -> PatientScreening:
    screening, _ = services.patient_screening_start(language="en")
    when = timezone.now() - timedelta(days=days_ago)
    PatientScreening.objects.filter(pk=screening.pk).update(
        last_visit_at=when, created_at=when, answers={"age": 50} if answers is None else answers
    )
    return screening


def test_it_purges_screenings_31_days_after_the_last_visit_and_keeps_29_day_old_ones():
    old, recent = make(31), make(29)
    Subscription.objects.create(screening=old, email="p@example.org")
    assert tasks.purge_expired_screenings() == 2  # the screening and its subscription
    assert list(PatientScreening.objects.all()) == [recent]
    assert Subscription.objects.count() == 0


def test_a_visit_restarts_the_30_days(client):
    screening = make(29.9)
    token = services.new_token()
    PatientScreening.objects.filter(pk=screening.pk).update(token_hash=services.token_hash(token))
    client.get(f"/en/patient/{token}/")
    services.patient_screenings_purge(now=timezone.now() + timedelta(days=5))
    assert PatientScreening.objects.filter(pk=screening.pk).exists()


def test_a_screening_never_answered_is_purged_after_a_day():
    empty, fresh = make(2, answers={}), make(0.5, answers={})
    services.patient_screenings_purge()
    assert list(PatientScreening.objects.all()) == [fresh]
    assert empty


def test_beat_runs_the_purge_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-screenings"]
    assert entry["task"] == "journey.tasks.purge_expired_screenings"

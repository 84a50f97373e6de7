"""How long 'notify me' takes per subscriber when a trial is published: each confirmed
subscriber's answers are re-screened against every published trial and a digest row written.
Run inside a rolled-back transaction: nothing is kept and no email is sent."""

from __future__ import annotations

import time

from django.db import transaction

from journey import services
from journey.models import PatientScreening, Subscription, new_token, token_hash
from trials.models import TestPatient

SUBSCRIBERS = 200


def run() -> list[str]:
    answers = [p.answers for p in TestPatient.objects.all()]
    with transaction.atomic():
        screenings = PatientScreening.objects.bulk_create(
            PatientScreening(token_hash=token_hash(new_token()), answers=answers[i % len(answers)])
            for i in range(SUBSCRIBERS)
        )
        subscriptions = Subscription.objects.bulk_create(
            Subscription(screening=s, email=f"s{i}@example.org", confirmed_at=s.created_at)
            for i, s in enumerate(screenings)
        )
        ids = [s.pk for s in subscriptions]
        services.subscribers_notify(subscription_ids=ids[:1])  # warm the compiled plan
        start = time.perf_counter()
        digests = services.subscribers_notify(subscription_ids=ids[1:])
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    per = elapsed * 1000 / (len(ids) - 1)
    return [
        f"notify me: {len(ids) - 1} subscribers re-screened in {elapsed:.2f} s, {per:.1f} ms each "
        f"({digests} digests written; target < 50 ms each)"
    ]

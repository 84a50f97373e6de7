"""Criterion impact on a large clinic: computing the summaries in the background, a what-if
question answered while the curator waits, and the page that reads a summary.

Runs inside a transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clinic.models import CURATORS, Patient, Screening, Team
from impact import services
from impact.analysis import numeric_leaves
from impact.management.commands.make_demo_screenings import demo_answers
from impact.models import AttritionSummary
from trials.models import Trial

PATIENTS = 5000


class _Rollback(Exception):
    pass


def _median_ms(fn, repeat: int = 3) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def run() -> list[str]:
    trial = Trial.objects.filter(trial_id="NCT02403947").first() or Trial.objects.published().first()
    if trial is None:
        return ["impact: no published trial (run make setup)"]
    lines = []
    try:
        with transaction.atomic():
            user = User.objects.create(username="bench-impact")
            user.groups.add(Group.objects.get_or_create(name=CURATORS)[0])
            team = Team.objects.create(name="bench-impact")
            patients = Patient.objects.bulk_create(
                Patient(team=team, local_identifier=f"I{n}", initials="BB", created_by=user)
                for n in range(PATIENTS)
            )
            rng = random.Random(7)
            Screening.objects.bulk_create(
                Screening(patient=p, answers=demo_answers(rng)[0], as_of=date(2026, 11, 21), created_by=user)
                for p in patients
            )
            trials = Trial.objects.count()
            for t in Trial.objects.all():
                AttritionSummary.objects.update_or_create(
                    trial=t, filter_key="", defaults={"computed_at": None}
                )
            start = time.perf_counter()
            services.attrition_summaries_refresh()
            refresh = time.perf_counter() - start
            screened = AttritionSummary.objects.get(trial=trial, filter_key="").payload["screened"]
            lines.append(
                f"impact summaries, {trials} trials over {screened} patients: {refresh:.2f} s "
                "(background task; target < 30 s)"
            )
            edss = next(leaf for leaf in numeric_leaves(services.trial_spec(trial)) if leaf.concept == "edss")
            whatif = _median_ms(
                lambda: services.whatif_run(
                    trial=trial, filters={}, values={edss.id: (*edss.values[:-1], edss.values[-1] + 0.5)}
                )
            )
            lines.append(
                f"impact what-if over {screened} patients: median {whatif:.0f} ms (target < 3000 ms)"
            )
            client = Client()
            client.force_login(user)
            url = reverse("impact:trial", args=[trial.trial_id])
            client.get(url)
            page = _median_ms(lambda: client.get(url), repeat=5)
            lines.append(f"impact page reading its summary: median {page:.0f} ms (target < 300 ms)")
            raise _Rollback
    except _Rollback:
        pass
    return lines

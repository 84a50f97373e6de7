"""Demo accounts and patients for the clinician workspace; safe to run again.

The passwords are published in the README: these accounts are for local demonstrations
only and the command refuses to run unless DEBUG is on and HTTPS off (config/demo.py).
"""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clinic import services
from clinic.models import CLINICIANS, COORDINATORS, Patient, Team
from config.demo import refuse_unless_local_development

ACCOUNTS = [
    # username, password, group, team
    ("dr_martin", "demo-martin-2026", CLINICIANS, "Neurology — Team A"),
    ("dr_durand", "demo-durand-2026", CLINICIANS, "Neurology — Team B"),
    ("coordinator", "demo-coordinator-2026", COORDINATORS, None),
]

PATIENTS = [
    # owner, identifier, initials, year, sex, note, answers
    (
        "dr_martin", "A-0001", "CL", 1979, "female", "Relapsing MS followed since 2015.",
        {
            "age": 47, "sex": "female", "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS",
            "edss": 3.0, "relapses_12m": 1, "relapses_24m": 2, "days_since_last_relapse": 120,
            "platelets": {"value": 210000, "unit": "/mm3"}, "medications": [],
        },
    ),
    (
        "dr_martin", "A-0002", "JB", 1968, "male", "Primary progressive MS.",
        {
            "age": 58, "sex": "male", "diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS",
            "edss": 6.0, "days_since_last_relapse": "never",
            "medications": [{"drug": "ocrelizumab", "days_since_last_dose": 60, "months_on_treatment": 24}],
        },
    ),
    ("dr_martin", "A-0003", "MR", 1990, "female", "Referred for SLE trials; not screened yet.", None),
    (
        "dr_durand", "B-0001", "PD", 1985, "male", "Secondary progressive MS.",
        {"age": 41, "sex": "male", "diagnosis": "multiple_sclerosis", "ms_phenotype": "SPMS", "edss": 5.5},
    ),
]  # fmt: skip


class Command(BaseCommand):
    help = "Creates the demo clinicians, coordinator, teams and a few pseudonymous patients (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        refuse_unless_local_development()
        users = {}
        for username, password, group_name, team_name in ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            if group_name == COORDINATORS and not user.is_staff:
                # Coordinators follow up patients' contact requests in the admin (journey app).
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            if team_name:
                Team.objects.get_or_create(name=team_name)[0].members.add(user)
            users[username] = user
            self.stdout.write(f"{username}: {'created' if created else 'already present'} ({group_name})")
        for owner, identifier, initials, year, sex, note, answers in PATIENTS:
            user = users[owner]
            team = user.clinic_teams.first()
            if Patient.objects.filter(team=team, local_identifier=identifier).exists():
                continue
            patient = services.patient_create(
                by=user, team=team, local_identifier=identifier, initials=initials,
                year_of_birth=year, sex=sex, note=note,
            )  # fmt: skip
            if answers is not None:
                services.screening_save(patient=patient, answers=answers, as_of=timezone.localdate(), by=user)
            self.stdout.write(f"patient {patient.pseudonym} created for {owner}")

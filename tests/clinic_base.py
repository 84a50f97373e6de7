"""Named people and a patient for the clinician workspace tests."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, User

from clinic import services
from clinic.models import CLINICIANS, COORDINATORS, Patient, Screening, Team

AS_OF = date(2026, 11, 21)

# A woman with relapsing MS: eligible for nothing in particular, ineligible for several.
ANSWERS = {
    "age": 47,
    "sex": "female",
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "edss": 3.0,
    "platelets": {"value": 210000, "unit": "/mm3"},
    "medications": [],
}


def make_user(username: str, group: str | None = None, team: Team | None = None) -> User:
    user = User.objects.create_user(username=username, password="x-password-for-tests")
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if team:
        team.members.add(user)
    return user


class ClinicBase:
    """`clinician` and `teammate` share team A; `outsider` is a clinician of team B with no
    access to team A's patients; `coordinator` keeps the screening logs."""

    @pytest.fixture(autouse=True)
    def _people(self, db):
        self.create_people()

    def create_people(self) -> None:
        self.team = Team.objects.create(name="Team A")
        self.other_team = Team.objects.create(name="Team B")
        self.clinician = make_user("clinician", CLINICIANS, self.team)
        self.teammate = make_user("teammate", CLINICIANS, self.team)
        self.outsider = make_user("outsider", CLINICIANS, self.other_team)
        self.coordinator = make_user("coordinator", COORDINATORS)
        self.patient = services.patient_create(
            by=self.clinician,
            team=self.team,
            local_identifier="P-0001",
            initials="AB",
            year_of_birth=1979,
            sex="female",
        )

    def save_screening(self, answers: dict | None = None, patient: Patient | None = None, **kw) -> Screening:
        return services.screening_save(
            patient=patient or self.patient,
            answers=ANSWERS if answers is None else answers,
            as_of=kw.pop("as_of", AS_OF),
            by=kw.pop("by", self.clinician),
            **kw,
        )

    def as_user(self, client, user):
        client.force_login(user)
        return client

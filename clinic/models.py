"""The clinician workspace: teams, pseudonymous patients, their screenings over time, each
screening's per-trial results (with the criteria version that produced them). Who looked at
or changed a patient's data is recorded in the audit trail (audit.AuditEvent), which outlives
the patient.

Nothing identifying is stored: a patient is a local identifier, initials, a year of birth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trials.models import Verdict as SharedVerdict

CLINICIANS = "Clinicians"
COORDINATORS = "Coordinators"
CURATORS = "Curators"


def is_clinician(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=CLINICIANS).exists())


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=COORDINATORS).exists())


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="clinic_teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatientQuerySet:
        """A clinician's own patients and their teams' patients; coordinators keep the
        screening logs of every trial, so they see every (pseudonymous) patient."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or is_coordinator(user):
            return self.all()
        if not is_clinician(user):
            return self.none()
        return self.filter(Q(created_by=user) | Q(team__members=user)).distinct()

    def with_new_matches(self) -> PatientQuerySet:
        # A subquery, not Count(): the team-membership join of visible_to() would multiply rows.
        new = (
            ScreeningResult.objects.filter(screening__patient=OuterRef("pk"), is_new=True)
            .order_by()
            .values("screening__patient")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(new_matches=Coalesce(Subquery(new), 0))

    def with_latest_screening(self) -> PatientQuerySet:
        """`last_screened` and `latest_screening_id`: the newest screening, the one the
        dashboard's verdicts and re-screening follow (None when never screened)."""
        newest = Screening.objects.filter(patient=OuterRef("pk")).order_by("-screened_at", "-pk")
        return self.annotate(
            last_screened=Subquery(newest.values("screened_at")[:1]),
            latest_screening_id=Subquery(newest.values("pk")[:1]),
        )

    def with_match_counts(self) -> PatientQuerySet:
        """`eligible_trials` and `needs_info_trials`: trials at that verdict in the latest
        screening's current results (needs `with_latest_screening()`)."""

        def count(verdict: str):
            rows = (
                ScreeningResult.objects.current()
                .filter(screening=OuterRef("latest_screening_id"), verdict=verdict)
                .order_by()
                .values("screening")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows), 0)

        return self.annotate(
            eligible_trials=count(ScreeningResult.Verdict.ELIGIBLE),
            needs_info_trials=count(ScreeningResult.Verdict.NEEDS_INFO),
        )

    def search(self, text: str) -> PatientQuerySet:
        """By pseudonym as the pages print it, "A-0002 (JB)", or any part of the local code,
        or the initials alone."""
        text = " ".join(text.split())
        whole = _PSEUDONYM.fullmatch(text)
        if whole:
            code, initials = whole.groups()
            return self.filter(local_identifier__iexact=code.strip(), initials__iexact=initials)
        return self.filter(Q(local_identifier__icontains=text) | Q(initials__iexact=text))


_PSEUDONYM = re.compile(r"(.+?)\s*\((\w{1,5})\)")


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="patients")
    local_identifier = models.CharField(
        max_length=64, help_text=_("The team's own pseudonymous code, never a name or a hospital number.")
    )
    initials = models.CharField(max_length=5)
    year_of_birth = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    # Where the patient lives (a town, not an address), for distances to trial sites only.
    town = models.CharField(_("town"), max_length=200, blank=True)
    town_country = models.CharField(_("country"), max_length=2, blank=True, default="FR")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinic_patients"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["local_identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "local_identifier"], name="patient_identifier_unique_in_team"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return f"{self.local_identifier} ({self.initials})"

    def latest_screening(self) -> Screening | None:
        return self.screenings.order_by("-screened_at", "-pk").first()

    def record_answers(self, concepts: Mapping[str, object], as_of: date) -> dict:
        """What the record already says, as answers to the vocabulary's concepts: the sex,
        and the year of birth as a birth year where the vocabulary asks one, else as the age
        reached in the screening year (a year alone cannot tell whether the birthday has
        passed: the clinician corrects it; a patient is not excluded on that technicality)."""
        answers: dict = {}
        sex = concepts.get("sex")
        if self.sex and sex is not None and self.sex in {c["code"] for c in getattr(sex, "choices", [])}:
            answers["sex"] = self.sex
        if self.year_of_birth and as_of.year >= self.year_of_birth:
            if "birth_year" in concepts:
                answers["birth_year"] = self.year_of_birth
            elif "age" in concepts:
                answers["age"] = as_of.year - self.year_of_birth
        return answers


class ScreeningQuerySet(models.QuerySet):
    def latest_per_patient(self) -> ScreeningQuerySet:
        """Each patient's most recent screening: the one re-screening keeps up to date."""
        newest = (
            Screening.objects.filter(patient=OuterRef("patient"))
            .order_by("-screened_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))


class Screening(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Entered in the form")
        FHIR = "fhir", _("Imported from a FHIR bundle, then checked")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="screenings")
    # The answers exactly as the API accepts them (shared/spec/api.md), unknowns left out,
    # so they can be validated and evaluated again when a trial's criteria change.
    answers = models.JSONField(default=dict)
    as_of = models.DateField(help_text=_("The date the answers describe."))
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    # concept code -> "Observation/abc" for answers that came from a FHIR resource.
    provenance = models.JSONField(default=dict, blank=True)
    screened_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-screened_at", "-pk"]
        # latest_per_patient() looks up each patient's newest screening.
        indexes = [models.Index(fields=["patient", "-screened_at"], name="screening_patient_latest")]

    def __str__(self) -> str:
        return f"{self.patient} {self.screened_at:%Y-%m-%d %H:%M}"

    def current_results(self) -> list[ScreeningResult]:
        """The most recent result per trial (re-screening adds rows, it never rewrites)."""
        latest: dict[int, ScreeningResult] = {}
        for result in self.results.select_related("trial").order_by("trial_id", "-criteria_version", "-pk"):
            latest.setdefault(result.trial_id, result)
        order = {"eligible": 0, "needs_info": 1, "ineligible": 2}
        return sorted(latest.values(), key=lambda r: (order.get(r.verdict, 3), r.trial.trial_id))


class ScreeningResultQuerySet(models.QuerySet):
    def current(self) -> ScreeningResultQuerySet:
        """Each screening's result for the latest criteria version of each trial (re-screening
        adds a row per version; older rows stay for the record)."""
        newer = ScreeningResult.objects.filter(
            screening=OuterRef("screening"),
            trial=OuterRef("trial"),
            criteria_version__gt=OuterRef("criteria_version"),
        )
        return self.exclude(Exists(newer))

    def latest_per_patient(self, trial) -> ScreeningResultQuerySet:
        """One row per patient screened for `trial`: the result of their newest screening
        that has one, for its latest criteria version. Filters applied afterwards narrow
        these rows; they never bring back an older, superseded result."""
        newest = (
            ScreeningResult.objects.filter(trial=trial, screening__patient=OuterRef("screening__patient"))
            .order_by("-screening__screened_at", "-screening__pk", "-criteria_version", "-pk")
            .values("pk")[:1]
        )
        return self.filter(trial=trial, pk=Subquery(newest))


class ScreeningResult(models.Model):
    Verdict = SharedVerdict  # the same choices as test patients and the API

    class Referral(models.TextChoices):
        NOT_REFERRED = "not_referred", _("Not referred")
        REFERRED = "referred", _("Referred")
        CONTACTED = "contacted", _("Contacted")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="results")
    trial = models.ForeignKey("trials.Trial", on_delete=models.CASCADE, related_name="screening_results")
    criteria_version = models.PositiveIntegerField()
    # The number of the trial's criteria revision screened against (null: saved before
    # criteria had revisions).
    revision = models.PositiveIntegerField(null=True, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    # [{"criterion_id", "kind", "source_text", "explanation"}], in the registry's words.
    failed = models.JSONField(default=list, blank=True)
    missing_concepts = models.JSONField(default=list, blank=True)
    # A match (eligible or needs information) that appeared when the trial changed after
    # the screening was saved: the clinician's dashboard shows it until dismissed.
    is_new = models.BooleanField(default=False)
    referral_status = models.CharField(max_length=16, choices=Referral.choices, default=Referral.NOT_REFERRED)
    referral_updated_at = models.DateTimeField(null=True, blank=True)
    referral_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_at = models.DateTimeField(auto_now_add=True)

    objects = ScreeningResultQuerySet.as_manager()

    class Meta:
        ordering = ["-evaluated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "trial", "criteria_version"], name="one_result_per_trial_version"
            )
        ]
        indexes = [models.Index(fields=["trial", "evaluated_at"]), models.Index(fields=["is_new"])]

    def __str__(self) -> str:
        return f"{self.trial.trial_id} v{self.criteria_version}: {self.verdict}"

    @property
    def is_match(self) -> bool:
        return self.verdict in (self.Verdict.ELIGIBLE, self.Verdict.NEEDS_INFO)

    def failed_reasons(self) -> list[dict]:
        """The failed criteria with their explanation in the active language: each is stored
        in every language the site speaks (rows saved before that have one, shown as is)."""
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        return [
            {**item, "explanation": (item.get("explanations") or {}).get(lang) or item.get("explanation", "")}
            for item in self.failed
        ]

"""Trials, their sites, the concept vocabulary and eligibility criteria, as curated data.

The models know how to turn themselves into the rules engine's plain specs
(`Concept.to_spec`, `Trial.to_spec`); the engine itself never sees a model.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine import types as engine
from trials import gazetteer
from trials.checks import TrialCheck, VocabularyContext, check_trial
from trials.signals import trial_criteria_changed


def _localised(obj: models.Model, name: str) -> str:
    """The French field when French is active and filled in, else the English one."""
    if (get_language() or "en").startswith("fr"):
        value = getattr(obj, f"{name}_fr", "")
        if value:
            return value
    return getattr(obj, f"{name}_en")


class ConceptType(models.TextChoices):
    INTEGER = "integer", _("whole number")
    NUMBER = "number", _("number")
    QUANTITY = "quantity", _("quantity with a unit")
    BOOLEAN = "boolean", _("yes / no")
    CHOICE = "choice", _("choice")
    SINCE = "since", _("time since an event")
    DATE = "date", _("date")
    LIST = "list", _("list of treatments")


class Section(models.TextChoices):
    ABOUT_YOU = "about_you", _("About you")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    DISEASE_COURSE = "disease_course", _("Disease course")
    TREATMENTS = "treatments", _("Treatments")
    LABORATORY = "laboratory", _("Laboratory results")
    OTHER_CONDITIONS = "other_conditions", _("Other conditions")

    @classmethod
    def clinician_labels(cls) -> dict[str, str]:
        """Section headings as a clinician's form words them, about the patient rather than
        to them; the patient's questionnaire keeps `choices` ("About you")."""
        return {**dict(cls.choices), cls.ABOUT_YOU.value: _("The patient")}


class ConceptQuerySet(models.QuerySet):
    def vocabulary(self) -> VocabularyContext:
        """These concepts with every drug and drug class, as the engine's checks see them."""
        return VocabularyContext.build(self, Drug.objects.all(), DrugClass.objects.prefetch_related("drugs"))


class Concept(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    type = models.CharField(max_length=16, choices=ConceptType.choices)
    section = models.CharField(max_length=32, choices=Section.choices)
    position = models.PositiveIntegerField(default=0, help_text=_("Order within its section."))
    canonical_unit = models.CharField(max_length=32, blank=True)
    accepted_units = models.JSONField(default=list, blank=True)
    # [{"code": "RRMS", "en": "Relapsing-remitting MS", "fr": "SEP récurrente-rémittente"}, ...]
    choices = models.JSONField(default=list, blank=True)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    step = models.FloatField(null=True, blank=True)
    label_en = models.CharField(max_length=120)
    label_fr = models.CharField(max_length=120, blank=True)
    clinician_question_en = models.CharField(max_length=300)
    clinician_question_fr = models.CharField(max_length=300, blank=True)
    patient_question_en = models.CharField(max_length=300)
    patient_question_fr = models.CharField(max_length=300, blank=True)
    help_text_en = models.TextField(blank=True)
    help_text_fr = models.TextField(blank=True)
    result_max_age_days = models.PositiveIntegerField(
        default=90,
        help_text=_(
            "FHIR import: a laboratory result older than this many days before the screening date "
            "is not used."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ConceptQuerySet.as_manager()

    class Meta:
        ordering = ["section", "position", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return _localised(self, "label")

    @property
    def clinician_question(self) -> str:
        return _localised(self, "clinician_question")

    @property
    def patient_question(self) -> str:
        return _localised(self, "patient_question")

    @property
    def help_text(self) -> str:
        return _localised(self, "help_text")

    @property
    def choice_codes(self) -> list[str]:
        return [choice["code"] for choice in self.choices]

    def choice_label(self, code: str) -> str:
        lang = "fr" if (get_language() or "en").startswith("fr") else "en"
        for choice in self.choices:
            if choice["code"] == code:
                return choice.get(lang) or choice.get("en") or code
        return code

    def to_spec(self) -> engine.ConceptSpec:
        return engine.ConceptSpec(
            code=self.code,
            type=engine.ConceptType(self.type),
            canonical_unit=self.canonical_unit,
            accepted_units=tuple(self.accepted_units),
            choices=tuple(self.choice_codes),
            minimum=self.minimum,
            maximum=self.maximum,
            step=self.step,
        )


class Drug(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120, blank=True)
    # Brand names and synonyms matched in a FHIR medication's text when it carries no known code.
    other_names = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return _localised(self, "name")


class DrugClass(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120, blank=True)
    drugs = models.ManyToManyField(Drug, related_name="classes")
    history = HistoricalRecords(m2m_fields=[drugs])

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "drug classes"

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return _localised(self, "name")


class CodeSystem(models.TextChoices):
    LOINC = "loinc", "LOINC"
    SNOMED = "snomed", "SNOMED CT"
    ICD10 = "icd10", "ICD-10"
    RXNORM = "rxnorm", "RxNorm"
    ATC = "atc", "ATC"


class Applies(models.TextChoices):
    ACTIVE = "active", _("only while the condition is active")
    EVER = "ever", _("any confirmed record, resolved or not")


class TerminologyCodeQuerySet(models.QuerySet):
    def for_mapping(self) -> list[tuple]:
        """(system, code, concept code, value, drug code, applies, display) of every row."""
        return list(
            self.values_list(
                "system", "code", "concept__code", "value", "drug__code", "applies", "display"
            ).order_by("system", "code", "pk")
        )


class TerminologyCode(models.Model):
    """A code of an external terminology and the answer it gives: a LOINC result answers a
    laboratory concept; a SNOMED CT or ICD-10 condition answers a concept with `value` (a
    diagnosis choice, `true`, a malignancy choice); an RxNorm or ATC code names a drug. ICD-10
    and ATC codes also cover their descendants (C50 covers C50.9), the most specific row winning."""

    system = models.CharField(max_length=8, choices=CodeSystem.choices)
    code = models.CharField(max_length=32)
    display = models.CharField(
        max_length=300, help_text=_("The code system's own name for the code (checked by a test).")
    )
    concept = models.ForeignKey(
        Concept, null=True, blank=True, on_delete=models.CASCADE, related_name="terminology_codes"
    )
    value = models.JSONField(null=True, blank=True, help_text=_("The answer a condition code gives."))
    drug = models.ForeignKey(
        Drug, null=True, blank=True, on_delete=models.CASCADE, related_name="terminology_codes"
    )
    applies = models.CharField(max_length=8, choices=Applies.choices, default=Applies.ACTIVE)
    source = models.CharField(
        max_length=300, blank=True, help_text=_("Where the code and its name were read.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerminologyCodeQuerySet.as_manager()

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code", "concept"],
                condition=models.Q(drug__isnull=True),
                name="terminology_code_once_per_concept",
            ),
            models.UniqueConstraint(
                fields=["system", "code", "drug"],
                condition=models.Q(concept__isnull=True),
                name="terminology_code_once_per_drug",
            ),
            models.CheckConstraint(
                condition=models.Q(concept__isnull=False) | models.Q(drug__isnull=False),
                name="terminology_code_has_a_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.code}"


class WorkflowError(Exception):
    """A workflow step that is not allowed now; `reasons` are sentences for the curator."""

    def __init__(self, reasons: list[str]):
        self.reasons = [str(reason) for reason in reasons]
        super().__init__(" ".join(self.reasons))


class Recruitment(models.TextChoices):
    """What a registry status means for a patient who would like to join: the one place that
    decides whether a trial's study team may be contacted."""

    OPEN = "open", _("Recruiting")
    CLOSED = "closed", _("No longer recruiting")
    # The registry does not say (Unknown) or says nothing about recruitment (the EU register's
    # "Authorised"): contact is offered, with a warning.
    UNCONFIRMED = "unconfirmed", _("Recruitment status not confirmed by the registry")


_OPEN_STATUSES = frozenset({"recruiting", "not_yet_recruiting", "enrolling_by_invitation"})
_CLOSED_STATUSES = frozenset({"active_not_recruiting", "suspended", "completed", "terminated", "withdrawn"})


def recruitment(status: str) -> Recruitment:
    """The recruitment of a trial with this registry status; a status this code does not
    know is unconfirmed, never open."""
    if status in _OPEN_STATUSES:
        return Recruitment.OPEN
    if status in _CLOSED_STATUSES:
        return Recruitment.CLOSED
    return Recruitment.UNCONFIRMED


class TrialQuerySet(models.QuerySet):
    def published(self) -> TrialQuerySet:
        return self.filter(state=Trial.State.PUBLISHED)

    def with_criteria(self) -> TrialQuerySet:
        """With the criteria of each trial's live revision (the draft's, for a trial never
        published) and its sites prefetched."""
        return self.select_related("live_revision").prefetch_related(
            models.Prefetch("criteria", queryset=Criterion.objects.current().select_related("concept")),
            "sites",
        )


class Trial(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class RegistryStatus(models.TextChoices):
        NOT_YET_RECRUITING = "not_yet_recruiting", _("Not yet recruiting")
        RECRUITING = "recruiting", _("Recruiting")
        ENROLLING_BY_INVITATION = "enrolling_by_invitation", _("Enrolling by invitation")
        ACTIVE_NOT_RECRUITING = "active_not_recruiting", _("Active, not recruiting")
        AUTHORISED = "authorised", _("Authorised (recruitment may be ongoing or finished)")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNKNOWN = "unknown", _("Unknown")

    RECRUITING_STATUSES = _OPEN_STATUSES

    trial_id = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("Primary registry id, e.g. NCT02403947 or EUCTR2017-001400-29-FR."),
    )
    other_ids = models.JSONField(default=list, blank=True)
    registry = models.CharField(max_length=64, blank=True, help_text=_("e.g. ClinicalTrials.gov, EU CTR"))
    public_title = models.CharField(max_length=500)
    scientific_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=64, blank=True)
    sponsor = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=32, choices=RegistryStatus.choices, default=RegistryStatus.UNKNOWN)
    phase = models.CharField(max_length=64, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    target_enrollment = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    eligibility_text = models.TextField(blank=True, help_text=_("The registry's own eligibility text."))
    curation_notes = models.TextField(blank=True, help_text=_("Record problems and reading choices."))
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    needs_review = models.BooleanField(
        default=False, help_text=_("The registry text changed since the criteria were last reviewed.")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped whenever a different criteria revision goes live; stored screenings name the
    # version they used (and the revision it was).
    criteria_version = models.PositiveIntegerField(default=1)
    # The revision screening uses; null until the first publication.
    live_revision = models.ForeignKey(
        "CriteriaRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The criteria version whose re-screening of saved patients was fully queued (null: never,
    # or published again since). Behind criteria_version on a published trial = re-screening
    # still owed; clinic's rescreen_stale_trials sweep queues it (the broker may have been down).
    rescreened_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bookkeeping of the re-screening, not curation: kept out of "who changed what".
    history = HistoricalRecords(excluded_fields=["rescreened_version"])

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["trial_id"]
        # updated_at: every worker reads its maximum on each request (the catalog fingerprint)
        # and the trials changed since, to recompile only those.
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.trial_id} {self.acronym}".strip()

    @property
    def title(self) -> str:
        return self.public_title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_recruiting(self) -> bool:
        return self.status in self.RECRUITING_STATUSES

    @property
    def recruitment(self) -> Recruitment:
        return recruitment(self.status)

    def _set_state(self, state: str, by, *fields: str) -> None:
        self.state = state
        # Who made the change, for the history row (the admin's middleware sets it otherwise).
        self._history_user = by
        self.save(update_fields=["state", "updated_at", *fields])

    def _refuse_unless(self, action: str, allowed: set[str]) -> None:
        if self.state not in allowed:
            raise WorkflowError(
                [
                    _("A %(state)s trial cannot be %(action)s.")
                    % {"state": self.get_state_display().lower(), "action": action}
                ]
            )

    @property
    def draft_revision(self) -> CriteriaRevision | None:
        """The revision being edited (in draft or in review), if any."""
        return self.revisions.editable().first()

    def working_revision(self) -> CriteriaRevision | None:
        """What curators work on and test patients run against: the draft when there is one,
        else the live revision."""
        return self.draft_revision or self.live_revision

    def submit_for_review(self, *, by=None) -> None:
        draft = self.draft_revision
        if self.is_published:
            # The trial stays live: only its draft revision moves.
            if draft is None or draft.state != CriteriaRevision.State.DRAFT:
                raise WorkflowError([_("There is no draft revision to submit for review.")])
            draft.move_to(CriteriaRevision.State.IN_REVIEW)
            return
        self._refuse_unless(_("submitted for review"), {self.State.DRAFT, self.State.WITHDRAWN})
        if draft is not None:
            draft.move_to(CriteriaRevision.State.IN_REVIEW)
        self._set_state(self.State.IN_REVIEW, by)

    def return_to_draft(self, *, by=None) -> None:
        draft = self.draft_revision
        if self.is_published:
            if draft is None or draft.state != CriteriaRevision.State.IN_REVIEW:
                raise WorkflowError([_("There is no revision in review to return to draft.")])
            draft.move_to(CriteriaRevision.State.DRAFT)
            return
        self._refuse_unless(_("returned to draft"), {self.State.IN_REVIEW, self.State.WITHDRAWN})
        if draft is not None:
            draft.move_to(CriteriaRevision.State.DRAFT)
        self._set_state(self.State.DRAFT, by)

    def publication_candidate(self) -> CriteriaRevision | None:
        """The revision `publish` would put live: the draft, or (for a withdrawn or never
        published trial without one) the last published revision."""
        if self.is_published:
            return self.draft_revision
        return self.draft_revision or self.live_revision

    def publication_blockers(self, candidate: CriteriaRevision | None = None) -> list[str]:
        """Every reason the candidate revision cannot be published now."""
        candidate = candidate or self.publication_candidate()
        if candidate is None:
            return [_("There is no draft revision to publish.")]
        return [
            *self.check_criteria(revision=candidate).blocking_reasons(),
            *candidate.stale_override_reasons(),
        ]

    def publish(self, *, by=None) -> None:
        """Puts the draft revision live, or raises WorkflowError with every reason it cannot
        be: an invalid tree, nothing screenable, a disagreeing test patient, a stale
        explanation. The previous live revision is superseded in the same transaction, and
        only then are the apps above told (re-screening, notify-me digests, impact)."""
        if not self.is_published:
            self._refuse_unless(_("published"), {self.State.DRAFT, self.State.IN_REVIEW})
        candidate = self.publication_candidate()
        problems = self.publication_blockers(candidate)
        if problems:
            raise WorkflowError(problems)
        with transaction.atomic():
            locked = Trial.objects.select_for_update().get(pk=self.pk)
            now = timezone.now()
            if locked.live_revision_id not in (None, candidate.pk):
                # A different tree goes live: saved screenings are owed a re-screening.
                self.revisions.filter(state=CriteriaRevision.State.PUBLISHED).update(
                    state=CriteriaRevision.State.SUPERSEDED
                )
                self.criteria_version = locked.criteria_version + 1
            candidate.mark_published(by=by, at=now, criteria_version=self.criteria_version)
            self.live_revision = candidate
            self.published_at = now
            self.published_by = by
            self.needs_review = False  # publishing is the end of a review
            # Screenings saved while it was unpublished have no result for it: re-screening is owed.
            self.rescreened_version = None
            self._set_state(
                self.State.PUBLISHED,
                by,
                "published_at",
                "published_by",
                "needs_review",
                "rescreened_version",
                "criteria_version",
                "live_revision",
            )
            trial_criteria_changed.send(sender=Trial, trial=self)

    def return_to_review(self, *, by=None) -> None:
        """Takes a published trial out of screening until it is published again."""
        self._refuse_unless(_("returned to review"), {self.State.PUBLISHED})
        self._set_state(self.State.IN_REVIEW, by)

    def withdraw(self, *, by=None) -> None:
        """Stops screening against this trial (or abandons a review); it can be resubmitted."""
        self._refuse_unless(_("withdrawn"), {self.State.PUBLISHED, self.State.IN_REVIEW})
        self._set_state(self.State.WITHDRAWN, by)

    def check_criteria(
        self, ctx: VocabularyContext | None = None, revision: CriteriaRevision | None = None
    ) -> TrialCheck:
        """Whether a revision (by default the working one: the draft, else the live one) can
        be published: the tree's problems, something screenable, every test patient's result."""
        ctx = ctx or Concept.objects.vocabulary()
        revision = revision or self.working_revision()
        trial = Trial.objects.get(pk=self.pk)
        return check_trial(trial, ctx, revision)

    def root_criteria(self, revision: CriteriaRevision | None = None) -> list[Criterion]:
        """The top-level criteria of a revision (by default the live one, or the draft of a
        trial never published), each with `.tree_children` filled in, in order, from one
        query (or none, when criteria were prefetched)."""
        prefetched = revision is None and "criteria" in getattr(self, "_prefetched_objects_cache", {})
        if prefetched:
            rows = self.criteria.all()
        else:
            revision_id = revision.pk if revision else (self.live_revision_id or self._draft_id())
            rows = Criterion.objects.filter(revision_id=revision_id).select_related("concept")
        return Criterion.build_tree(rows)

    def unreviewed_drafting_items(self, revision: CriteriaRevision | None = None) -> list[Criterion]:
        """The working revision's nodes whose import notes no curator has marked reviewed."""
        revision = revision or self.working_revision()
        if revision is None:
            return []
        nodes = revision.criteria.exclude(drafting_notes=[]).filter(drafting_reviewed_at__isnull=True)
        return list(nodes.order_by("position", "pk"))

    def revision_number(self, criteria_version: int) -> int | None:
        """The number of the revision that was live at this criteria version."""
        if criteria_version == self.criteria_version and self.live_revision_id:
            return self.live_revision.number
        found = self.revisions.filter(criteria_version=criteria_version).values_list("number", flat=True)
        return found.first()

    def _draft_id(self) -> int | None:
        draft = self.draft_revision
        return draft.pk if draft else None

    def to_spec(self, revision: CriteriaRevision | None = None) -> engine.TrialSpec:
        return engine.TrialSpec(
            self.trial_id,
            tuple(
                engine.Criterion(engine.Kind(root.kind), root.to_node())
                for root in self.root_criteria(revision)
            ),
        )


class CriteriaRevisionQuerySet(models.QuerySet):
    def editable(self) -> CriteriaRevisionQuerySet:
        return self.filter(state__in=CriteriaRevision.EDITABLE_STATES)


class CriteriaRevision(models.Model):
    """One numbered version of a trial's criteria tree. At most one is published (what
    screening uses) and at most one is being edited (draft or in review); the others are
    earlier revisions, read-only, kept with who published them and when."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Earlier revision")

    EDITABLE_STATES = (State.DRAFT, State.IN_REVIEW)

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The trial's criteria version while this revision was live (stored screenings name it).
    criteria_version = models.PositiveIntegerField(null=True, blank=True)

    objects = CriteriaRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["trial"], condition=models.Q(state="published"), name="one_published_revision"
            ),
            models.UniqueConstraint(
                fields=["trial"],
                condition=models.Q(state__in=["draft", "in_review"]),
                name="one_revision_being_edited",
            ),
        ]

    def __str__(self) -> str:
        return _("revision %(number)s") % {"number": self.number}

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def move_to(self, state: str) -> None:
        self.state = state
        self.save(update_fields=["state", "updated_at"])

    def mark_published(self, *, by, at, criteria_version: int) -> None:
        self.state = self.State.PUBLISHED
        self.published_at = at
        self.published_by = by
        self.criteria_version = criteria_version
        self.save(update_fields=["state", "published_at", "published_by", "criteria_version", "updated_at"])

    def root_criteria(self) -> list[Criterion]:
        return Criterion.build_tree(self.criteria.select_related("concept"))

    def stale_overrides(self) -> list[Criterion]:
        """The nodes whose curator-written explanation was written for another shape of the
        node (a threshold, a concept, a group's members changed since)."""
        stale = []

        def walk(node: Criterion) -> None:
            if node.explanation_is_stale:
                stale.append(node)
            for child in node.tree_children:
                walk(child)

        for root in self.root_criteria():
            walk(root)
        return stale

    def stale_override_reasons(self) -> list[str]:
        return [
            _("the explanation of “%(node)s” was written before the criterion changed: confirm or rewrite it")
            % {"node": node.source_text[:80] or node.describe_shape()}
            for node in self.stale_overrides()
        ]


class SiteQuerySet(models.QuerySet):
    def located(self) -> SiteQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def unlocated(self) -> SiteQuerySet:
        return self.filter(models.Q(latitude__isnull=True) | models.Q(longitude__isnull=True))

    def fingerprint(self) -> tuple:
        """What changes when a site is added, removed, saved or moved (even by a bulk update)."""
        found = self.aggregate(
            n=models.Count("pk"),
            saved=models.Max("updated_at"),
            latitudes=models.Sum("latitude"),
            longitudes=models.Sum("longitude"),
        )
        return tuple(found.values())


class Site(models.Model):
    class Location(models.TextChoices):
        NONE = "", _("Not located")
        GAZETTEER = "gazetteer", _("From its city and country")
        CURATOR = "curator", _("Set by a curator")

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=300)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=120, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Where the site is, for "trials near me" (distances only; never screened on).
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    location_source = models.CharField(
        _("location"), max_length=16, choices=Location.choices, blank=True, default=Location.NONE
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "position", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.facility, self.city, self.country) if part)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def locate(self) -> bool:
        """Coordinates from the site's city and country (the offline gazetteer), unless a
        curator set them; False when the town cannot be found (the admin flags the site)."""
        if self.location_source == self.Location.CURATOR and self.is_located:
            return True
        place = None
        if self.city and self.country:
            try:
                place = gazetteer.default().locate(self.city, self.country)
            except gazetteer.UnknownCountry:
                place = None
        if place is None:
            self.latitude = self.longitude = None
            self.location_source = self.Location.NONE
            return False
        self.latitude, self.longitude = place.latitude, place.longitude
        self.location_source = self.Location.GAZETTEER
        return True


def node_shape(node: engine.Node) -> dict:
    """What a node says, without its wording or ids: an explanation written for one shape is
    stale once the shape differs (a threshold, a unit, a concept, a group's members)."""
    if isinstance(node, engine.Leaf):
        return {
            "type": "leaf",
            "concept": node.concept,
            "operator": node.operator,
            "values": list(node.values),
            "unit": node.unit,
            "drugs": list(node.drugs),
            "visit": node.confirmed_at_visit,
        }
    if isinstance(node, engine.Group):
        return {
            "type": str(node.op.value),
            "visit": node.confirmed_at_visit,
            "children": [node_shape(child) for child in node.children],
        }
    return {"type": "visit"}


class CriterionQuerySet(models.QuerySet):
    def live(self) -> CriterionQuerySet:
        """The nodes of published revisions: what screening reads."""
        return self.filter(revision__state=CriteriaRevision.State.PUBLISHED)

    def current(self) -> CriterionQuerySet:
        """The live revision's nodes, and a never-published trial's draft nodes."""
        return self.filter(
            models.Q(revision__state=CriteriaRevision.State.PUBLISHED)
            | models.Q(
                trial__live_revision__isnull=True, revision__state__in=CriteriaRevision.EDITABLE_STATES
            )
        )


class Criterion(models.Model):
    class Kind(models.TextChoices):
        INCLUSION = "inclusion", _("Inclusion")
        EXCLUSION = "exclusion", _("Exclusion")

    class NodeType(models.TextChoices):
        LEAF = "leaf", _("Condition on one concept")
        AND = "and", _("All of (AND)")
        OR = "or", _("Any of (OR)")
        NOT = "not", _("Not (NOT)")
        VISIT = "visit", _("Confirmed at the visit (not screenable)")

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="criteria")
    revision = models.ForeignKey(CriteriaRevision, on_delete=models.CASCADE, related_name="criteria")
    # The node this one was copied from in an earlier revision (kept through every copy):
    # "compare with published" pairs nodes by it.
    origin = models.PositiveIntegerField(null=True, blank=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INCLUSION)
    node_type = models.CharField(max_length=8, choices=NodeType.choices, default=NodeType.LEAF)
    concept = models.ForeignKey(
        Concept, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria"
    )
    operator = models.CharField(max_length=32, blank=True)
    values = models.JSONField(default=list, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    drugs = models.JSONField(default=list, blank=True, help_text=_("Drug or drug-class codes."))
    source_text = models.TextField(blank=True, help_text=_("The registry's own words."))
    explanation_en = models.TextField(blank=True, help_text=_("Plain-language explanation; reading choices."))
    explanation_fr = models.TextField(blank=True)
    # What the registry import's drafter could not map in this item ("“hepatitis C”: no
    # criterion drafted."), shown beside the node until a curator marks it reviewed.
    drafting_notes = models.JSONField(default=list, blank=True, editable=False)
    drafting_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    drafting_reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The node's shape (node_shape) when a curator last wrote or confirmed the explanation.
    explanation_basis = models.JSONField(null=True, blank=True, editable=False)
    confirmed_at_visit = models.BooleanField(
        default=False, help_text=_("Settled by the study team at the visit; never asked, never decides.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "parent_id", "position", "pk"]
        verbose_name_plural = "criteria"
        # updated_at: the catalog fingerprint reads its maximum on every request.
        indexes = [
            models.Index(fields=["revision", "parent", "position"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.source_text[:80] or f"{self.get_node_type_display()} #{self.pk}"

    @staticmethod
    def build_tree(rows) -> list[Criterion]:
        """The roots of these rows (one revision's), each node with `.tree_children` set."""
        nodes = sorted(rows, key=lambda c: (c.position, c.pk))
        by_parent: dict[int | None, list[Criterion]] = {}
        for node in nodes:
            by_parent.setdefault(node.parent_id, []).append(node)
        for node in nodes:
            node.tree_children = by_parent.get(node.pk, [])
        return by_parent.get(None, [])

    @property
    def lineage(self) -> int:
        """The same for a node and all its copies in later revisions."""
        return self.origin or self.pk

    @property
    def has_override(self) -> bool:
        return bool(self.explanation_en or self.explanation_fr)

    @property
    def shape(self) -> dict:
        """node_shape of this node; needs `tree_children` for a group."""
        return node_shape(self.to_node())

    @property
    def explanation_is_stale(self) -> bool:
        return self.has_override and self.explanation_basis != self.shape

    @property
    def has_unreviewed_drafting_notes(self) -> bool:
        return bool(self.drafting_notes) and self.drafting_reviewed_at is None

    def mark_drafting_reviewed(self, *, by=None) -> None:
        self.drafting_reviewed_at = timezone.now()
        self.drafting_reviewed_by = by
        self.save(update_fields=["drafting_reviewed_at", "drafting_reviewed_by", "updated_at"])

    def describe_shape(self) -> str:
        return f"{self.get_node_type_display()} #{self.pk}"

    GROUP_TYPES = frozenset({NodeType.AND, NodeType.OR, NodeType.NOT})

    @property
    def explanation(self) -> str:
        """The curator's override in the active language ("" when none was written)."""
        lang = "fr" if (get_language() or "en").startswith("fr") else "en"
        return getattr(self, f"explanation_{lang}")

    def generated_explanation(self, ctx: VocabularyContext) -> str:
        """The node in plain language from its structure, by the renderer the admin shows;
        needs `tree_children` for a group and `ctx` read in the active language."""
        return ctx.describe(self.to_node())

    def shown_explanation(self, ctx: VocabularyContext) -> str:
        """What patients and the API read: the override when one is written in the active
        language, else the generated text (so it always follows the criterion's values)."""
        return self.explanation or self.generated_explanation(ctx)

    @property
    def is_group(self) -> bool:
        return self.node_type in self.GROUP_TYPES

    def to_node(self) -> engine.Node:
        """The engine spec of this node and its subtree; needs `tree_children` (see
        Trial.root_criteria)."""
        common = {"id": self.pk, "source_text": self.source_text, "note": self.explanation_en}
        if self.node_type == self.NodeType.VISIT:
            return engine.VisitCheck(**common)
        if self.node_type == self.NodeType.LEAF:
            return engine.Leaf(
                concept=self.concept.code if self.concept_id else "",
                operator=self.operator,
                values=tuple(self.values),
                unit=self.unit,
                drugs=tuple(self.drugs),
                confirmed_at_visit=self.confirmed_at_visit,
                **common,
            )
        return engine.Group(
            op=engine.GroupOp(self.node_type),
            children=tuple(child.to_node() for child in getattr(self, "tree_children", [])),
            confirmed_at_visit=self.confirmed_at_visit,
            **common,
        )


class Verdict(models.TextChoices):
    """The API's three verdicts, for every model that stores one."""

    ELIGIBLE = "eligible", _("Eligible")
    NEEDS_INFO = "needs_info", _("Needs more information")
    INELIGIBLE = "ineligible", _("Ineligible")


class TestPatient(models.Model):
    """A named, made-up patient whose verdict on a trial is known: the trial's regression test."""

    __test__ = False  # not a pytest class, despite the name

    Expected = Verdict

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="test_patients")
    name = models.CharField(max_length=200)
    answers = models.JSONField(
        default=dict, blank=True, help_text=_('Answers as in the screening API, e.g. {"age": 34}.')
    )
    expected_verdict = models.CharField(max_length=16, choices=Expected.choices)
    expected_excluding_concept = models.ForeignKey(
        Concept,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an ineligible patient: the concept that must be among the reasons."),
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["trial", "name"]
        constraints = [models.UniqueConstraint(fields=["trial", "name"], name="unique_test_patient_name")]

    def __str__(self) -> str:
        return self.name


class ImportRunQuerySet(models.QuerySet):
    def pending(self) -> ImportRunQuerySet:
        pending = [ImportRun.State.QUEUED, ImportRun.State.RUNNING, ImportRun.State.RETRYING]
        return self.filter(state__in=pending)


class ImportRun(models.Model):
    """One import or refresh of registry records, recorded before any work starts: an uploaded
    file is kept in `payload` (the row is the task's outbox), and the outcome, error and
    warnings are filled in by the task."""

    class Source(models.TextChoices):
        CTGOV_API = "ctgov_api", _("ClinicalTrials.gov API")
        CTGOV_FILE = "ctgov_file", _("ClinicalTrials.gov JSON file")
        ICTRP_FILE = "ictrp_file", _("WHO ICTRP XML file")

    class Trigger(models.TextChoices):
        ADMIN_FORM = "admin_form", _("Import form")
        ADMIN_ACTION = "admin_action", _("Admin action")
        COMMAND = "command", _("Management command")
        SCHEDULE = "schedule", _("Daily refresh")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Waiting to retry")
        FINISHED = "finished", _("Finished")

    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        CHANGED = "changed", _("Eligibility text changed")
        FAILED = "failed", _("Failed")

    source = models.CharField(max_length=16, choices=Source.choices)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    requested_id = models.CharField(
        max_length=64, blank=True, help_text=_("The registry id asked for (API imports and refreshes).")
    )
    filename = models.CharField(max_length=255, blank=True)
    payload = models.TextField(blank=True, help_text=_("The uploaded file, or the registry's response."))
    trial = models.ForeignKey(
        Trial, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    trial_created = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Per-record results of a file holding several trials: [{"trial_id", "outcome", "created"}].
    results = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_id", "state"])]

    def __str__(self) -> str:
        what = self.requested_id or self.filename or self.get_source_display()
        return f"Import #{self.pk} {what}"

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED


class EligibilityTextVersionQuerySet(models.QuerySet):
    def awaiting_review(self) -> EligibilityTextVersionQuerySet:
        return self.filter(needs_review=True, reviewed_at__isnull=True)


class EligibilityTextVersion(models.Model):
    """Every version of a trial's registry eligibility text, with the criteria drafted from it.

    A version after the first means the registry changed its criteria: `needs_review` stays set
    until a curator has compared the texts and, if needed, updated the curated criteria.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="eligibility_versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="text_versions"
    )
    # The drafting output for this text ({"items": [...], "warnings": [...]}): suggestions only.
    drafts = models.JSONField(default=dict, blank=True)
    needs_review = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EligibilityTextVersionQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "-number"]
        constraints = [models.UniqueConstraint(fields=["trial", "number"], name="unique_text_version_number")]

    def __str__(self) -> str:
        return f"{self.trial.trial_id} eligibility text v{self.number}"

    def unified_diff(self) -> str:
        import difflib

        if self.previous is None:
            return ""
        return "\n".join(
            difflib.unified_diff(
                self.previous.text.splitlines(),
                self.text.splitlines(),
                fromfile=f"version {self.previous.number}",
                tofile=f"version {self.number}",
                lineterm="",
            )
        )

    def html_diff(self) -> str:
        """A side-by-side table (difflib), classes only: the admin's stylesheet colours it."""
        import difflib

        if self.previous is None:
            return ""
        return difflib.HtmlDiff(wrapcolumn=44).make_table(
            self.previous.text.splitlines(),
            self.text.splitlines(),
            fromdesc=f"version {self.previous.number}",
            todesc=f"version {self.number}",
            context=True,
            numlines=2,
        )

    def mark_reviewed(self, *, by=None) -> None:
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(update_fields=["reviewed_at", "reviewed_by"])

"""Curation in the Django admin: trials with their registry text beside the criteria tree,
criteria edited node by node, test patients, the review workflow, a verdict preview, and
the history of who changed what (django-simple-history)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from engine import CriterionError, Kind, NodeResult, detail, evaluate_trial
from trials.admin_imports import refresh_from_registry  # also registers the import admin
from trials.checks import TrialCheck, VocabularyContext
from trials.forms import ConceptForm, CriterionForm, PreviewForm, SiteForm, TestPatientForm, concept_data
from trials.models import (
    Concept,
    CriteriaRevision,
    Criterion,
    Drug,
    DrugClass,
    Site,
    TerminologyCode,
    TestPatient,
    Trial,
    WorkflowError,
)
from trials.revisions import compare
from trials.services import (
    criterion_explanation_written,
    criterion_move,
    revision_discard,
    revision_draft_open,
    revision_edited,
    revision_rollback,
)


class HistoryAdmin(SimpleHistoryAdmin):
    """History with field-level diffs and who made them. Reverting to a past version posts
    that version through this admin's own form and save_model, so a revert is validated,
    versioned and checked exactly like an edit."""


def _trial_url(trial_id: int) -> str:
    return reverse("admin:trials_trial_change", args=[trial_id])


def report_check(request: HttpRequest, check: TrialCheck) -> None:
    """The outcome of a criteria or test-patient change, as admin messages."""
    for problem in check.problems:
        messages.warning(
            request, _("Criteria problem, blocks publishing: %(problem)s") % {"problem": problem}
        )
    for result in check.disagreeing:
        messages.warning(
            request,
            _("Test patient “%(name)s” disagrees: %(reason)s")
            % {"name": result.patient.name, "reason": result.reason},
        )
    if check.patients and not check.disagreeing:
        messages.info(
            request, _("All %(n)s test patients agree with the criteria.") % {"n": len(check.patients)}
        )


@admin.display(description=gettext_lazy("Location"))
def site_location(site: Site) -> str:
    """The flag a curator looks for: a site that cannot be located shows no distance."""
    if site.pk is None:
        return "—"
    if not site.is_located:
        return _("⚠ Not located: give its latitude and longitude")
    return f"{site.get_location_source_display()} ({site.latitude:.4f}, {site.longitude:.4f})"


class SiteInline(admin.TabularInline):
    model = Site
    form = SiteForm
    extra = 0
    readonly_fields = [site_location]


class LocatedFilter(admin.SimpleListFilter):
    title = gettext_lazy("located")
    parameter_name = "located"

    def lookups(self, request, model_admin):
        return [("no", _("Not located")), ("yes", _("Located"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.unlocated()
        if self.value() == "yes":
            return queryset.located()
        return queryset


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """Every site of every trial, to find the ones without coordinates (filter "located")."""

    form = SiteForm
    list_display = ["facility", "city", "country", "trial", site_location]
    list_filter = [LocatedFilter, "location_source", "country"]
    list_select_related = ["trial"]
    search_fields = ["facility", "city", "country", "trial__trial_id"]
    autocomplete_fields = ["trial"]
    readonly_fields = [site_location]
    fields = [
        "trial", "facility", "city", "country", "contact_name", "contact_email", "contact_phone", "position",
        "latitude", "longitude", site_location,
    ]  # fmt: skip


class TestPatientInline(admin.StackedInline):
    model = TestPatient
    form = TestPatientForm
    extra = 0
    fields = ["name", "expected_verdict", "expected_excluding_concept", "answers", "note"]
    autocomplete_fields = ["expected_excluding_concept"]


@admin.register(Trial)
class TrialAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "trial_id",
        "acronym",
        "public_title",
        "status",
        "state",
        "needs_review",
        "live_revision_number",
        "draft_revision_number",
    ]
    list_filter = ["status", "state", "needs_review"]
    list_select_related = ["live_revision"]
    search_fields = ["trial_id", "public_title", "scientific_title", "acronym", "conditions"]
    readonly_fields = [
        "state",
        "published_at",
        "published_by",
        "criteria_version",
        "created_at",
        "updated_at",
    ]
    inlines = [SiteInline, TestPatientInline]
    actions = ["submit_selected_for_review", "publish_selected", "withdraw_selected", refresh_from_registry]
    fieldsets = [
        (
            None,
            {"fields": ["trial_id", "acronym", "public_title", "scientific_title", "status", "needs_review"]},
        ),
        (
            _("Registry"),
            {
                "fields": [
                    "registry",
                    "other_ids",
                    "sponsor",
                    "phase",
                    "conditions",
                    "target_enrollment",
                    "source_url",
                ]
            },
        ),
        (_("Eligibility"), {"fields": ["eligibility_text", "curation_notes"]}),
        (
            _("Review"),
            {
                "fields": [
                    "state",
                    "published_at",
                    "published_by",
                    "criteria_version",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["css/curation.css"]}

    @admin.display(description=gettext_lazy("Live revision"))
    def live_revision_number(self, trial: Trial) -> str:
        return str(trial.live_revision.number) if trial.live_revision else "—"

    @admin.display(description=gettext_lazy("Being edited"))
    def draft_revision_number(self, trial: Trial) -> str:
        draft = trial.draft_revision
        return f"{draft.number} ({draft.get_state_display().lower()})" if draft else "—"

    def get_urls(self):
        own = [
            path(
                "<int:trial_id>/workflow/<str:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name="trials_trial_workflow",
            ),
            path(
                "<int:trial_id>/criteria/<int:criterion_id>/move/<str:direction>/",
                self.admin_site.admin_view(self.move_view),
                name="trials_trial_move_criterion",
            ),
            path(
                "<int:trial_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="trials_trial_preview",
            ),
            path(
                "<int:trial_id>/revisions/<int:number>/",
                self.admin_site.admin_view(self.revision_view),
                name="trials_trial_revision",
            ),
            path(
                "<int:trial_id>/revisions/<int:number>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="trials_trial_compare",
            ),
            path(
                "<int:trial_id>/revisions/<int:number>/rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name="trials_trial_rollback",
            ),
            path(
                "<int:trial_id>/criteria/<int:criterion_id>/explanation/<str:action>/",
                self.admin_site.admin_view(self.explanation_view),
                name="trials_trial_explanation",
            ),
            path(
                "<int:trial_id>/criteria/<int:criterion_id>/drafting-reviewed/",
                self.admin_site.admin_view(self.drafting_reviewed_view),
                name="trials_trial_drafting_reviewed",
            ),
        ]
        return own + super().get_urls()

    def drafting_reviewed_view(self, request: HttpRequest, trial_id: int, criterion_id: int) -> HttpResponse:
        return require_POST(self._drafting_reviewed)(request, trial_id, criterion_id)

    def _drafting_reviewed(self, request: HttpRequest, trial_id: int, criterion_id: int) -> HttpResponse:
        """A curator has read what the import's drafter could not map in this item."""
        trial = self._trial_for_change(request, trial_id)
        criterion = get_object_or_404(Criterion, pk=criterion_id, trial=trial)
        criterion.mark_drafting_reviewed(by=request.user)
        messages.success(request, _("Marked reviewed: %(item)s") % {"item": criterion.source_text[:80]})
        return HttpResponseRedirect(_trial_url(trial.pk) + f"#criterion-{criterion.pk}")

    def _trial_for_view(self, request: HttpRequest, trial_id: int) -> Trial:
        trial = get_object_or_404(Trial, pk=trial_id)
        if not self.has_view_or_change_permission(request, trial):
            raise PermissionDenied
        return trial

    def _page(self, request: HttpRequest, trial: Trial, title: str, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": trial,
            "title": title,
            "has_change_permission": self.has_change_permission(request, trial),
            **context,
        }

    def revision_view(self, request: HttpRequest, trial_id: int, number: int) -> HttpResponse:
        """One revision, read-only: its tree in plain language, who made and published it."""
        trial = self._trial_for_view(request, trial_id)
        revision = get_object_or_404(CriteriaRevision, trial=trial, number=number)
        ctx = Concept.objects.vocabulary()
        roots = revision.root_criteria()

        def annotate(node: Criterion) -> None:
            node.description = "" if node.is_group else ctx.describe(node.to_node())
            for child in node.tree_children:
                annotate(child)

        for root in roots:
            annotate(root)
        context = self._page(
            request,
            trial,
            _("%(trial)s, criteria revision %(n)s") % {"trial": trial.trial_id, "n": revision.number},
            revision=revision,
            inclusion_roots=[r for r in roots if r.kind == Kind.INCLUSION],
            exclusion_roots=[r for r in roots if r.kind == Kind.EXCLUSION],
        )
        return TemplateResponse(request, "admin/trials/trial/revision.html", context)

    def compare_view(self, request: HttpRequest, trial_id: int, number: int) -> HttpResponse:
        """A revision's differences from the published one: leaves added, removed, changed."""
        trial = self._trial_for_view(request, trial_id)
        revision = get_object_or_404(CriteriaRevision, trial=trial, number=number)
        live = trial.live_revision
        changes = compare(live, revision, Concept.objects.vocabulary()) if live else []
        context = self._page(
            request,
            trial,
            _("%(trial)s: revision %(n)s compared with the published revision")
            % {"trial": trial.trial_id, "n": revision.number},
            revision=revision,
            live=live,
            changes=changes,
        )
        return TemplateResponse(request, "admin/trials/trial/compare.html", context)

    def rollback_view(self, request: HttpRequest, trial_id: int, number: int) -> HttpResponse:
        return require_POST(self._rollback)(request, trial_id, number)

    def _rollback(self, request: HttpRequest, trial_id: int, number: int) -> HttpResponse:
        trial = self._trial_for_change(request, trial_id)
        revision = get_object_or_404(CriteriaRevision, trial=trial, number=number)
        try:
            restored = revision_rollback(revision=revision, by=request.user)
        except WorkflowError as error:
            messages.error(
                request,
                _("Revision %(n)s was not restored: %(reasons)s")
                % {"n": revision.number, "reasons": " / ".join(error.reasons)},
            )
        else:
            messages.success(
                request,
                _("Revision %(new)s, a copy of revision %(old)s, is now published.")
                % {"new": restored.number, "old": revision.number},
            )
        return HttpResponseRedirect(_trial_url(trial.pk))

    def explanation_view(
        self, request: HttpRequest, trial_id: int, criterion_id: int, action: str
    ) -> HttpResponse:
        return require_POST(self._explanation)(request, trial_id, criterion_id, action)

    def _explanation(
        self, request: HttpRequest, trial_id: int, criterion_id: int, action: str
    ) -> HttpResponse:
        """A stale explanation override: kept as written (confirmed) or dropped for the
        generated text. Only a draft's nodes are changed."""
        trial = self._trial_for_change(request, trial_id)
        criterion = get_object_or_404(
            Criterion, pk=criterion_id, trial=trial, revision__state__in=CriteriaRevision.EDITABLE_STATES
        )
        if action == "generated":
            criterion.explanation_en = criterion.explanation_fr = ""
            criterion.save(update_fields=["explanation_en", "explanation_fr", "updated_at"])
            messages.success(request, _("The explanation is now generated from the criterion."))
        elif action == "confirm":
            messages.success(request, _("The explanation was confirmed for the criterion as it is now."))
        else:
            raise PermissionDenied
        criterion_explanation_written(criterion=criterion)
        report_check(request, revision_edited(revision=criterion.revision, by=request.user))
        return HttpResponseRedirect(_trial_url(trial.pk) + f"#criterion-{criterion.pk}")

    def _trial_for_change(self, request: HttpRequest, trial_id: int) -> Trial:
        """The one place the custom views get their trial: 404 when missing, 403 without the
        change permission."""
        trial = get_object_or_404(Trial, pk=trial_id)
        if not self.has_change_permission(request, trial):
            raise PermissionDenied
        return trial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        trial = self.get_object(request, object_id)
        if trial is not None and self.has_view_or_change_permission(request, trial):
            extra_context.update(self._curation_context(trial))
        return super().change_view(request, object_id, form_url, extra_context)

    def _curation_context(self, trial: Trial) -> dict:
        ctx = Concept.objects.vocabulary()
        working = trial.working_revision()
        check = trial.check_criteria(ctx, revision=working)
        problems: dict[int | None, list[str]] = {}
        for problem in check.problems:
            problems.setdefault(problem.node_id, []).append(f"{problem.field}: {problem.message}")
        roots = trial.root_criteria(working) if working else []
        by_language = {}
        for lang in ("en", "fr"):
            with translation.override(lang):
                by_language[lang] = Concept.objects.vocabulary()

        def annotate(node: Criterion, siblings: int, index: int) -> None:
            node.description = ctx.describe(node.to_node()) if not node.is_group else ""
            node.explained = []
            for lang, lang_ctx in by_language.items():
                with translation.override(lang):
                    node.explained.append((lang, node.shown_explanation(lang_ctx), bool(node.explanation)))
            node.problems = problems.get(node.pk, [])
            node.is_first, node.is_last = index == 0, index == siblings - 1
            for i, child in enumerate(node.tree_children):
                annotate(child, len(node.tree_children), i)

        for i, root in enumerate(roots):
            annotate(root, len(roots), i)
        draft = trial.draft_revision
        return {
            "check": check,
            "working": working,
            "draft": draft,
            "live": trial.live_revision,
            "blockers": trial.publication_blockers() if trial.publication_candidate() else [],
            "unreviewed": trial.unreviewed_drafting_items(working),
            "editing_live": working is not None and not working.is_editable,
            "revisions": trial.revisions.select_related("published_by", "created_by"),
            "inclusion_roots": [r for r in roots if r.kind == Kind.INCLUSION],
            "exclusion_roots": [r for r in roots if r.kind == Kind.EXCLUSION],
            "steps": self._allowed_steps(trial, draft),
        }

    @staticmethod
    def _allowed_steps(trial: Trial, draft: CriteriaRevision | None) -> list[tuple[str, str]]:
        state = Trial.State
        if trial.is_published:
            if draft is None:
                return [("edit", _("Edit criteria")), ("withdraw", _("Withdraw"))]
            if draft.state == CriteriaRevision.State.DRAFT:
                steps = [("submit", _("Submit the draft for review")), ("publish", _("Publish the draft"))]
            else:
                steps = [("publish", _("Publish the draft")), ("draft", _("Back to draft"))]
            return [*steps, ("discard", _("Discard the draft")), ("withdraw", _("Withdraw"))]
        steps = {
            state.DRAFT: [("submit", _("Submit for review"))],
            state.IN_REVIEW: [
                ("publish", _("Publish")),
                ("draft", _("Back to draft")),
                ("withdraw", _("Withdraw")),
            ],
            state.WITHDRAWN: [("submit", _("Submit for review again"))],
        }
        return steps[trial.state]

    def response_change(self, request, obj):
        report_check(request, obj.check_criteria())
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        report_check(request, obj.check_criteria())
        return super().response_add(request, obj, post_url_continue)

    def workflow_view(self, request: HttpRequest, trial_id: int, step: str) -> HttpResponse:
        return require_POST(self._workflow)(request, trial_id, step)

    def _workflow(self, request: HttpRequest, trial_id: int, step: str) -> HttpResponse:
        trial = self._trial_for_change(request, trial_id)
        methods = {
            "submit": trial.submit_for_review,
            "publish": trial.publish,
            "withdraw": trial.withdraw,
            "draft": trial.return_to_draft,
        }
        if step == "edit":
            draft, _copies = revision_draft_open(trial=trial, by=request.user)
            messages.success(
                request,
                _("Revision %(n)s is a draft: revision %(live)s keeps screening until it is published.")
                % {"n": draft.number, "live": trial.live_revision.number if trial.live_revision else "—"},
            )
            return HttpResponseRedirect(_trial_url(trial.pk))
        if step == "discard":
            draft = trial.draft_revision
            try:
                if draft is None:
                    raise WorkflowError([_("There is no draft revision to discard.")])
                revision_discard(revision=draft)
            except WorkflowError as error:
                messages.error(request, " / ".join(error.reasons))
            else:
                messages.success(request, _("The draft revision was discarded."))
            return HttpResponseRedirect(_trial_url(trial.pk))
        if step not in methods:
            raise PermissionDenied
        if step == "publish":
            unreviewed = trial.unreviewed_drafting_items(trial.publication_candidate())
        if self._run_step(request, trial, methods[step]) and step == "publish" and unreviewed:
            messages.warning(
                request,
                _("Published with import notes nobody marked reviewed: %(items)s")
                % {
                    "items": " / ".join(
                        f"{node.source_text[:70]} ({'; '.join(node.drafting_notes)})" for node in unreviewed
                    )
                },
            )
        return HttpResponseRedirect(_trial_url(trial.pk))

    @staticmethod
    def _run_step(request: HttpRequest, trial: Trial, method) -> bool:
        try:
            method(by=request.user)
        except WorkflowError as error:  # nothing was changed: each step is one transaction
            messages.error(
                request,
                _("%(trial)s was not changed: %(reasons)s")
                % {"trial": trial.trial_id, "reasons": " / ".join(error.reasons)},
            )
            return False
        messages.success(
            request,
            _("%(trial)s is now %(state)s.")
            % {"trial": trial.trial_id, "state": trial.get_state_display().lower()},
        )
        return True

    def _bulk(self, request, queryset, name: str) -> None:
        for trial in queryset:
            self._run_step(request, trial, getattr(trial, name))

    @admin.action(description=_("Submit the selected trials for review"), permissions=["change"])
    def submit_selected_for_review(self, request, queryset):
        self._bulk(request, queryset, "submit_for_review")

    @admin.action(description=_("Publish the selected trials"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Withdraw the selected trials"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        self._bulk(request, queryset, "withdraw")

    def move_view(
        self, request: HttpRequest, trial_id: int, criterion_id: int, direction: str
    ) -> HttpResponse:
        return require_POST(self._move)(request, trial_id, criterion_id, direction)

    def _move(self, request: HttpRequest, trial_id: int, criterion_id: int, direction: str) -> HttpResponse:
        trial = self._trial_for_change(request, trial_id)
        criterion = get_object_or_404(Criterion, pk=criterion_id, trial=trial)
        if direction not in ("up", "down"):
            raise PermissionDenied
        draft, copies = revision_draft_open(trial=trial, by=request.user)
        if criterion.revision_id != draft.pk:
            if criterion.pk not in copies:
                raise PermissionDenied  # a node of an earlier revision
            criterion = copies[criterion.pk]
        check = criterion_move(criterion=criterion, offset=-1 if direction == "up" else 1, by=request.user)
        report_check(request, check)
        return HttpResponseRedirect(_trial_url(trial.pk) + f"#criterion-{criterion.pk}")

    def preview_view(self, request: HttpRequest, trial_id: int) -> HttpResponse:
        trial = get_object_or_404(Trial, pk=trial_id)
        if not self.has_view_or_change_permission(request, trial):
            raise PermissionDenied
        ctx = Concept.objects.vocabulary()
        form = PreviewForm(request.POST or None, ctx=ctx)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": trial,
            "title": _("Preview %(trial)s") % {"trial": trial},
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            context.update(self._preview(trial, form, ctx))
        return TemplateResponse(request, "admin/trials/trial/preview.html", context)

    @staticmethod
    def _preview(trial: Trial, form: PreviewForm, ctx: VocabularyContext) -> dict:
        spec = trial.to_spec(trial.working_revision())  # the draft, as test patients see it
        try:
            compiled = ctx.compile(spec)
        except CriterionError as error:
            return {"tree_error": str(error)}
        values = form.validated.values
        outcome = evaluate_trial(compiled, values)
        explainer = ctx.explainer(form.validated.display)

        def node_view(result: NodeResult) -> dict:
            return {
                "status": result.status.name,
                "text": ctx.describe(result.node.spec),
                "source_text": result.node.spec.source_text,
                "children": [node_view(child) for child in result.children],
            }

        criteria = []
        for criterion, effect in zip(compiled.screened, outcome.effects, strict=True):
            tree = detail(criterion.node, values)
            criteria.append(
                {
                    "kind": criterion.kind.value,
                    "effect": ("NOT_MET", "UNKNOWN", "MET")[effect],
                    "tree": node_view(tree),
                    "explanation": explainer.node(tree, values, positive=criterion.kind == Kind.INCLUSION),
                }
            )
        return {
            "verdict": outcome.verdict.value,
            "criteria": criteria,
            "missing": outcome.missing_concepts(values),
            "visit": [c.node.source_text for c in compiled.visit],
        }


@admin.register(Criterion)
class CriterionAdmin(HistoryAdmin):
    form = CriterionForm
    list_display = [
        "__str__",
        "trial",
        "revision",
        "kind",
        "node_type",
        "concept",
        "operator",
        "values",
        "unit",
    ]
    list_filter = ["revision__state", "kind", "node_type", "trial"]
    search_fields = ["source_text", "trial__trial_id", "concept__code"]
    list_select_related = ["trial", "concept", "revision"]
    fieldsets = [
        (None, {"fields": ["trial", "parent", "position", "kind", "node_type"]}),
        (_("Condition (for a leaf)"), {"fields": ["concept", "operator", "values", "unit", "drugs"]}),
        (_("Wording"), {"fields": ["source_text", "explanation_en", "explanation_fr", "confirmed_at_visit"]}),
    ]

    class Media:
        css = {"all": ["css/curation.css"]}
        js = ["js/criterion_form.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("trial", "parent") and field is not None:
            # A node's trial and parent are picked, never created or edited from here.
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(field.widget, flag, False)
        if db_field.name == "concept" and field is not None:
            field.widget.can_delete_related = False  # a concept in use cannot be deleted anyway
        return field

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        node = (
            Criterion.objects.filter(pk=object_id).select_related("revision").first() if object_id else None
        )
        if node is not None and not node.revision.is_editable:
            copy = self._copy_in_draft(node)
            if copy is not None:
                # The trial page links the draft's nodes; an older link lands on the copy.
                return HttpResponseRedirect(reverse("admin:trials_criterion_change", args=[copy.pk]))
        extra_context = {**(extra_context or {}), "concept_data": concept_data()}
        if node is not None:
            extra_context["revision"] = node.revision
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _copy_in_draft(node: Criterion) -> Criterion | None:
        draft = node.trial.draft_revision
        if draft is None:
            return None
        return draft.criteria.filter(origin=node.lineage).first()

    def has_change_permission(self, request, obj=None):
        # An earlier revision is read-only; the live one is edited through its draft copy
        # (none when the draft removed the node).
        if obj is not None and not obj.revision.is_editable:
            if obj.revision.state == CriteriaRevision.State.SUPERSEDED:
                return False
            if obj.trial.draft_revision is not None and self._copy_in_draft(obj) is None:
                return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.revision.state == CriteriaRevision.State.SUPERSEDED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Every edit lands in the draft revision (made on the first edit): a node of the live
        revision is written as its copy there, so the live revision keeps screening as is."""
        draft, copies = revision_draft_open(trial=obj.trial, by=request.user)
        if change and obj.revision_id != draft.pk:
            copy = copies[obj.pk]
            obj.pk, obj.origin, obj.revision = copy.pk, copy.origin, draft
        if not change:
            obj.revision = draft
        if obj.parent_id and obj.parent.revision_id != draft.pk:
            obj.parent = copies[obj.parent_id]
        super().save_model(request, obj, form, change)
        if not change or {"explanation_en", "explanation_fr"} & set(form.changed_data):
            criterion_explanation_written(criterion=obj)
        request._criteria_check = revision_edited(revision=draft, by=request.user)

    def delete_model(self, request, obj):
        trial = obj.trial
        draft, copies = revision_draft_open(trial=trial, by=request.user)
        target = obj if obj.revision_id == draft.pk else copies[obj.pk]
        super().delete_model(request, target)
        request._criteria_check = revision_edited(revision=draft, by=request.user)
        request._deleted_from_trial = trial.pk

    def delete_queryset(self, request, queryset):
        for node in queryset.select_related("trial", "revision"):
            if not Criterion.objects.filter(pk=node.pk).exists():
                continue  # went with a group deleted before it
            self.delete_model(request, node)
            report_check(request, request._criteria_check)

    def _back_to_trial(self, request, obj) -> HttpResponse:
        report_check(request, request._criteria_check)
        messages.success(request, _("Criterion saved."))
        return HttpResponseRedirect(_trial_url(obj.trial_id) + f"#criterion-{obj.pk}")

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" in request.POST or "_addanother" in request.POST:
            report_check(request, request._criteria_check)
            return super().response_add(request, obj, post_url_continue)
        return self._back_to_trial(request, obj)

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            report_check(request, request._criteria_check)
            return super().response_change(request, obj)
        return self._back_to_trial(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        report_check(request, request._criteria_check)
        messages.success(request, _("Criterion “%(name)s” deleted.") % {"name": obj_display})
        return HttpResponseRedirect(_trial_url(request._deleted_from_trial))


@admin.register(TestPatient)
class TestPatientAdmin(HistoryAdmin):
    form = TestPatientForm
    list_display = ["name", "trial", "expected_verdict", "expected_excluding_concept"]
    list_filter = ["expected_verdict", "trial"]
    search_fields = ["name", "trial__trial_id"]
    autocomplete_fields = ["expected_excluding_concept"]

    def response_add(self, request, obj, post_url_continue=None):
        report_check(request, obj.trial.check_criteria())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        report_check(request, obj.trial.check_criteria())
        return super().response_change(request, obj)


@admin.register(Concept)
class ConceptAdmin(HistoryAdmin):
    form = ConceptForm
    list_display = ["code", "label_en", "type", "section", "canonical_unit"]
    list_filter = ["type", "section"]
    search_fields = ["code", "label_en", "label_fr"]

    def response_change(self, request, obj):
        report_trials_affected(request, Trial.objects.filter(criteria__concept=obj).distinct())
        return super().response_change(request, obj)


def _naming(codes: set[str]) -> list[Criterion]:
    """Criteria whose drug list names one of `codes` (JSON lists: filtered in Python)."""
    leaves = Criterion.objects.filter(concept__type="list").select_related("trial")
    return [c for c in leaves if codes & set(c.drugs)]


def criteria_naming(codes: set[str]) -> list[str]:
    return [
        _("criterion #%(id)s of %(trial)s names %(codes)s")
        % {"id": c.pk, "trial": c.trial.trial_id, "codes": ", ".join(sorted(codes & set(c.drugs)))}
        for c in _naming(codes)
    ]


def report_trials_affected(request: HttpRequest, trials) -> None:
    """After a vocabulary edit: the test patients of every trial that uses it, run again.
    Only disagreements are reported; the trials stay as they are (their trees still compile,
    which the concept form guarantees)."""
    ctx = Concept.objects.vocabulary()
    for trial in trials:
        for result in trial.check_criteria(ctx).disagreeing:
            messages.warning(
                request,
                _("%(trial)s: test patient “%(name)s” now disagrees: %(reason)s")
                % {"trial": trial.trial_id, "name": result.patient.name, "reason": result.reason},
            )


class DrugCodeProtectedAdmin:
    """Criteria name drugs and classes by code, not by foreign key: deleting one they name
    would make those criteria invalid, so the admin lists them as protected objects."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms, [*protected, *criteria_naming({obj.code for obj in objs})]


@admin.register(Drug)
class DrugAdmin(DrugCodeProtectedAdmin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]


@admin.register(TerminologyCode)
class TerminologyCodeAdmin(admin.ModelAdmin):
    """The code tables of the FHIR import: which LOINC, SNOMED CT, ICD-10, RxNorm or ATC code
    answers which concept or names which drug."""

    list_display = ["system", "code", "display", "concept", "value", "drug", "applies"]
    list_filter = ["system", "applies", "concept"]
    search_fields = ["code", "display", "concept__code", "drug__code"]
    autocomplete_fields = ["concept", "drug"]


@admin.register(DrugClass)
class DrugClassAdmin(DrugCodeProtectedAdmin, HistoryAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en"]
    filter_horizontal = ["drugs"]

    def response_change(self, request, obj):
        report_trials_affected(request, {c.trial for c in _naming({obj.code})})
        return super().response_change(request, obj)

"""Admin for registry imports: the run log (read-only), the "import by id or file" form, the
"refresh from registry" action, and the eligibility text versions with their diffs.

The trial and criterion admin lives elsewhere; `refresh_from_registry` works on a queryset of
trials too, so it can be added to that admin's actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from trials.models import EligibilityTextVersion, ImportRun, Trial
from trials.registry import ctgov
from trials.registry import services as registry_services
from trials.registry.records import RegistryError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class _RegistryMedia:
    css = {"all": ["trials/css/registry_admin.css"]}


@admin.action(description="Refresh from registry (ClinicalTrials.gov)")
def refresh_from_registry(modeladmin, request, queryset: QuerySet) -> None:
    """Queues a fresh import of each selected trial, or of the trial of each selected run.
    Usable from any admin of trials or import runs; needs the permission to add import runs."""
    if not request.user.has_perm("trials.add_importrun"):
        modeladmin.message_user(request, "You may not import from registries.", messages.ERROR)
        return
    if queryset.model is Trial:
        ids = list(queryset.values_list("trial_id", flat=True))
    else:
        ids = [
            run.trial.trial_id if run.trial_id else run.requested_id
            for run in queryset.select_related("trial")
        ]
    runs, skipped = registry_services.registry_ids_refresh(
        registry_ids=ids, trigger=ImportRun.Trigger.ADMIN_ACTION, by=request.user
    )
    if runs:
        modeladmin.message_user(
            request, f"{len(runs)} refresh(es) queued: {', '.join(r.requested_id for r in runs)}."
        )
    for note in skipped:
        modeladmin.message_user(request, note, messages.WARNING)


class ImportForm(forms.Form):
    registry_id = forms.CharField(
        label="ClinicalTrials.gov id",
        required=False,
        max_length=20,
        help_text="For example NCT02403947.",
    )
    file = forms.FileField(
        label="Or a registry file",
        required=False,
        help_text=(
            "ClinicalTrials.gov JSON (API v2: one study or a search page; or a legacy v1 "
            "FullStudiesResponse), or a WHO ICTRP XML export."
        ),
    )

    def clean_registry_id(self) -> str:
        value = self.cleaned_data["registry_id"].strip()
        if value:
            try:
                return ctgov.normalise_nct_id(value)
            except RegistryError as exc:
                raise forms.ValidationError(str(exc)) from None
        return value

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        raw = upload.read()
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        try:
            registry_services.import_source_for(filename=upload.name, content=content)
        except RegistryError:
            raise forms.ValidationError(
                "The file is neither ClinicalTrials.gov JSON nor WHO ICTRP XML."
            ) from None
        return {"name": upload.name, "content": content}

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("registry_id")) == bool(data.get("file")):
            raise forms.ValidationError(
                "Give either a ClinicalTrials.gov id or a file, not both and not neither."
            )
        return data


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "what", "trial_link", "outcome_display", "warning_count")
    list_filter = ("outcome", "state", "source", "trigger")
    search_fields = ("requested_id", "filename", "trial__trial_id", "error")
    list_select_related = ("trial",)
    date_hierarchy = "created_at"
    actions = [refresh_from_registry]
    change_list_template = "admin/trials/importrun/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "what",
                    "trial_link",
                    "trial_created",
                    "outcome_display",
                    "error",
                    "warnings_display",
                ]
            },
        ),
        ("Eligibility text", {"fields": ["text_changes"]}),
        (
            "Run",
            {
                "fields": [
                    "source",
                    "trigger",
                    "state",
                    "attempts",
                    "created_by",
                    "created_at",
                    "started_at",
                    "finished_at",
                    "results",
                ]
            },
        ),
        ("What the registry sent", {"fields": ["payload_display"], "classes": ["collapse"]}),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]
    Media = _RegistryMedia

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("trials.add_importrun")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a run is a record of what happened

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:trials_importrun_import")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="trials_importrun_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.get("file")
            run = registry_services.import_run_create(
                trigger=ImportRun.Trigger.ADMIN_FORM,
                registry_id=form.cleaned_data.get("registry_id", ""),
                filename=upload["name"] if upload else "",
                content=upload["content"] if upload else "",
                by=request.user,
            )
            self.message_user(
                request, f"{run} queued; this page shows its outcome once the worker has run it."
            )
            return redirect("admin:trials_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import from a registry",
            "form": form,
        }
        return TemplateResponse(request, "admin/trials/importrun/import_form.html", context)

    @admin.display(description="what")
    def what(self, run: ImportRun) -> str:
        return run.requested_id or run.filename or "—"

    @admin.display(description="outcome", ordering="outcome")
    def outcome_display(self, run: ImportRun) -> str:
        if not run.outcome:
            return run.get_state_display()
        return format_html(
            '<span class="registry-outcome-{}">{}</span>', run.outcome, run.get_outcome_display()
        )

    @admin.display(description="trial", ordering="trial__trial_id")
    def trial_link(self, run: ImportRun) -> str:
        if run.trial_id is None:
            return "—"
        url = reverse("admin:trials_trial_change", args=[run.trial_id]) if _registered(Trial) else ""
        label = str(run.trial)
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description="warnings")
    def warning_count(self, run: ImportRun) -> int:
        return len(run.warnings)

    @admin.display(description="warnings")
    def warnings_display(self, run: ImportRun) -> str:
        if not run.warnings:
            return "—"
        return format_html(
            '<ul class="registry-drafts">{}</ul>',
            format_html_join("", "<li>{}</li>", ((w,) for w in run.warnings)),
        )

    @admin.display(description="eligibility text changes")
    def text_changes(self, run: ImportRun) -> str:
        parts = []
        for version in run.text_versions.select_related("trial", "previous"):
            if version.previous is None:
                parts.append(format_html("<p>{}: first version recorded.</p>", version))
                continue
            url = reverse("admin:trials_eligibilitytextversion_change", args=[version.pk])
            parts.append(format_html('<p><a href="{}">{}</a> (needs review)</p>', url, version))
            parts.append(format_html('<div class="registry-diff">{}</div>', mark_safe(version.html_diff())))
        return mark_safe("".join(parts)) if parts else "—"

    @admin.display(description="payload")
    def payload_display(self, run: ImportRun) -> str:
        if not run.payload:
            return "—"
        text = run.payload if len(run.payload) <= 20000 else run.payload[:20000] + "\n…"
        return format_html('<pre class="registry-payload">{}</pre>', text)


@admin.register(EligibilityTextVersion)
class EligibilityTextVersionAdmin(admin.ModelAdmin):
    list_display = (
        "trial",
        "number",
        "created_at",
        "needs_review",
        "reviewed_at",
        "reviewed_by",
        "import_run",
    )
    list_filter = ("needs_review", ("reviewed_at", admin.EmptyFieldListFilter))
    search_fields = ("trial__trial_id", "trial__acronym")
    list_select_related = ("trial", "reviewed_by", "import_run")
    actions = ["mark_reviewed"]
    fields = ("trial", "number", "created_at", "import_run", "needs_review", "reviewed_at", "reviewed_by",
              "diff", "drafted_criteria", "text")  # fmt: skip
    readonly_fields = fields
    Media = _RegistryMedia

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("trials.view_eligibilitytextversion") and request.user.has_perm(
            "trials.change_trial"
        )

    @admin.action(
        description="Mark as reviewed (the curated criteria are up to date)", permissions=["review"]
    )
    def mark_reviewed(self, request, queryset) -> None:
        count = registry_services.text_versions_mark_reviewed(versions=queryset, by=request.user)
        self.message_user(request, f"{count} version(s) marked as reviewed.")

    @admin.display(description="changes from the previous version")
    def diff(self, version: EligibilityTextVersion) -> str:
        if not version.previous_id:
            return "First version recorded."
        # difflib escapes the texts it puts in its table
        return format_html('<div class="registry-diff">{}</div>', mark_safe(version.html_diff()))

    @admin.display(description="drafted criteria (suggestions)")
    def drafted_criteria(self, version: EligibilityTextVersion) -> str:
        items = version.drafts.get("items", []) if isinstance(version.drafts, dict) else []
        if not items:
            return "—"
        rows = []
        for item in items:
            joiner = " OR " if item.get("combine") == "any" else "; "
            criteria = joiner.join(_criterion_text(c) for c in item["criteria"])
            if not criteria:
                criteria = "confirmed at the visit" if item["confirmed_at_visit"] else "not structured"
            rows.append(
                format_html(
                    "<li><strong>{}</strong>: {}<br>→ {}{}</li>",
                    item["kind"],
                    item["source_text"],
                    criteria,
                    format_html_join(
                        "", '<br><span class="registry-warning">⚠ {}</span>', ((w,) for w in item["warnings"])
                    ),
                )
            )
        return format_html('<ul class="registry-drafts">{}</ul>', mark_safe("".join(rows)))


def _registered(model) -> bool:
    return admin.site.is_registered(model)


def _criterion_text(criterion: dict) -> str:
    """One drafted criterion as the curator reads it, with the rule that drafted it (drafts
    stored before rules were named have none)."""
    if "group" in criterion:
        inner = {"any": " OR ", "all": " AND ", "not": ""}.get(criterion["group"], ", ")
        text = inner.join(_criterion_text(c) for c in criterion["criteria"])
        return f"NOT ({text})" if criterion["group"] == "not" else f"({text})"
    values = " ".join(map(str, criterion["values"]))
    text = f"{', '.join(criterion['concepts'])} {criterion['operator']} {values} {criterion['unit']}".strip()
    text += f" [{', '.join(criterion['drugs'])}]" if criterion.get("drugs") else ""
    return text + (f" ({criterion['rule']})" if criterion.get("rule") else "")

"""Criterion impact pages: attrition funnel, per-criterion exclusions and unknowns, what-if.

Only Curators and Coordinators (and superusers) see them: the numbers are about patients,
even if no patient is shown. Every count goes through impact.privacy before display.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from clinic.models import COORDINATORS, CURATORS
from engine import CriterionError
from impact import services
from impact.analysis import numeric_leaves
from impact.charts import criteria_chart, funnel_chart
from impact.forms import OPERATOR_WORDS, FilterForm, WhatIfForm
from impact.models import AttritionSummary
from impact.privacy import SMALL_COUNT, count_display, delta_display, is_suppressed, share_display
from screening.catalog import current_catalog
from trials.models import Trial

# An unknown rate this high means the question is badly worded or not screenable.
HIGH_UNKNOWN_RATE = 0.25
# A criterion's short name fits a chart line: the labels of the concepts it reads, cut here.
SHORT_NAME_LENGTH = 48


def _in_groups(user, *names: str) -> bool:
    return user.is_superuser or user.groups.filter(name__in=names).exists()


def impact_access_required(view):
    """Curators and coordinators only. The pages are counts about patients: each read is
    audited, and never kept in a browser or proxy cache."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not _in_groups(request.user, CURATORS, COORDINATORS):
            raise PermissionDenied(_("Criterion impact is for curators and research coordinators."))
        response = view(request, *args, **kwargs)
        target = f"impact {kwargs['trial_id']}" if "trial_id" in kwargs else "impact: all trials"
        AuditEvent.objects.record(AuditEvent.Action.VIEW, request=request, target=target)
        add_never_cache_headers(response)
        return response

    return wrapper


def _filters(request: HttpRequest) -> tuple[FilterForm, dict]:
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, {}


@require_GET
@impact_access_required
def index(request: HttpRequest) -> HttpResponse:
    trials = list(Trial.objects.order_by("trial_id"))
    summaries = {s.trial_id: s for s in AttritionSummary.objects.filter(filter_key="")}
    rows = []
    for trial in trials:
        summary = summaries.get(trial.pk)
        payload = summary.payload if summary and summary.payload and "error" not in summary.payload else None
        rows.append(
            {
                "trial": trial,
                "summary": summary,
                "screened": count_display(payload["screened"]) if payload else "",
                "eligible": count_display(payload["eligible"]) if payload else "",
            }
        )
    return render(request, "impact/index.html", {"rows": rows, "small_count": SMALL_COUNT})


def short_name(concepts: list[str], text: str, vocabulary) -> str:
    """A criterion named by what it reads ("White blood cells, Lymphocytes, Platelets"), in
    the reader's language; summaries computed before concepts were recorded use its words."""
    name = ""
    for label in dict.fromkeys(vocabulary.label(code) for code in concepts):
        longer = f"{name}, {label}" if name else label
        if len(longer) > SHORT_NAME_LENGTH:
            return f"{name}…" if name else Truncator(label).chars(SHORT_NAME_LENGTH)
        name = longer
    return name or Truncator(text).chars(SHORT_NAME_LENGTH)


def _short_names(payload: dict) -> list[str]:
    vocabulary = current_catalog().vocabulary()
    return [short_name(c.get("concepts", []), c["text"], vocabulary) for c in payload["criteria"]]


def _criteria_rows(payload: dict, names: list[str]) -> list[dict]:
    screened = payload["screened"]
    kinds = {"inclusion": _("inclusion"), "exclusion": _("exclusion")}
    rows = []
    for number, c in enumerate(payload["criteria"], start=1):
        rate = c["unknown"] / screened if screened else 0
        rows.append(
            {
                "number": number,
                "name": names[number - 1],
                "kind": kinds.get(c["kind"], c["kind"]),
                "text": c["text"],
                "excluded": count_display(c["excluded"]),
                "alone": count_display(c["alone"]),
                "unknown": count_display(c["unknown"]),
                "unknown_rate": share_display(c["unknown"], screened),
                "unknown_high": not is_suppressed(c["unknown"]) and rate >= HIGH_UNKNOWN_RATE,
            }
        )
    return rows


def _funnel_rows(payload: dict, names: list[str]) -> list[dict]:
    rows = [{"label": _("All screened"), "count": count_display(payload["screened"])}]
    for number, passing in enumerate(payload["passing"], start=1):
        label = _("Not excluded by C1–C%(n)s (last: %(name)s)") % {"n": number, "name": names[number - 1]}
        rows.append({"label": label, "count": count_display(passing)})
    rows.append({"label": _("Eligible (every criterion met)"), "count": count_display(payload["eligible"])})
    return rows


def _summary_context(summary: AttritionSummary, trial: Trial) -> dict:
    payload = summary.payload
    context = {"summary": summary, "trial": trial, "payload": None}
    if payload is None or "error" in payload:
        context["error"] = payload and payload["error"]
        return context
    names = _short_names(payload)
    context.update(
        payload=payload,
        totals={
            "screened": count_display(payload["screened"]),
            "eligible": count_display(payload["eligible"]),
            "needs_info": count_display(payload["needs_info"]),
            "ineligible": count_display(payload["ineligible"]),
        },
        criteria_rows=_criteria_rows(payload, names),
        funnel_rows=_funnel_rows(payload, names),
        funnel=funnel_chart(payload, names),
        criteria_chart=criteria_chart(payload, names),
        outdated=summary.criteria_version != trial.criteria_version,
    )
    return context


def _leaf_label(leaf, number: int, concepts) -> str:
    concept = concepts.get(leaf.concept)
    name = concept.label if concept else leaf.concept
    unit = leaf.unit or (concept.canonical_unit if concept else "")
    if unit and unit in name:
        unit = ""  # "Time since diagnosis (years)" already says it
    text = f"C{number}: {name} — {OPERATOR_WORDS.get(leaf.operator, leaf.operator)}"
    return _("%(test)s (in %(unit)s)") % {"test": text, "unit": unit} if unit else text


def _whatif_form(request: HttpRequest, trial: Trial) -> tuple[WhatIfForm, dict[int, int]]:
    catalog = current_catalog()
    spec = services.trial_spec(trial)
    try:
        screened = services.compile_trial(spec, catalog).screened
    except CriterionError:
        screened = ()
    numbers = {c.id: n for n, c in enumerate(screened, start=1)}
    criteria = [(c.id, f"C{n}: {(c.source_text or '')[:90]}") for n, c in enumerate(screened, start=1)]
    top_ids = [c.node.id for c in spec.criteria]
    leaves = [
        (leaf, _leaf_label(leaf, numbers[top_ids[leaf.criterion_index]], catalog.concepts))
        for leaf in numeric_leaves(spec)
        if top_ids[leaf.criterion_index] in numbers
    ]
    data = request.GET if "whatif" in request.GET else None
    return WhatIfForm(data, criteria=criteria, leaves=leaves), numbers


def _whatif_result(form: WhatIfForm, trial: Trial, filters: dict) -> dict | None:
    if not form.is_bound or not form.is_valid():
        return None
    try:
        result = services.whatif_run(
            trial=trial, filters=filters, switched_off=form.cleaned_data["off"], values=form.changed_values()
        )
    except CriterionError as error:
        form.add_criterion_error(error.node_id, error.errors)
        return None
    rows = []
    for code, label in (
        ("eligible", _("Eligible")),
        ("needs_info", _("Needs information")),
        ("ineligible", _("Ineligible")),
    ):
        before, after = result.before[code], result.after[code]
        rows.append(
            {
                "label": label,
                "before": count_display(before),
                "after": count_display(after),
                "change": delta_display(before, after),
            }
        )
    return {"rows": rows, "gained": count_display(result.gained), "screened": count_display(result.screened)}


@require_GET
@impact_access_required
def trial_impact(request: HttpRequest, trial_id: str) -> HttpResponse:
    trial = get_object_or_404(Trial, trial_id=trial_id)
    filter_form, filters = _filters(request)
    summary = services.attrition_summary_get_or_request(trial=trial, filters=filters)
    context = _summary_context(summary, trial)
    whatif_form, _numbers = _whatif_form(request, trial)
    context.update(
        filter_form=filter_form,
        filters=filters,
        filter_query=services.filter_key(filters),
        whatif_form=whatif_form,
        whatif=_whatif_result(whatif_form, trial, filters),
        can_refresh=_in_groups(request.user, CURATORS),
        small_count=SMALL_COUNT,
    )
    template = "impact/trial.html"
    if request.htmx and request.htmx.target == "whatif-result":
        template += "#whatif-result"
    elif request.htmx and request.htmx.target == "summary":
        template += "#summary"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@login_required
def refresh(request: HttpRequest, trial_id: str) -> HttpResponse:
    if not _in_groups(request.user, CURATORS):
        raise PermissionDenied(_("Only curators can refresh the attrition summaries."))
    trial = get_object_or_404(Trial, trial_id=trial_id)
    services.impact_refresh_on_commit(trial.pk, delay=0)
    url = reverse("impact:trial", args=[trial.trial_id])
    query = request.POST.get("filters", "")
    return redirect(f"{url}?{query}" if query else url)

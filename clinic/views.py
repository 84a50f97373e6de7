"""Pages of the clinician workspace.

Every page that touches a patient gets the patient through `_get_patient_for_user`, which
404s for anyone outside the patient's team (so another clinician cannot even learn that
the patient exists); every page records what it showed in the audit trail, and `clinic_page`
records each refusal and keeps every page out of browser and proxy caches.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from audit.models import AuditEvent
from clinic import services
from clinic.filters import DashboardFilter, LogFilter
from clinic.forms import (
    FhirImportForm,
    ImportedAnswersForm,
    PatientForm,
    ReferralForm,
    ScreeningForm,
    prefill_answers,
)
from clinic.models import Patient, Screening, ScreeningResult, is_clinician, is_coordinator
from clinic.reports import answer_rows, answers_diff, result_rows, screening_report, verdict_changes
from clinic.tables import LogTable, PatientTable
from config.csv_export import csv_response
from screening.catalog import current_catalog
from screening.fhir import MAX_BUNDLE_BYTES, BundleError, map_bundle
from screening.jsonbody import JSONTooDeep, loads
from trials.models import Trial

Action = AuditEvent.Action
# Rows per page of the dashboard and the screening log.
PAGE_SIZE = 25
NEW_MATCHES_SHOWN = 10


class Refused(Http404):
    """A patient object this user may not see: a 404 like any other, which `clinic_page`
    records in the audit trail (what was asked for, by whom) before it is answered."""

    def __init__(self, target: str, *, patient_id: int | None = None, screening_id: int | None = None):
        super().__init__("No such patient")
        self.target, self.patient_id, self.screening_id = target, patient_id, screening_id


def clinic_page(view):
    """Every workspace page: Cache-Control no-store (patient data must not stay in a shared
    computer's cache or a proxy), and each refusal of a patient object audited."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Refused as refusal:
            AuditEvent.objects.record(
                Action.REFUSED,
                request=request,
                patient_id=refusal.patient_id,
                screening_id=refusal.screening_id,
                target=refusal.target,
            )
            raise
        add_never_cache_headers(response)
        return response

    return wrapper


def _get_patient_for_user(user, pk: int) -> Patient:
    """The one access rule for patient data: own and team patients for clinicians, every
    patient for coordinators; anyone else gets a 404 (audited as a refusal)."""
    patient = Patient.objects.visible_to(user).select_related("team").filter(pk=pk).first()
    if patient is None:
        raise Refused(f"patient {pk}", patient_id=pk)
    return patient


def _get_screening_for_user(user, pk: int) -> Screening:
    screening = Screening.objects.select_related("created_by").filter(pk=pk).first()
    if screening is None:
        raise Refused(f"screening {pk}", screening_id=pk)
    try:
        screening.patient = _get_patient_for_user(user, screening.patient_id)
    except Refused:
        raise Refused(f"screening {pk}", patient_id=screening.patient_id, screening_id=pk) from None
    return screening


def clinician_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_clinician(request.user):
            raise PermissionDenied(_("Only clinicians can do this."))
        return view(request, *args, **kwargs)

    return wrapper


def coordinator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied(_("Only research coordinators can do this."))
        return view(request, *args, **kwargs)

    return wrapper


def _audit(request: HttpRequest, action: str, **kwargs) -> None:
    services.audit_log(user=request.user, action=action, request=request, **kwargs)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@clinic_page
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A clinician's patients (searched, filtered, sorted, a page at a time) and their new
    matches; a coordinator's screening logs."""
    clinician, coordinator = is_clinician(request.user), is_coordinator(request.user)
    context = {"is_clinician": clinician, "is_coordinator": coordinator}
    if clinician:
        visible = Patient.objects.visible_to(request.user)
        patients = (
            visible.select_related("team").with_latest_screening().with_match_counts().with_new_matches()
        )
        filters = DashboardFilter(request.GET or None, queryset=patients)
        table = PatientTable(filters.qs)
        RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
        new_matches = (
            ScreeningResult.objects.filter(is_new=True, screening__patient__in=visible)
            .select_related("trial", "screening__patient")
            .order_by("-evaluated_at")
        )
        context.update(
            filters=filters,
            table=table,
            new_matches=new_matches[:NEW_MATCHES_SHOWN],
            new_matches_count=new_matches.count(),
            filtered=bool(filters.form.is_bound and any(request.GET.get(f) for f in filters.filters)),
        )
    if coordinator:
        context["trials"] = Trial.objects.published()
    _audit(request, Action.VIEW, target="dashboard: patients and new matches")
    return render(request, "clinic/dashboard.html", context)


@clinic_page
@clinician_required
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        patient = services.patient_create(by=request.user, **form.cleaned_data)
        return redirect("clinic:patient", pk=patient.pk)
    return render(request, "clinic/patient_form.html", {"form": form})


@clinic_page
@clinician_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_user(request.user, pk)
    form = PatientForm(request.POST or None, instance=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.patient_update(patient=patient, by=request.user, **form.cleaned_data)
        return redirect("clinic:patient", pk=patient.pk)
    if request.method == "GET":
        _audit(request, Action.VIEW, patient=patient)
    return render(request, "clinic/patient_form.html", {"form": form, "patient": patient})


def _screening_labels(screenings: list[Screening]) -> dict[int, str]:
    """Each screening as the compare menus name it: its number in the patient's history,
    when it was saved (in the reader's format) and by whom, so no two read the same."""
    total = len(screenings)
    return {
        s.pk: _("No. %(n)s · %(when)s · %(author)s")
        % {
            "n": total - index,
            "when": formats.date_format(timezone.localtime(s.screened_at), "DATETIME_FORMAT"),
            "author": s.created_by.get_full_name() or s.created_by.get_username(),
        }
        for index, s in enumerate(screenings)
    }


@clinic_page
@login_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_user(request.user, pk)
    _audit(request, Action.VIEW, patient=patient)
    screenings = list(patient.screenings.select_related("created_by"))
    latest = screenings[0] if screenings else None
    labels = _screening_labels(screenings)
    return render(
        request,
        "clinic/patient_detail.html",
        {
            "patient": patient,
            "screenings": [{"screening": s, "label": labels[s.pk]} for s in screenings],
            "latest": latest,
            "results": result_rows(current_catalog(), latest.current_results()) if latest else [],
            "new_count": ScreeningResult.objects.filter(screening__patient=patient, is_new=True).count(),
            "can_edit": is_clinician(request.user),
        },
    )


@clinic_page
@clinician_required
@require_http_methods(["GET", "POST"])
def patient_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's team erases them: a confirmation page, then the patient, every screening
    and every result are deleted; the audit trail records who did it."""
    patient = _get_patient_for_user(request.user, pk)
    if request.method == "POST":
        pseudonym = patient.pseudonym
        services.patient_erase(patient=patient, by=request.user, request=request)
        messages.success(
            request, _("%(patient)s and all their screenings were erased.") % {"patient": pseudonym}
        )
        return redirect("clinic:dashboard")
    _audit(request, Action.VIEW, patient=patient, target=f"{patient.pseudonym}: erase confirmation")
    return render(
        request, "clinic/patient_erase.html", {"patient": patient, "screenings": patient.screenings.count()}
    )


@clinic_page
@clinician_required
@require_POST
def patient_mark_seen(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_user(request.user, pk)
    services.results_mark_seen(patient=patient, by=request.user)
    return redirect("clinic:patient", pk=patient.pk)


@clinic_page
@clinician_required
@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Plain POST: "check" shows the verdicts, "save" stores the screening; a confirmed FHIR
    import arrives as "prefill" with the imported answers."""
    patient = _get_patient_for_user(request.user, pk)
    catalog = current_catalog()
    action = request.POST.get("action", "check")
    if request.method == "GET" or action == "prefill":
        answers, as_of, provenance, carried_from = {}, timezone.localdate(), {}, None
        if action == "prefill":
            imported = ImportedAnswersForm(request.POST, catalog=catalog)
            if not imported.is_valid():
                # Only the preview page posts these, with what it showed: anything else was
                # tampered with or garbled, and the clinician is sent back to import again.
                context = {
                    "patient": patient,
                    "form": FhirImportForm(initial={"as_of": timezone.localdate()}),
                }
                context["prefill_errors"] = imported.problems()
                context["prefill_title"] = _(
                    "The imported answers could not be read; import the bundle again."
                )
                return render(request, "clinic/fhir_import.html", context, status=400)
            answers = imported.cleaned_data["imported_answers"]
            provenance = imported.cleaned_data["imported_provenance"]
            as_of = imported.cleaned_data["imported_as_of"]
        else:
            latest = patient.latest_screening()
            if latest:
                answers, carried_from = latest.answers, latest.as_of
        answers, notes = prefill_answers(patient, catalog, answers, as_of, carried_from=carried_from)
        _audit(request, Action.VIEW, patient=patient, target=f"{patient.pseudonym}: screening form")
        form = ScreeningForm(catalog=catalog, answers=answers, as_of=as_of, notes=notes)
        return render(
            request,
            "clinic/screening_form.html",
            {
                "patient": patient,
                "form": form,
                "provenance": json.dumps(provenance),
                "imported": bool(provenance),
            },
        )
    form = ScreeningForm(request.POST, catalog=catalog)
    try:
        provenance = loads(request.POST.get("provenance", "{}"))
    except (ValueError, JSONTooDeep):
        provenance = {}
    if not isinstance(provenance, dict):
        provenance = {}
    context = {
        "patient": patient,
        "form": form,
        "provenance": json.dumps(provenance),
        "imported": bool(provenance),
    }
    if not form.is_valid():
        return render(request, "clinic/screening_form.html", context, status=400)
    answers, as_of = form.answers(), form.cleaned_data["as_of"]
    if action == "save":
        try:
            screening = services.screening_save(
                patient=patient,
                answers=answers,
                as_of=as_of,
                by=request.user,
                source=Screening.Source.FHIR if provenance else Screening.Source.FORM,
                provenance={k: str(v)[:300] for k, v in provenance.items() if k in answers},
            )
        except services.ScreeningInvalid as error:
            for code, message in error.errors.items():
                form.add_answer_error(code, message)
            return render(request, "clinic/screening_form.html", context, status=400)
        messages.success(request, _("Screening saved."))
        return redirect("clinic:screening", pk=screening.pk)
    context["results"] = services.evaluate_answers(catalog, answers, as_of)
    _audit(request, Action.VIEW, patient=patient, target=f"{patient.pseudonym}: screening checked")
    return render(request, "clinic/screening_form.html", context)


@clinic_page
@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _get_screening_for_user(request.user, pk)
    _audit(request, Action.VIEW, screening=screening)
    catalog = current_catalog()
    previous = (
        screening.patient.screenings.filter(screened_at__lt=screening.screened_at)
        .order_by("-screened_at")
        .first()
    )
    return render(
        request,
        "clinic/screening_detail.html",
        {
            "screening": screening,
            "patient": screening.patient,
            "answers": answer_rows(catalog, screening),
            "results": result_rows(catalog, screening.current_results()),
            "previous": previous,
        },
    )


@clinic_page
@login_required
def screening_diff(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_user(request.user, pk)
    try:
        ids = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError):
        raise Http404("Choose two screenings to compare") from None
    found = {s.pk: s for s in patient.screenings.filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Http404("No such screening for this patient")
    before, after = sorted((found[ids[0]], found[ids[1]]), key=lambda s: (s.screened_at, s.pk))
    _audit(request, Action.VIEW, patient=patient, target=f"{patient.pseudonym}: diff {before.pk}→{after.pk}")
    catalog = current_catalog()
    labels = _screening_labels(list(patient.screenings.select_related("created_by")))
    return render(
        request,
        "clinic/screening_diff.html",
        {
            "patient": patient,
            "before": before,
            "after": after,
            "before_label": labels[before.pk],
            "after_label": labels[after.pk],
            "changes": answers_diff(catalog, before.answers, after.answers),
            "verdicts": verdict_changes(catalog, before, after),
        },
    )


def _report_context(screening: Screening) -> dict:
    return {
        "report": screening_report(current_catalog(), screening),
        "screening": screening,
        "patient": screening.patient,
        "printed_at": timezone.now(),
    }


@clinic_page
@login_required
def screening_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _get_screening_for_user(request.user, pk)
    _audit(request, Action.REPORT, screening=screening, target=f"{screening.patient.pseudonym}: report page")
    return render(request, "clinic/report.html", _report_context(screening))


@clinic_page
@login_required
def screening_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML  # imported here: loading pango takes a moment

    screening = _get_screening_for_user(request.user, pk)
    _audit(request, Action.REPORT, screening=screening, target=f"{screening.patient.pseudonym}: report PDF")
    html = render_to_string("clinic/report.html", _report_context(screening) | {"pdf": True}, request=request)
    stylesheet = CSS(filename=finders.find("css/clinic-report.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"screening-{screening.patient.local_identifier}-{screening.as_of:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
    return response


def _safe_filename(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


FHIR_CONTENT_TYPES = ("application/fhir+json", "application/json")


@clinic_page
@clinician_required
@require_http_methods(["GET", "POST"])
def fhir_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload or paste a bundle; the clinician sees what maps and what does not, then
    confirms into the screening form (nothing is saved until they save the screening)."""
    patient = _get_patient_for_user(request.user, pk)
    if request.method == "POST" and request.content_type in FHIR_CONTENT_TYPES:
        # The bundle itself as the request body (?as_of=YYYY-MM-DD, default today), read here
        # within the bundle limit: request.body would refuse anything over a few megabytes.
        body = request.read(MAX_BUNDLE_BYTES + 1)
        form = FhirImportForm(
            {
                "bundle_text": body.decode("utf-8", "replace"),
                "as_of": request.GET.get("as_of") or timezone.localdate(),
            }
        )
    else:
        form = FhirImportForm(
            request.POST or None, request.FILES or None, initial={"as_of": timezone.localdate()}
        )
    context = {"patient": patient, "form": form}
    if request.method == "POST" and form.is_valid():
        as_of = form.cleaned_data["as_of"]
        try:
            imported = map_bundle(form.cleaned_data["raw"], catalog=current_catalog(), as_of=as_of)
        except BundleError as error:
            context["bundle_error"] = error
            return render(request, "clinic/fhir_import.html", context, status=400)
        _audit(request, Action.IMPORT, patient=patient, target=f"{patient.pseudonym}: FHIR bundle previewed")
        labels = {code: concept.label for code, concept in current_catalog().concepts.items()}
        context.update(
            imported=imported,
            rows=[(labels.get(v.concept, v.concept), v) for v in imported.values],
            as_of=as_of,
            answers_json=json.dumps(imported.answers()),
            provenance_json=json.dumps({k: ", ".join(v) for k, v in imported.provenance().items()}),
        )
        return render(request, "clinic/fhir_preview.html", context)
    return render(
        request, "clinic/fhir_import.html", context, status=400 if request.method == "POST" else 200
    )


# -- coordinators: screening log per trial


def _log_table(request: HttpRequest, trial: Trial) -> tuple[LogFilter, LogTable]:
    """The page and the CSV share this: the same rows (one per patient, filtered), the same
    columns, in the same order."""
    rows = ScreeningResult.objects.latest_per_patient(trial).select_related(
        "trial", "screening__patient__team", "screening__created_by"
    )
    filters = LogFilter(request.GET or None, queryset=rows)
    return filters, LogTable(filters.qs, vocabulary=current_catalog().vocabulary())


@clinic_page
@coordinator_required
def trial_log(request: HttpRequest, trial_id: str) -> HttpResponse:
    trial = get_object_or_404(Trial, trial_id=trial_id)
    filters, table = _log_table(request, trial)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    _audit(request, Action.VIEW, target=f"screening log {trial.trial_id}")
    return render(
        request,
        "clinic/trial_log.html",
        {
            "trial": trial,
            "form": filters.form,
            "table": table,
            "rows": [row.record for row in table.paginated_rows],
            "referrals": ScreeningResult.Referral.choices,
            "query": _query_without_page(request),
        },
    )


def _filter_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else _("Filters")
        parts.append(f"{label}: {' '.join(errors)}")
    return "; ".join(parts)


@clinic_page
@coordinator_required
def trial_log_csv(request: HttpRequest, trial_id: str) -> HttpResponse:
    """Exactly the log page's rows and columns (every page of them, in the page's order),
    with codes in columns of their own beside the labels."""
    trial = get_object_or_404(Trial, trial_id=trial_id)
    filters, table = _log_table(request, trial)
    if filters.form.is_bound and not filters.form.is_valid():
        return HttpResponse(
            _filter_errors(filters.form), status=400, content_type="text/plain; charset=utf-8"
        )
    RequestConfig(request, paginate=False).configure(table)
    header, *rows = table.export_rows()
    _audit(request, Action.EXPORT, target=f"screening log {trial.trial_id} CSV ({len(rows)} rows)")
    return csv_response(f"screening-log-{trial.trial_id}.csv", header, rows)


@clinic_page
@coordinator_required
@require_POST
def result_referral(request: HttpRequest, pk: int) -> HttpResponse:
    result = ScreeningResult.objects.select_related("trial").filter(pk=pk).first()
    if result is None:
        raise Refused(f"result {pk}")
    result.screening = _get_screening_for_user(request.user, result.screening_id)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid referral status."))
    else:
        services.result_set_referral(
            result=result, status=form.cleaned_data["referral_status"], by=request.user
        )
        messages.success(
            request,
            _("Referral status of %(patient)s saved.") % {"patient": result.screening.patient.pseudonym},
        )
    fallback = reverse("clinic:trial_log", args=[result.trial.trial_id])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)

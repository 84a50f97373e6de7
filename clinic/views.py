"""Pages of the clinician workspace.

Every page that touches a patient gets the patient through `_get_patient_for_user`, which
404s for anyone outside the patient's team (so another clinician cannot even learn that
the patient exists); every page records what it showed in the audit trail, and `clinic_page`
records each refusal and keeps every page out of browser and proxy caches.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEvent
from clinic import services
from clinic.forms import (
    FhirImportForm,
    ImportedAnswersForm,
    LogFilterForm,
    PatientForm,
    ReferralForm,
    ScreeningForm,
)
from clinic.models import Patient, Screening, ScreeningResult, is_clinician, is_coordinator
from clinic.reports import answer_rows, answers_diff, screening_report
from config.csv_export import csv_response
from screening.catalog import current_catalog
from screening.fhir import MAX_BUNDLE_BYTES, BundleError, map_bundle
from screening.jsonbody import JSONTooDeep, loads
from trials.models import Trial

Action = AuditEvent.Action


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
            raise PermissionDenied("Only clinicians can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def coordinator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied("Only research coordinators can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def _audit(request: HttpRequest, action: str, **kwargs) -> None:
    services.audit_log(user=request.user, action=action, request=request, **kwargs)


@clinic_page
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    patients = (
        Patient.objects.visible_to(request.user).select_related("team").with_new_matches()
        if is_clinician(request.user)
        else Patient.objects.none()
    )
    new_matches = (
        ScreeningResult.objects.filter(is_new=True, screening__patient__in=patients)
        .select_related("trial", "screening__patient")
        .order_by("-evaluated_at")
    )
    trials = Trial.objects.published() if is_coordinator(request.user) else Trial.objects.none()
    _audit(request, Action.VIEW, target="dashboard: patients and new matches")
    return render(
        request,
        "clinic/dashboard.html",
        {
            "patients": patients,
            "new_matches": new_matches,
            "trials": trials,
            "is_clinician": is_clinician(request.user),
            "is_coordinator": is_coordinator(request.user),
        },
    )


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


@clinic_page
@login_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_user(request.user, pk)
    _audit(request, Action.VIEW, patient=patient)
    screenings = list(patient.screenings.select_related("created_by"))
    latest = screenings[0] if screenings else None
    return render(
        request,
        "clinic/patient_detail.html",
        {
            "patient": patient,
            "screenings": screenings,
            "latest": latest,
            "results": latest.current_results() if latest else [],
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
        answers, as_of, provenance = {}, None, {}
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
            answers = latest.answers if latest else {}
        _audit(request, Action.VIEW, patient=patient, target=f"{patient.pseudonym}: screening form")
        form = ScreeningForm(catalog=catalog, answers=answers, as_of=as_of)
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
        messages.success(request, "Screening saved.")
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
            "results": screening.current_results(),
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
    return render(
        request,
        "clinic/screening_diff.html",
        {
            "patient": patient,
            "before": before,
            "after": after,
            "changes": answers_diff(current_catalog(), before.answers, after.answers),
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


def _log_rows(trial: Trial, form: LogFilterForm):
    latest = ScreeningResult.objects.filter(screening=OuterRef("screening"), trial=trial).order_by(
        "-criteria_version", "-pk"
    )
    rows = (
        ScreeningResult.objects.filter(trial=trial, pk=Subquery(latest.values("pk")[:1]))
        .select_related("screening__patient__team", "screening__created_by")
        .order_by("-screening__screened_at", "-pk")
    )
    if form.is_valid():
        tz = timezone.get_current_timezone()
        if form.cleaned_data["date_from"]:
            start = datetime.combine(form.cleaned_data["date_from"], time.min, tzinfo=tz)
            rows = rows.filter(screening__screened_at__gte=start)
        if form.cleaned_data["date_to"]:
            end = datetime.combine(form.cleaned_data["date_to"], time.max, tzinfo=tz)
            rows = rows.filter(screening__screened_at__lte=end)
        if form.cleaned_data["verdict"]:
            rows = rows.filter(verdict=form.cleaned_data["verdict"])
    return rows


@clinic_page
@coordinator_required
def trial_log(request: HttpRequest, trial_id: str) -> HttpResponse:
    trial = get_object_or_404(Trial, trial_id=trial_id)
    form = LogFilterForm(request.GET or None)
    rows = _log_rows(trial, form)
    _audit(request, Action.VIEW, target=f"screening log {trial.trial_id}")
    return render(
        request,
        "clinic/trial_log.html",
        {
            "trial": trial,
            "form": form,
            "rows": rows,
            "referrals": ScreeningResult.Referral.choices,
            "query": request.GET.urlencode(),
        },
    )


CSV_HEADER = [
    "screened_at",
    "screening_date",
    "patient",
    "team",
    "trial_id",
    "criteria_version",
    "verdict",
    "failing_criteria",
    "referral_status",
    "screened_by",
]


@clinic_page
@coordinator_required
def trial_log_csv(request: HttpRequest, trial_id: str) -> HttpResponse:
    trial = get_object_or_404(Trial, trial_id=trial_id)
    form = LogFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()), status=400)
    rows = [
        (
            timezone.localtime(row.screening.screened_at).isoformat(timespec="minutes"),
            row.screening.as_of.isoformat(),
            row.screening.patient.pseudonym,
            row.screening.patient.team.name,
            trial.trial_id,
            row.criteria_version,
            row.verdict,
            " | ".join(item["source_text"] for item in row.failed),
            row.referral_status,
            row.screening.created_by.get_username(),
        )
        for row in _log_rows(trial, form)
    ]
    _audit(request, Action.EXPORT, target=f"screening log {trial.trial_id} CSV ({len(rows)} rows)")
    return csv_response(f"screening-log-{trial.trial_id}.csv", CSV_HEADER, rows)


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
        messages.error(request, "Choose a valid referral status.")
    else:
        services.result_set_referral(
            result=result, status=form.cleaned_data["referral_status"], by=request.user
        )
        messages.success(request, f"Referral status of {result.screening.patient.pseudonym} saved.")
    fallback = reverse("clinic:trial_log", args=[result.trial.trial_id])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)

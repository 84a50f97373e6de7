"""The patient journey's pages: start a screening under its own link, keep or email the
link, delete everything, ask a study team to contact you, be told about new trials, and the
privacy notice.

Every patient page is reached through `patient_screening_required`, which turns the link's
token into `request.patient_screening` (only the token's hash is looked up) or a 404.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, trigger_client_event

from config.ratelimit import ratelimit
from journey import services
from journey.answers import PatientAnswerStore
from journey.forms import ContactForm, EmailLinkForm, NotifyForm
from journey.interview import Interview, build_interview, card_form
from journey.models import PatientScreening
from screening.catalog import current_catalog
from screening.forms import UNKNOWN
from screening.questionnaire import Screening, build_screening, read_answer, trial_criteria
from trials.models import Recruitment, Trial


def _language() -> str:
    return (get_language() or "en")[:2]


def patient_screening_required(view):
    """Resolves the link's token (the URL's `token`) into request.patient_screening, or 404,
    and puts the patient's answers store on the request for the questionnaire's views.
    Patient pages are private: not indexed, not cached (the site's Referrer-Policy, same-origin,
    already keeps the link from other sites; no-referrer would make browsers send Origin: null
    and fail the CSRF check)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, token: str, **kwargs) -> HttpResponse:
        screening = PatientScreening.objects.for_token(token).first()
        if screening is None:
            raise Http404("no screening at this link")
        services.patient_screening_visit(screening=screening, language=_language())
        request.patient_screening, request.patient_token = screening, token
        # The whole form's pages (namespace "journey:all") come back to the whole form.
        namespace = request.resolver_match.namespace if request.resolver_match else "journey"
        request.answer_store = PatientAnswerStore(screening, token, namespace)
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


@require_GET
@ratelimit("start", methods=("GET",))
def start(request: HttpRequest) -> HttpResponse:
    """A new patient screening, at its own unguessable link."""
    _, token = services.patient_screening_start(language=_language())
    return redirect("journey:questionnaire", token=token)


def _state(request: HttpRequest) -> Screening:
    store = request.answer_store
    return build_screening(current_catalog(), "patient", store.load(), timezone.localdate(), store=store)


INTERVIEW = "journey/interview.html"


def _interview_page(
    request: HttpRequest, interview: Interview, *, results: bool = False, status: int = 200
) -> HttpResponse:
    """The interview page, or with htmx the part of it that changed: the card (or the results)
    and, out of band, the summary bar. The client event tells the page which question is now
    on screen, so the keyboard and screen readers are taken to it."""
    store = request.answer_store
    context = _context(
        request,
        interview=interview,
        state=interview.state,
        showing_results=results,
        question_url=store.url("questionnaire") + "?q=",
    )
    if not request.htmx:
        return render(request, INTERVIEW, context, status=status)
    response = render(request, f"{INTERVIEW}#swap", context)
    shown = "results" if results or interview.over else interview.card.code
    return trigger_client_event(response, "interview:shown", {"shown": shown}, after="settle")


@require_GET
@patient_screening_required
def interview(request: HttpRequest) -> HttpResponse:
    """One question at a time: the chooser's next question, or (`?q=<code>`) an earlier
    answer to change; when no answer left can change a verdict, the results."""
    store = request.answer_store
    if request.GET.get("all") == "1":  # "show N more trials" under the results
        return redirect(store.url("results") + "?all=1")
    code = request.GET.get("q") or None
    if code is not None and code not in current_catalog().concepts:
        raise Http404("no such question")
    return _interview_page(request, build_interview(store, timezone.localdate(), code=code))


@require_POST
@patient_screening_required
@ratelimit("answer")
def interview_answer(request: HttpRequest, code: str) -> HttpResponse:
    """The card's answer: validated as the questionnaire validates it, kept, and followed by
    the next question (without JavaScript: post, redirect, get). A refused answer comes back
    on its card with the error, and nothing is kept."""
    catalog = current_catalog()
    concept = catalog.concepts.get(code)
    if concept is None:
        raise Http404("no such question")
    store = request.answer_store
    as_of = timezone.localdate()
    if request.POST.get("dont_know"):
        raw = UNKNOWN
    else:
        form = card_form(catalog, concept, data=request.POST)
        raw, message = read_answer(catalog, form, as_of)
        if not message and raw is None:
            message = gettext("Answer “%(question)s”, or choose “I don't know”.") % {
                "question": concept.patient_question
            }
            form.show_error(message)
        if message:
            interview = build_interview(store, as_of, code=code, posted=form)
            # htmx swaps only successful responses: the refusal is shown with a 200.
            return _interview_page(request, interview, status=200 if request.htmx else 422)
    store.save({code: raw})
    if not request.htmx:
        return redirect(store.url("questionnaire"))
    # The card may have been an earlier answer's (`?q=`): the address goes back to the interview.
    return push_url(_interview_page(request, build_interview(store, as_of)), store.url("questionnaire"))


@require_GET
@patient_screening_required
def interview_results(request: HttpRequest) -> HttpResponse:
    """The results with their reasons, at any moment of the interview."""
    interview = build_interview(request.answer_store, timezone.localdate())
    interview.state.show_all = request.GET.get("all") == "1"
    return _interview_page(request, interview, results=True)


def _context(request: HttpRequest, **extra) -> dict:
    return {
        "token": request.patient_token,
        "screening": request.patient_screening,
        "mode": "patient",
        **extra,
    }


@require_http_methods(["GET", "POST"])
@patient_screening_required
@ratelimit("notify")
def keep(request: HttpRequest) -> HttpResponse:
    """The link to bookmark, and a form to email it (the address is not kept)."""
    form = EmailLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.patient_link_email(
            screening=request.patient_screening,
            token=request.patient_token,
            email=form.cleaned_data["email"],
            language=_language(),
        )
        return redirect(reverse("journey:keep", kwargs={"token": request.patient_token}) + "?sent=1")
    link = services.screening_url(request.patient_token, _language())
    context = _context(request, form=form, link=link, sent="sent" in request.GET)
    return render(request, "journey/keep.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@patient_screening_required
@ratelimit("notify")
def delete(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.patient_screening_delete(screening=request.patient_screening)
        return redirect("journey:deleted")
    return render(request, "journey/delete.html", _context(request))


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "journey/deleted.html")


def _contact_consent(trial: Trial, site_label: str) -> str:
    return gettext(
        "I agree that my name, email address, phone number and preferred language, with a summary of "
        "my answers for this trial (the result and each criterion's status), are sent to the study "
        "team of %(trial)s at %(site)s, who may contact me about taking part."
    ) % {"trial": trial.trial_id, "site": site_label}


def _summary(state: Screening, result, trial_id: str) -> dict:
    return {
        "trial_id": trial_id,
        "verdict": result.verdict,
        "screened_on": timezone.localdate().isoformat(),
        "criteria": [
            {"kind": line.kind, "status": line.status, "text": line.source_text}
            for line in trial_criteria(state, trial_id)
        ],
    }


@require_http_methods(["GET", "POST"])
@patient_screening_required
@ratelimit("contact")
def contact(request: HttpRequest, trial_id: str) -> HttpResponse:
    """Ask a trial's study team to contact you: from a likely-eligible or needs-information
    result of a trial still recruiting (or whose registry does not say), once per trial and
    link. With several sites, the patient picks one first, so the consent names it."""
    state = _state(request)
    result = state.results.find(trial_id)
    if result is None:
        raise Http404("no published trial with this id")
    trial = get_object_or_404(Trial.objects.published(), trial_id=trial_id)
    base = _context(request, trial=trial, result=result, state=state)
    if trial.recruitment == Recruitment.CLOSED:
        # Whatever the page offered: a team that no longer recruits is never sent a request.
        return render(request, "journey/contact_unavailable.html", {**base, "closed": True}, status=409)
    sent_on = request.patient_screening.contacted_on(trial_id)
    if sent_on is not None:
        context = {**base, "sent_on": sent_on}
        return render(
            request, "journey/contact_sent.html", context, status=409 if request.method == "POST" else 200
        )
    if result.verdict == "ineligible":
        return render(request, "journey/contact_unavailable.html", base)
    sites = list(trial.sites.all())
    site = None
    if request.GET.get("site") or request.POST.get("site"):
        site = next(
            (s for s in sites if str(s.pk) == (request.POST.get("site") or request.GET.get("site"))), None
        )
        if site is None:
            raise Http404("no such site for this trial")
    elif len(sites) == 1:
        site = sites[0]
    elif len(sites) > 1:
        return render(request, "journey/contact_choose_site.html", {**base, "sites": sites})
    site_label = str(site) if site else trial.sponsor or trial.trial_id
    consent_text = _contact_consent(trial, site_label)
    form = ContactForm(request.POST or None, consent_label=consent_text, initial={"language": _language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.contact_request_create(
            screening=request.patient_screening,
            trial=trial,
            site=site,
            name=data["name"],
            email=data["email"],
            phone=data["phone"].strip(),
            language=data["language"],
            consent_text=consent_text,
            summary=_summary(state, result, trial_id),
        )
        return redirect("journey:contact_sent", token=request.patient_token, trial_id=trial_id)
    context = {**base, "form": form, "site": site, "site_label": site_label}
    return render(request, "journey/contact.html", context, status=422 if form.errors else 200)


@require_GET
@patient_screening_required
def contact_sent(request: HttpRequest, trial_id: str) -> HttpResponse:
    trial = get_object_or_404(Trial.objects.published(), trial_id=trial_id)
    sent_on = request.patient_screening.contacted_on(trial_id)
    return render(request, "journey/contact_sent.html", _context(request, trial=trial, sent_on=sent_on))


@require_http_methods(["GET", "POST"])
@patient_screening_required
@ratelimit("notify")
def notify(request: HttpRequest) -> HttpResponse:
    form = NotifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        state = _state(request)
        services.subscription_request(
            screening=request.patient_screening,
            email=form.cleaned_data["email"],
            language=_language(),
            known_trials=state.trial_ids("eligible"),
        )
        return redirect(reverse("journey:notify", kwargs={"token": request.patient_token}) + "?sent=1")
    context = _context(request, form=form, sent="sent" in request.GET)
    return render(request, "journey/notify.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@ratelimit("notify")
def confirm(request: HttpRequest, signed: str) -> HttpResponse:
    """Double opt-in: the link in the email shows a button; the POST confirms (a mail
    scanner following the link confirms nothing)."""
    subscription = services.subscription_from_signed(signed, purpose="confirm")
    if subscription is None:
        raise Http404("this confirmation link is not valid (or is more than 7 days old)")
    if request.method == "POST":
        services.subscription_confirm(subscription=subscription)
        return render(request, "journey/confirmed.html")
    return render(request, "journey/confirm.html", {"confirmed": subscription.confirmed_at is not None})


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the signed link is the secret
@require_http_methods(["GET", "POST"])
@ratelimit("notify")
def unsubscribe(request: HttpRequest, signed: str) -> HttpResponse:
    subscription = services.subscription_from_signed(signed, purpose="unsubscribe")
    if request.method == "POST":
        if subscription is not None:
            services.subscription_delete(subscription=subscription)
        return render(request, "journey/unsubscribed.html")
    if subscription is None:
        # Already unsubscribed (or the link is broken): say so rather than 404.
        return render(request, "journey/unsubscribed.html")
    return render(request, "journey/unsubscribe.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    retention = {
        "contact_retention_days": settings.CONTACT_REQUEST_RETENTION_DAYS,
        "sent_retention_days": settings.OUTBOX_SENT_RETENTION_DAYS,
    }
    return render(request, "journey/privacy.html", retention)

"""The screening pages: a start page, one live questionnaire per mode, a trial's criteria.

Every answer is sent alone with htmx to `answer`, which validates that one field, keeps it
and returns the question (with its error, if any), every other question whose visibility or
highlight changed, the progress line and the results, as out-of-band swaps. With JavaScript
off, the same form posts every answer to `questionnaire`, which redirects back (PRG) or, when
an answer is refused, shows the page with the errors next to their questions.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, trigger_client_event

from config.ratelimit import ratelimit
from screening.answers import store_for
from screening.catalog import current_catalog
from screening.forms import PlaceForm
from screening.questionnaire import (
    build_screening,
    question_form,
    read_answer,
    screening_values,
    trial_criteria,
)
from trials import gazetteer

TEMPLATE = "screening/questionnaire.html"
PLACE_TEMPLATE = "screening/place.html"
RESET_TEMPLATE = "screening/reset.html"


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "screening/start.html")


@require_http_methods(["GET", "POST"])
@ratelimit("answer")
def questionnaire(request: HttpRequest, mode: str) -> HttpResponse:
    catalog = current_catalog()
    as_of = timezone.localdate()
    store = store_for(request, mode)
    if request.method == "GET":
        state = build_screening(catalog, mode, store.load(), as_of, store=store)
        state.show_all = request.GET.get("all") == "1"
        page = request.GET.get("page", "1")
        state.page = int(page) if page.isdigit() and int(page) >= 1 else 1
        return render(request, TEMPLATE, {"state": state, "mode": mode})

    refused, changes = {}, {}
    for concept in catalog.ordered_concepts:
        form = question_form(catalog, mode, concept, data=request.POST, store=store)
        raw, message = read_answer(catalog, form, as_of)
        if message:
            refused[concept.code] = form
        else:
            changes[concept.code] = raw
    answers = store.save(changes)
    if not refused:
        return redirect(store.url("questionnaire"))
    # The accepted answers are kept; the refused ones stay on screen, with their errors.
    state = build_screening(catalog, mode, answers, as_of, posted=refused, store=store)
    return render(request, TEMPLATE, {"state": state, "mode": mode}, status=422)


@require_POST
@ratelimit("answer")
def answer(request: HttpRequest, mode: str, code: str) -> HttpResponse:
    catalog = current_catalog()
    concept = catalog.concepts.get(code)
    if concept is None:
        raise Http404("no such question")
    as_of = timezone.localdate()
    store = store_for(request, mode)
    kept = previous = store.load()
    # Only the problems of the answers before this one are compared: the screening itself is
    # built once, from the screen of the previous answers when it is still kept.
    before = screening_values(catalog, kept, as_of)[1].errors

    form = question_form(catalog, mode, concept, data=request.POST, store=store)
    raw, message = read_answer(catalog, form, as_of)
    if not message:
        kept = store.save({code: raw})
    if not request.htmx:
        if not message:
            return redirect(store.url("questionnaire"))
        state = build_screening(catalog, mode, kept, as_of, posted={code: form}, store=store)
        return render(request, TEMPLATE, {"state": state, "mode": mode}, status=422)

    state = build_screening(
        catalog, mode, kept, as_of, posted={code: form} if message else None, store=store, previous=previous
    )
    # Another question is re-drawn only when its error changed (a contradiction appeared or
    # went away); visibility and the suggested question change through a client event, so
    # nobody's half-typed answer elsewhere is replaced.
    changed = [
        q
        for other, q in state.questions.items()
        if other != code and q.errors != ((before[other],) if before.get(other) else ())
    ]
    question = state.questions[code]
    # The question being answered is re-drawn only when it must change on screen: an error
    # shown or cleared, or a treatment row added. Otherwise the browser keeps what was typed.
    redraw = bool(question.errors) or bool(request.POST.get(f"{code}__had_error")) or concept.type == "list"
    context = {"state": state, "mode": mode, "q": question, "changed": changed, "redraw": redraw}
    response = render(request, f"{TEMPLATE}#answer", context)
    if not redraw:
        response = reswap(response, "none")
    visible = sorted(c for c, q in state.questions.items() if q.visible)
    return trigger_client_event(
        response, "screening:questions", {"visible": visible, "next": state.next_code}
    )


@require_http_methods(["GET", "POST"])
@ratelimit("answer")
def reset(request: HttpRequest, mode: str) -> HttpResponse:
    """Start again asks first (a page of its own without JavaScript, the same question in
    place with htmx); only a POST that says `confirm=yes` forgets the answers."""
    store = store_for(request, mode)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        store.clear()
        return redirect(store.url("questionnaire"))
    if request.method == "POST":
        return redirect(store.url("reset"))
    context = {
        "mode": mode,
        "answered": len(store.load()),
        "reset_url": store.url("reset"),
        "back_url": store.url("questionnaire"),
    }
    return render(request, f"{RESET_TEMPLATE}#confirm" if request.htmx else RESET_TEMPLATE, context)


@require_GET
def trial_detail(request: HttpRequest, mode: str, trial_id: str) -> HttpResponse:
    catalog = current_catalog()
    if trial_id not in catalog.plan.by_id:
        raise Http404("no published trial with this id")
    store = store_for(request, mode)
    state = build_screening(catalog, mode, store.load(), timezone.localdate(), store=store)
    item = state.item(trial_id)
    context = {
        "state": state,
        "mode": mode,
        "item": item,
        "criteria": trial_criteria(state, trial_id),
        "sites": state.trial_sites(trial_id),
    }
    template = "screening/trial_detail.html"
    return render(request, f"{template}#content" if request.htmx else template, context)


@require_POST
@ratelimit("answer")
def place(request: HttpRequest, mode: str) -> HttpResponse:
    """Where the patient lives (optional): kept by the answers' store, then the results are
    drawn again nearest first. The town travels only in this POST's body, never in a URL, so
    no access log holds it; it never changes a verdict."""
    store = store_for(request, mode)
    data = request.POST.copy()
    if data.get("suggested"):  # a "did you mean" button
        data["town"] = data["suggested"]
    form = PlaceForm(data, mode=mode)
    if data.get("forget"):
        store.save_place(None)
        form = PlaceForm(mode=mode)
    elif form.is_valid():
        store.save_place(form.cleaned_data["place"])
        form = PlaceForm(mode=mode, initial=form.cleaned_data["place"] or {})
    if not request.htmx and not form.errors:
        return redirect(store.url("questionnaire"))
    state = build_screening(current_catalog(), mode, store.load(), timezone.localdate(), store=store)
    state.place_form = form
    if not request.htmx:
        return render(request, TEMPLATE, {"state": state, "mode": mode}, status=422)
    return render(request, f"{PLACE_TEMPLATE}#saved", {"state": state, "mode": mode})


@require_POST
@ratelimit("towns")
def towns(request: HttpRequest) -> HttpResponse:
    """Towns starting like what is being typed, as <option>s of the town question's datalist
    (POSTed like the town itself, so the letters typed stay out of URLs and logs)."""
    try:
        typed, country = request.POST.get("town", ""), request.POST.get("country") or "FR"
        found = gazetteer.default().complete(typed, country)
    except gazetteer.UnknownCountry:
        found = []
    return render(request, f"{PLACE_TEMPLATE}#towns", {"towns": found})

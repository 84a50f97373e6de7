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
from django_htmx.http import trigger_client_event

from config.ratelimit import ratelimit
from screening import answers as answer_store
from screening.catalog import current_catalog
from screening.questionnaire import (
    build_screening,
    check_answer,
    ordered_concepts,
    question_form,
    trial_criteria,
)

TEMPLATE = "screening/questionnaire.html"


def _token(request: HttpRequest) -> str | None:
    return getattr(request, "patient_token", None)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "screening/start.html")


@require_http_methods(["GET", "POST"])
@ratelimit("answer")
def questionnaire(request: HttpRequest, mode: str) -> HttpResponse:
    catalog = current_catalog()
    as_of = timezone.localdate()
    if request.method == "GET":
        state = build_screening(catalog, mode, answer_store.load(request, mode), as_of, token=_token(request))
        state.show_all = request.GET.get("all") == "1"
        return render(request, TEMPLATE, {"state": state, "mode": mode})

    refused, changes = {}, {}
    for concept in ordered_concepts(catalog):
        form = question_form(catalog, mode, concept, data=request.POST, token=_token(request))
        raw = form.raw()
        message = check_answer(catalog, concept, raw, as_of)
        if message:
            form.show_error(message)
            refused[concept.code] = form
        else:
            changes[concept.code] = raw
    answers = answer_store.save(request, mode, changes)
    if not refused:
        return redirect("screening:questionnaire", **answer_store.url_kwargs(request, mode))
    # The accepted answers are kept; the refused ones stay on screen, with their errors.
    state = build_screening(catalog, mode, answers, as_of, posted=refused, token=_token(request))
    return render(request, TEMPLATE, {"state": state, "mode": mode}, status=422)


@require_POST
@ratelimit("answer")
def answer(request: HttpRequest, mode: str, code: str) -> HttpResponse:
    catalog = current_catalog()
    concept = catalog.concepts.get(code)
    if concept is None:
        raise Http404("no such question")
    as_of = timezone.localdate()
    kept = answer_store.load(request, mode)
    before = build_screening(catalog, mode, kept, as_of, token=_token(request))

    form = question_form(catalog, mode, concept, data=request.POST, token=_token(request))
    raw = form.raw()
    message = check_answer(catalog, concept, raw, as_of)
    if message:
        form.show_error(message)
    else:
        kept = answer_store.save(request, mode, {code: raw})
    if not request.htmx:
        if not message:
            return redirect("screening:questionnaire", **answer_store.url_kwargs(request, mode))
        state = build_screening(catalog, mode, kept, as_of, posted={code: form}, token=_token(request))
        return render(request, TEMPLATE, {"state": state, "mode": mode}, status=422)

    state = build_screening(
        catalog, mode, kept, as_of, posted={code: form} if message else None, token=_token(request)
    )
    # Another question is re-drawn only when its error changed (a contradiction appeared or
    # went away); visibility and the suggested question change through a client event, so
    # nobody's half-typed answer elsewhere is replaced.
    changed = [
        q
        for other, q in state.questions.items()
        if other != code and q.errors != before.questions[other].errors
    ]
    question = state.questions[code]
    # The question being answered is re-drawn only when it must change on screen: an error
    # shown or cleared, or a treatment row added. Otherwise the browser keeps what was typed.
    redraw = bool(question.errors) or bool(request.POST.get(f"{code}__had_error")) or concept.type == "list"
    context = {"state": state, "mode": mode, "q": question, "changed": changed, "redraw": redraw}
    response = render(request, f"{TEMPLATE}#answer", context)
    if not redraw:
        response["HX-Reswap"] = "none"
    visible = sorted(c for c, q in state.questions.items() if q.visible)
    return trigger_client_event(
        response, "screening:questions", {"visible": visible, "next": state.next_code}
    )


@require_POST
@ratelimit("answer")
def reset(request: HttpRequest, mode: str) -> HttpResponse:
    answer_store.clear(request, mode)
    return redirect("screening:questionnaire", **answer_store.url_kwargs(request, mode))


@require_GET
def trial_detail(request: HttpRequest, mode: str, trial_id: str) -> HttpResponse:
    catalog = current_catalog()
    if trial_id not in catalog.plan.by_id:
        raise Http404("no published trial with this id")
    state = build_screening(
        catalog, mode, answer_store.load(request, mode), timezone.localdate(), token=_token(request)
    )
    result = next(r for r in state.results if r.info.trial_id == trial_id)
    item = next(i for g in state.groups for i in g.items if i.result is result)
    context = {"state": state, "mode": mode, "item": item, "criteria": trial_criteria(state, trial_id)}
    template = "screening/trial_detail.html"
    return render(request, f"{template}#content" if request.htmx else template, context)

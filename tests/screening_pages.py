"""Helpers shared by the screening page tests."""

import re

HTMX = {"HTTP_HX_REQUEST": "true"}

PPMS_PATIENT = {
    "age": "50",
    "sex": "female",
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "PPMS",
    "edss": "4,5",
    "edss_increase_12m": "0",
}


def patient_path(client) -> str:
    """'patient/<token>/all/': the whole questionnaire of this test client's patient screening
    (started on first use: a patient's answers live under their own unguessable link, where
    the interview is; the whole form and its pages are under its `all/`)."""
    if not getattr(client, "patient_path", None):
        response = client.get("/en/patient/")
        assert response.status_code == 302, response.status_code
        client.patient_path = response["Location"].removeprefix("/en/") + "all/"
    return client.patient_path


def link_path(client) -> str:
    """'patient/<token>/': the link itself, where the interview and the journey's pages are."""
    return patient_path(client).removesuffix("all/")


def mode_path(client, mode: str) -> str:
    return patient_path(client) if mode == "patient" else f"{mode}/"


def answer(client, code, data, *, mode="patient", lang="en", htmx=True):
    extra = HTMX if htmx else {}
    return client.post(f"/{lang}/{mode_path(client, mode)}answer/{code}", data, **extra)


def answer_all(client, answers, *, mode="patient", lang="en"):
    for code, value in answers.items():
        response = answer(client, code, {code: value}, mode=mode, lang=lang)
        assert response.status_code == 200, response.content[:500]
    return response


def verdict_groups(html: str) -> dict[str, list[str]]:
    """Trial ids under each verdict heading of a rendered results panel."""
    groups = {}
    for verdict, body in re.findall(
        r'data-verdict="(eligible|needs_info|ineligible|closed)">(.*?)</section>', html, re.S
    ):
        groups[verdict] = re.findall(r'data-trial="([^"]+)"', body)
    return groups


def shown_verdicts(html: str) -> dict[str, str]:
    """Each listed trial's verdict on a rendered results panel, trials no longer recruiting
    (listed apart, under "closed") included with the verdict their card says."""
    shown = {}
    for verdict, ids in verdict_groups(html).items():
        for trial_id in ids:
            shown[trial_id] = verdict
    for trial_id, verdict in re.findall(
        r'data-trial="([^"]+)">(?:(?!</article>).)*?data-trial-verdict="(\w+)"', html, re.S
    ):
        shown[trial_id] = verdict
    return shown


def question_tag(html: str, code: str) -> str:
    match = re.search(rf'<div id="q-{code}"[^>]*>', html)
    assert match, f"question {code} is not on the page"
    return match.group(0)


def is_hidden(html: str, code: str) -> bool:
    return " hidden" in question_tag(html, code)

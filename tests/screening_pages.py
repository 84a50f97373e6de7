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
    """'patient/<token>/': this test client's patient screening, started on first use (a
    patient's answers live under their own unguessable link)."""
    if not getattr(client, "patient_path", None):
        response = client.get("/en/patient/")
        assert response.status_code == 302, response.status_code
        client.patient_path = response["Location"].removeprefix("/en/")
    return client.patient_path


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


def question_tag(html: str, code: str) -> str:
    match = re.search(rf'<div id="q-{code}"[^>]*>', html)
    assert match, f"question {code} is not on the page"
    return match.group(0)


def is_hidden(html: str, code: str) -> bool:
    return " hidden" in question_tag(html, code)

"""Property tests on the forms and the clinic's FHIR upload: whatever a browser (or someone
posting by hand) sends, the answer is the page again with its errors, a redirect, or a 400:
never a server error. The same kinds of values as the API fuzz (tests/test_api_fuzz.py), as
the strings a form posts: huge numbers, non-finite numbers, odd dates, deep JSON, any text."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clinic_base import ClinicBase
from tests.screening_pages import HTMX, link_path, patient_path
from trials.seed_data.vocabulary import CONCEPTS

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A whole questionnaire or clinic form page is rendered per example: fewer, heavier examples.
FUZZ_PAGES = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CODES = [c["code"] for c in CONCEPTS]
UNITS = sorted({u for c in CONCEPTS for u in c["accepted_units"]})
# Strings a form field can carry, weighted towards those that once broke something.
hostile = st.sampled_from(
    ["1e308", "-1e308", "1e999", "inf", "nan", "-0", "9" * 5000, "4,5", "150 000", "0x10", "½", "1_000",
     "2026-W01-1", "0001-01-01", "9999-12-31", "1899-12-31", "2026-02-30", "21/11/2026", "never", "unknown",
     "true", "on", "", " ", "\x00", "<script>", "[" * 2000, '{"a": ' * 300]
)  # fmt: skip
form_values = hostile | st.text(max_size=30) | st.integers().map(str) | st.floats().map(str)


def field_names(code: str) -> list[str]:
    """Every input name a question posts (screening.forms.QuestionForm), a few treatment rows."""
    names = [
        code,
        f"{code}__unit",
        f"{code}__never",
        f"{code}__unknown",
        f"{code}__none",
        f"{code}__had_error",
    ]
    for row in range(3):
        names += [f"{code}__{row}__drug", f"{code}__{row}__days", f"{code}__{row}__months"]
    names += [f"{code}__took__natalizumab", f"{code}__when__natalizumab"]
    return names


posts = st.dictionaries(
    st.sampled_from(CODES).flatmap(lambda code: st.sampled_from(field_names(code))), form_values, max_size=8
)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Hundreds of posts from one address: the rate limits are not under test here.
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/m")


@FUZZ
@given(code=st.sampled_from(CODES), data=posts)
def test_any_single_answer_posted_is_kept_or_refused_with_its_error(client, code, data):
    for mode in ("clinician/", patient_path(client)):
        response = client.post(f"/en/{mode}answer/{code}", data, **HTMX)
        assert response.status_code == 200, (mode, code, data)


@FUZZ_PAGES
@given(data=posts)
def test_any_whole_page_posted_without_javascript_redirects_or_shows_the_errors(client, data):
    response = client.post(f"/en/{patient_path(client)}", data)
    assert response.status_code in (302, 422), data


@FUZZ
@given(code=st.sampled_from(CODES), data=posts | posts.map(lambda d: {**d, "dont_know": "1"}))
def test_any_interview_card_posted_is_kept_or_refused_with_its_error(client, code, data):
    for htmx in (HTMX, {}):
        response = client.post(f"/en/{link_path(client)}ask/{code}", data, **htmx)
        assert response.status_code in ((200,) if htmx else (302, 422)), (code, data)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": form_values,
            "email": form_values | st.emails(),
            "phone": form_values,
            "language": st.sampled_from(["fr", "en", "de", ""]),
            "consent": st.sampled_from(["on", "", "yes"]),
        },
    )
)
def test_the_patient_journey_forms_take_anything(client, data):
    path = f"/en/{link_path(client)}"
    for page in ("keep/", "notify/", "trials/NCT06592703/contact/"):
        response = client.post(path + page, data)
        # 409: this link already asked this team (one example's valid request, then another's).
        allowed = (200, 302, 404, 422, 409) if page.endswith("contact/") else (200, 302, 404, 422)
        assert response.status_code in allowed, (page, data)


class TestClinicForms(ClinicBase):
    @FUZZ_PAGES
    @given(
        data=posts,
        action=st.sampled_from(["check", "save", "prefill", "", "other"]),
        as_of=form_values | st.dates().map(str),
    )
    def test_the_screening_form_shows_errors_or_saves(self, client, data, action, as_of):
        self.as_user(client, self.clinician)
        payload = {**data, "action": action, "as_of": as_of}
        if action == "prefill":
            payload.update(imported_answers=json.dumps(data), imported_as_of=as_of)
        response = client.post(reverse("clinic:screening_new", args=[self.patient.pk]), payload)
        assert response.status_code in (200, 302, 400), payload

    @FUZZ
    @given(
        answers=st.dictionaries(st.sampled_from(CODES) | st.text(max_size=5), st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
            max_leaves=8,
        ), max_size=6),
        provenance=st.dictionaries(st.text(max_size=8), st.text(max_size=10) | st.integers(), max_size=3),
    )  # fmt: skip
    def test_the_fhir_prefill_fills_the_form_or_is_a_400(self, client, answers, provenance):
        self.as_user(client, self.clinician)
        payload = {
            "action": "prefill",
            "imported_answers": json.dumps(answers),
            "imported_provenance": json.dumps(provenance),
            "imported_as_of": "2026-11-21",
        }
        response = client.post(reverse("clinic:screening_new", args=[self.patient.pk]), payload)
        assert response.status_code in (200, 400), payload


resource_types = st.sampled_from(
    ["Patient", "Condition", "Observation", "MedicationStatement", "MedicationRequest", "Bundle", "Foo", ""]
)
fhir_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12) | hostile,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
resources = st.fixed_dictionaries(
    {"resourceType": resource_types},
    optional={
        "id": st.text(max_size=6),
        "gender": st.sampled_from(["female", "male", "x"]),
        "birthDate": hostile | st.dates().map(str),
        "code": fhir_values,
        "valueQuantity": st.fixed_dictionaries(
            {}, optional={"value": st.floats(allow_nan=False) | st.integers(), "unit": st.sampled_from(UNITS + ["", "x"])}
        ),
        "subject": st.fixed_dictionaries({"reference": st.sampled_from(["Patient/p1", "Patient/x", ""])}),
        "effectiveDateTime": hostile | st.dates().map(str),
        "extra": fhir_values,
    },
)  # fmt: skip
bundles = st.fixed_dictionaries(
    {"resourceType": st.sampled_from(["Bundle", "Patient", "bundle"])},
    optional={
        "type": st.sampled_from(["collection", "document", "x"]),
        "entry": st.lists(st.fixed_dictionaries({"resource": resources}) | fhir_values, max_size=4),
    },
)


class TestClinicFhirUpload(ClinicBase):
    def url(self) -> str:
        return reverse("clinic:fhir_import", args=[self.patient.pk])

    @FUZZ
    @given(bundle=bundles | fhir_values, as_of=hostile | st.dates().map(str))
    def test_a_pasted_or_posted_bundle_is_previewed_or_refused_with_a_400(self, client, bundle, as_of):
        self.as_user(client, self.clinician)
        text = json.dumps(bundle)
        pasted = client.post(self.url(), {"bundle_text": text, "as_of": as_of})
        assert pasted.status_code in (200, 400), (text, as_of)
        posted = client.post(f"{self.url()}?as_of={as_of}", text, content_type="application/fhir+json")
        assert posted.status_code in (200, 400), (text, as_of)

    @FUZZ
    @given(raw=st.binary(max_size=400) | hostile.map(str.encode))
    def test_bytes_that_are_not_a_bundle_are_a_400(self, client, raw):
        self.as_user(client, self.clinician)
        response = client.post(f"{self.url()}?as_of=2026-11-21", raw, content_type="application/fhir+json")
        assert response.status_code == 400, raw

"""Coordinators see patients' contact requests per trial in the admin and update only their
status; identifiers stay read-only."""

import pytest
from django.contrib.auth.models import Group, User

from journey import services
from journey.models import ContactRequest
from trials.models import Trial

pytestmark = pytest.mark.django_db
LIST = "/admin/journey/contactrequest/"


@pytest.fixture
def contact_request():
    return services.contact_request_create(
        screening=services.patient_screening_start(language="fr")[0],
        trial=Trial.objects.get(trial_id="NCT06592703"),
        site=Trial.objects.get(trial_id="NCT06592703").sites.first(),
        name="Jeanne Testpatient",
        email="jeanne.testpatient@example.org",
        phone="0611223344",
        language="fr",
        consent_text="I agree…",
        summary={"trial_id": "NCT06592703", "verdict": "eligible", "screened_on": "2026-11-22", "criteria": [
            {"kind": "inclusion", "status": "met", "text": "Primary progressive multiple sclerosis"},
        ]},
    )  # fmt: skip


def login(client, username: str, *, group: str | None = None, staff: bool = True, superuser: bool = False):
    user = User.objects.create_user(username, password="pw", is_staff=staff, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def test_a_coordinator_sees_requests_filtered_by_trial_and_status(client, contact_request):
    login(client, "coord", group="Coordinators")
    html = client.get(f"{LIST}?trial__id__exact={contact_request.trial_id}").content.decode()
    assert "Jeanne Testpatient" in html and "Rennes University Hospital" in html
    assert "By trial" in html and "By status" in html
    assert "Jeanne" not in client.get(LIST + "?status__exact=contacted").content.decode()


def test_a_coordinator_changes_the_status_but_not_the_identifiers(client, contact_request):
    login(client, "coord", group="Coordinators")
    url = f"{LIST}{contact_request.pk}/change/"
    html = client.get(url).content.decode()
    assert "Primary progressive multiple sclerosis" in html and 'name="name"' not in html
    response = client.post(url, {"status": "contacted", "name": "Someone else", "messages-TOTAL_FORMS": "2",
                                 "messages-INITIAL_FORMS": "2"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    contact_request.refresh_from_db()
    assert (contact_request.status, contact_request.name) == ("contacted", "Jeanne Testpatient")


def test_staff_outside_the_coordinators_group_see_nothing(client, contact_request):
    login(client, "curator", group="Curators")
    assert client.get(LIST).status_code == 403


def test_a_superuser_sees_them_too(client, contact_request):
    login(client, "root", superuser=True)
    assert "Jeanne Testpatient" in client.get(LIST).content.decode()


def test_nobody_adds_requests_by_hand(client):
    login(client, "coord", group="Coordinators")
    assert client.get(LIST + "add/").status_code == 403
    assert ContactRequest.objects.count() == 0

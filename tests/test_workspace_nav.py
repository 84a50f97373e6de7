"""The workspace menu offers each role the areas it can open, and nothing else."""

import pytest

from tests.clinic_base import make_user

pytestmark = pytest.mark.django_db


def nav_of(client, user, url="/clinic/") -> str:
    client.force_login(user)
    html = client.get(url).content.decode()
    return html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]


def test_a_coordinator_sees_patients_and_criterion_impact(client):
    nav = nav_of(client, make_user("coord", "Coordinators"))
    assert 'href="/clinic/"' in nav
    assert 'href="/impact/"' in nav
    assert "Admin" not in nav


def test_a_clinician_does_not_see_criterion_impact(client):
    nav = nav_of(client, make_user("clin", "Clinicians"))
    assert 'href="/clinic/"' in nav
    assert 'href="/impact/"' not in nav


def test_a_curator_reaches_impact_and_the_admin_but_not_patients(client):
    curator = make_user("cur", "Curators")
    curator.is_staff = True
    curator.save()
    nav = nav_of(client, curator, "/impact/")
    assert 'href="/impact/"' in nav
    assert 'href="/admin/"' in nav
    assert 'href="/clinic/"' not in nav

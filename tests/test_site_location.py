"""Trial sites are located from their city and country when they are seeded, imported or
curated; a site that cannot be located is flagged in the admin, where a curator sets its
coordinates, and a registry refresh keeps them."""

import pytest
from django.urls import reverse

from tests.curation import CurationTest
from trials import gazetteer
from trials.models import ImportRun, Site, Trial
from trials.registry import services

from .registry_helpers import study_json

pytestmark = pytest.mark.django_db

SEED_SITES = {
    "NCT04821596": (49.443, 1.099),  # Rouen
    "NCT02403947": (43.604, 1.444),  # Toulouse
    "NCT02424396": (48.853, 2.349),  # Paris
    "EUCTR2017-001400-29-FR": (48.853, 2.349),  # Paris
    "NCT06592703": (48.112, -1.674),  # Rennes
}


def import_study(content: str) -> ImportRun:
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND, filename="study.json", content=content, queue=False
    )
    return services.import_run_execute(run_id=run.pk)


def location(city: str, country: str = "France", facility: str = "Hôpital") -> dict:
    return {"facility": facility, "city": city, "country": country}


@pytest.mark.parametrize(("trial_id", "point"), SEED_SITES.items())
def test_every_seed_site_is_located(trial_id, point):
    (site,) = Site.objects.filter(trial__trial_id=trial_id)
    assert site.location_source == Site.Location.GAZETTEER
    assert gazetteer.distance_km((site.latitude, site.longitude), point) < 3


def test_an_imported_trial_s_sites_are_located_and_an_unknown_town_is_left_unlocated():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    locations = [
        location("Montpellier", facility="CHU de Montpellier"),
        location("Bron Cedex", facility="Hôpital neurologique"),
        location("Springfield", "United States", facility="Mercy Hospital"),
        location("Nowhereville-sur-Rien", facility="Clinique du Vide"),
    ]
    trial = import_study(study_json("ctgov_NCT02403947.json", locations=locations)).trial
    sites = {s.facility: s for s in trial.sites.all()}
    assert sites["CHU de Montpellier"].latitude == pytest.approx(43.61, abs=0.05)
    assert sites["Hôpital neurologique"].is_located  # "Bron Cedex" is Bron
    assert sites["Mercy Hospital"].is_located
    unlocated = sites["Clinique du Vide"]
    assert (unlocated.latitude, unlocated.longitude, unlocated.location_source) == (None, None, "")
    assert list(Site.objects.unlocated()) == [unlocated]


def test_a_site_whose_city_changes_in_the_registry_is_located_again():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    import_study(study_json("ctgov_NCT02403947.json", locations=[location("Lyon", facility="HCL")]))
    import_study(study_json("ctgov_NCT02403947.json", locations=[location("Bordeaux", facility="HCL")]))
    site = Site.objects.get(facility="HCL")
    assert site.latitude == pytest.approx(44.84, abs=0.05)


class TestCuratingSites(CurationTest):
    def site_form(self, site: Site, **changes) -> dict:
        data = {
            "trial": site.trial_id,
            "facility": site.facility,
            "city": site.city,
            "country": site.country,
            "contact_name": site.contact_name,
            "contact_email": site.contact_email,
            "contact_phone": site.contact_phone,
            "position": site.position,
            "latitude": "" if site.latitude is None else site.latitude,
            "longitude": "" if site.longitude is None else site.longitude,
        }
        return {**data, **changes}

    def edit(self, site: Site, **changes):
        url = reverse("admin:trials_site_change", args=[site.pk])
        return self.as_curator().post(url, self.site_form(site, **changes))

    def unlocated_site(self) -> Site:
        trial = Trial.objects.get(trial_id="NCT06592703")
        return Site.objects.create(trial=trial, facility="Centre de Kerbiquet", city="Kerbiquet-Inconnu",
                                   country="France", position=1)  # fmt: skip

    def test_a_curator_finds_the_sites_that_cannot_be_located(self):
        site = self.unlocated_site()
        html = self.as_curator().get(reverse("admin:trials_site_changelist") + "?located=no").content.decode()
        assert "Centre de Kerbiquet" in html and "Rennes University Hospital" not in html
        assert "Not located: give its latitude and longitude" in html
        trial_page = self.client.get(
            reverse("admin:trials_trial_change", args=[site.trial_id])
        ).content.decode()
        assert "Not located: give its latitude and longitude" in trial_page

    def test_coordinates_a_curator_types_are_kept_as_theirs_even_after_a_registry_refresh(self):
        site = self.unlocated_site()
        response = self.edit(site, latitude="48.0", longitude="-2.5")
        assert response.status_code == 302, response.content.decode()[:2000]
        site.refresh_from_db()
        assert (site.latitude, site.longitude, site.location_source) == (48.0, -2.5, Site.Location.CURATOR)
        services.sites_sync(
            trial=site.trial, sites=[location("Kerbiquet-Inconnu", facility="Centre de Kerbiquet")]
        )
        site.refresh_from_db()
        assert (site.latitude, site.longitude, site.location_source) == (48.0, -2.5, Site.Location.CURATOR)

    def test_correcting_the_city_locates_the_site(self):
        site = self.unlocated_site()
        self.edit(site, city="Quimper")
        site.refresh_from_db()
        assert site.location_source == Site.Location.GAZETTEER
        assert site.latitude == pytest.approx(48.0, abs=0.1)

    def test_clearing_the_coordinates_locates_the_site_from_its_city_again(self):
        site = Site.objects.get(trial__trial_id="NCT06592703")
        self.edit(site, latitude="47.0", longitude="-1.0")
        self.edit(Site.objects.get(pk=site.pk), latitude="", longitude="")
        site.refresh_from_db()
        assert site.location_source == Site.Location.GAZETTEER
        assert site.latitude == pytest.approx(48.11, abs=0.05)

    @pytest.mark.parametrize(
        ("changes", "field", "says"),
        [
            ({"latitude": "48.0", "longitude": ""}, "longitude", "Give both the latitude and the longitude"),
            ({"latitude": "", "longitude": "-2.5"}, "latitude", "Give both the latitude and the longitude"),
            ({"latitude": "91", "longitude": "0"}, "latitude", "less than or equal to 90"),
            ({"latitude": "0", "longitude": "-200"}, "longitude", "greater than or equal to -180"),
        ],
    )
    def test_impossible_coordinates_are_refused_on_their_field(self, changes, field, says):
        site = self.unlocated_site()
        response = self.edit(site, **changes)
        assert response.status_code == 200
        assert says in response.context["adminform"].form.errors[field][0]
        site.refresh_from_db()
        assert site.latitude is None

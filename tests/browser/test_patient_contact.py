"""As a patient in a real browser: screen, ask the NCT06592703 study team to contact me, see
the confirmation (and the emails written by Django's file backend), then find the request in
a coordinator's admin."""

import pytest
from django.contrib.auth.models import Group, Permission, User

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect


def answered(page, n: int) -> None:
    """Waits until the progress line counts `n` answers: the server has taken the last one."""
    expect(page.locator("#progress")).to_contain_text(f"{n} question{'s' if n > 1 else ''} answered")


def test_a_patient_asks_to_be_contacted_and_the_coordinator_sees_it(page, screenshot, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # delivered as soon as the request commits

    page.goto("/en/")
    page.get_by_role("link", name="I am a patient").click()
    expect(page.get_by_role("heading", name="Your screening")).to_be_visible()
    assert "/en/patient/" in page.url and len(page.url.rstrip("/").rsplit("/", 1)[1]) == 43
    page.get_by_role("link", name="See all questions").click()  # the whole form, one link away
    expect(page.get_by_role("heading", name="Your questionnaire")).to_be_visible()
    # Each answer is sent, then the page redraws the questions and results around it; the next
    # answer waits for that, as a person does, or a late redraw moves the radio being clicked.
    page.fill("#id_age", "47")
    answered(page, 1)
    page.check('#q-sex input[value="female"]')
    answered(page, 2)
    page.check('#q-diagnosis input[value="multiple_sclerosis"]')
    answered(page, 3)
    page.check('#q-ms_phenotype input[value="PPMS"]')
    answered(page, 4)
    page.fill("#id_edss", "4.5")
    answered(page, 5)
    trial = page.locator('#results [data-trial="NCT06592703"]')
    expect(trial.get_by_role("link", name="Ask the study team to contact me")).to_be_visible()
    trial.get_by_role("link", name="Ask the study team to contact me").click()

    expect(page.get_by_role("heading", name="Contact the study team")).to_be_visible()
    expect(page.get_by_text("Rennes University Hospital, Rennes").first).to_be_visible()
    page.fill("#id_name", "Jeanne Browser")
    page.fill("#id_email", "jeanne.browser@example.org")
    page.fill("#id_phone", "0611223344")
    page.select_option("#id_language", "fr")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Please tick this box to send your request.")).to_be_visible()  # consent first
    page.check("#id_consent")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()
    screenshot("patient-contact-sent")

    files = sorted((tmp_path / "mail").glob("*.log"))
    text = "".join(f.read_text() for f in files)
    assert "To: jeanne.browser@example.org" in text and "Votre demande" in text  # in French, as asked
    assert "To: study-team@localhost" in text and "Jeanne Browser" in text

    user = User.objects.create_user("coord", password="coord-pass-2026", is_staff=True)
    group = Group.objects.get_or_create(name="Coordinators")[0]
    # Earlier live-server tests emptied the tables the data migration filled: grant again.
    group.permissions.add(
        *Permission.objects.filter(codename__in=["view_contactrequest", "change_contactrequest"])
    )
    user.groups.add(group)
    page.goto("/admin/login/?next=/admin/journey/contactrequest/")
    page.fill("#id_username", "coord")
    page.fill("#id_password", "coord-pass-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list")).to_contain_text("Jeanne Browser")
    expect(page.locator("#result_list")).to_contain_text("NCT06592703")
    screenshot("coordinator-contact-requests")

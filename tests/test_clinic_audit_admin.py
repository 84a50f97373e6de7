"""The audit trail is visible to staff in the admin, and cannot be edited there."""

from django.contrib.auth.models import User
from django.urls import reverse

from clinic.models import AuditEvent
from tests.clinic_base import ClinicBase


class TestAuditAdmin(ClinicBase):
    def test_staff_see_who_viewed_a_patient(self, client):
        self.as_user(client, self.clinician)
        client.get(reverse("clinic:patient", args=[self.patient.pk]))
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        response = client.get(reverse("admin:clinic_auditevent_changelist"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "clinician" in html and "P-0001 (AB)" in html

    def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(self, client):
        event = AuditEvent.objects.get(action="create")
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        assert client.get(reverse("admin:clinic_auditevent_add")).status_code == 403
        client.post(reverse("admin:clinic_auditevent_delete", args=[event.pk]), {"post": "yes"})
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        detail = client.get(reverse("admin:clinic_auditevent_change", args=[event.pk]))
        assert detail.status_code == 200 and 'type="submit" value="Save"' not in detail.content.decode()

    def test_patient_records_are_not_browsable_in_the_admin(self, client):
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        assert client.get("/admin/clinic/patient/").status_code == 404

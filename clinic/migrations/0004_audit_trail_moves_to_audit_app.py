"""The audit trail moves to the audit app, where it holds ids and names as values (no foreign
key), so erasing a patient cannot touch it. Every existing event is carried over as it was."""

from django.db import migrations


def carry_over(apps, schema_editor):
    Old = apps.get_model("clinic", "AuditEvent")
    New = apps.get_model("audit", "AuditEvent")
    events = Old.objects.select_related("user").order_by("at", "pk")
    New.objects.bulk_create(
        (
            New(
                at=event.at,
                action=event.action,
                user_id=event.user_id,
                username=event.user.username if event.user else "",
                patient_id=event.patient_id,
                screening_id=event.screening_id,
                target=event.target,
                path=event.path,
            )
            for event in events.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


def carry_back(apps, schema_editor):
    Old = apps.get_model("clinic", "AuditEvent")
    New = apps.get_model("audit", "AuditEvent")
    User = apps.get_model("auth", "User")
    Patient = apps.get_model("clinic", "Patient")
    Screening = apps.get_model("clinic", "Screening")
    users = set(User.objects.values_list("pk", flat=True))
    patients = set(Patient.objects.values_list("pk", flat=True))
    screenings = set(Screening.objects.values_list("pk", flat=True))
    actions = {"view", "create", "update", "screen", "import", "export", "report", "referral"}
    for event in New.objects.filter(action__in=actions).order_by("at", "pk").iterator(chunk_size=2000):
        old = Old.objects.create(
            action=event.action,
            user_id=event.user_id if event.user_id in users else None,
            patient_id=event.patient_id if event.patient_id in patients else None,
            screening_id=event.screening_id if event.screening_id in screenings else None,
            target=event.target,
            path=event.path,
        )
        Old.objects.filter(pk=old.pk).update(at=event.at)  # auto_now_add set it to now


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_screening_latest_index"),
        ("audit", "0001_audit_trail"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="AuditEvent"),
    ]

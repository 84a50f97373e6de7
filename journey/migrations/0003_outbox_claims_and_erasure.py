import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def erased_links_say_so(apps, schema_editor):
    # Link emails used to be wiped to "erased@invalid" once sent: now erased rows are empty
    # and dated.
    OutboxMessage = apps.get_model("journey", "OutboxMessage")
    OutboxMessage.objects.filter(to="erased@invalid").update(to="", subject="", headers={})
    for message in OutboxMessage.objects.filter(erase_after_send=True, status="sent", erased_at__isnull=True):
        OutboxMessage.objects.filter(pk=message.pk).update(erased_at=message.sent_at or message.created_at)



class Migration(migrations.Migration):

    dependencies = [
        ('journey', '0002_coordinators_contact_requests'),
    ]

    operations = [
        migrations.AddField(
            model_name='contactrequest',
            name='erased_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='due_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='erased_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='screening',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='journey.patientscreening'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='body',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('cancelled', 'Erased before it was sent')], db_index=True, default='pending', max_length=16),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='subject',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='to',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.RunPython(erased_links_say_so, migrations.RunPython.noop),
    ]

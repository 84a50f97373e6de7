import django.utils.timezone
from django.db import migrations, models

# On PostgreSQL the trail is append-only in the database itself: whoever holds the app's
# credentials (a shell, a script, a bug) cannot rewrite or delete what was recorded. TRUNCATE
# stays possible (the test runner empties tables that way; it needs the table owner's rights).
APPEND_ONLY = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is plpgsql's

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('action', models.CharField(choices=[('view', 'Viewed'), ('create', 'Created'), ('update', 'Changed'), ('screen', 'Screened'), ('import', 'Imported FHIR'), ('export', 'Exported'), ('report', 'Printed a report'), ('referral', 'Changed a referral'), ('erase', 'Erased'), ('refused', 'Refused access'), ('login', 'Signed in'), ('login_failed', 'Failed sign-in'), ('logout', 'Signed out')], max_length=16)),
                ('user_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('username', models.CharField(blank=True, max_length=150)),
                ('patient_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('screening_id', models.BigIntegerField(blank=True, null=True)),
                ('target', models.CharField(blank=True, max_length=200)),
                ('path', models.CharField(blank=True, max_length=300)),
                ('address', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'verbose_name': 'audit event',
                'ordering': ['-at', '-pk'],
                'default_permissions': ('view',),
            },
        ),
        migrations.RunPython(_on_postgresql(APPEND_ONLY), _on_postgresql(DROP_APPEND_ONLY)),
    ]

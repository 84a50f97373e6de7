"""Staff see the audit trail read-only, and manage teams; patient data is not browsable in
the admin, so every access to it goes through the audited workspace pages."""

from django.contrib import admin

from clinic.models import AuditEvent, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "target", "patient", "screening"]
    list_filter = ["action", "at"]
    search_fields = ["user__username", "target", "path"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

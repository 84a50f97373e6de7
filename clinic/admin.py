"""Staff manage teams; patient data is not browsable in the admin, so every access to it goes
through the audited workspace pages (the audit trail itself is the audit app's)."""

from django.contrib import admin

from clinic.models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]

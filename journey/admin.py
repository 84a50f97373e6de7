"""Coordinators follow up contact requests per trial: identifiers are read-only, only the
status (new, contacted, declined, enrolled) changes. Outbox messages are shown for support."""

from django.contrib import admin

from audit.models import AuditEvent
from journey.models import ContactRequest, OutboxMessage


class MessageInline(admin.TabularInline):
    model = OutboxMessage
    fields = ("kind", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "trial", "site_label", "name", "email", "phone", "language", "status")
    list_filter = ("trial", "status", "language")
    list_editable = ("status",)
    search_fields = ("trial__trial_id", "name", "email")
    date_hierarchy = "created_at"
    fields = (
        "trial",
        "site_label",
        "name",
        "email",
        "phone",
        "language",
        "summary_lines",
        "consent_text",
        "consented_at",
        "created_at",
        "status",
    )
    readonly_fields = tuple(f for f in fields if f != "status")
    inlines = [MessageInline]

    @admin.display(description="summary")
    def summary_lines(self, obj: ContactRequest) -> str:
        summary = obj.summary or {}
        lines = [f"{summary.get('verdict', '')} ({summary.get('screened_on', '')})"]
        # "met" means the patient satisfies the criterion: for an exclusion, that it does not apply.
        common = {"unknown": "unknown", "visit": "at the visit"}
        words = {
            "inclusion": {"met": "met", "not_met": "NOT MET", **common},
            "exclusion": {"met": "does not apply", "not_met": "APPLIES", **common},
        }
        lines += [
            f"[{c['kind']}] {words.get(c['kind'], {}).get(c['status'], c['status'])}: {c['text']}"
            for c in summary.get("criteria", [])
        ]
        return "\n".join(lines)

    def has_add_permission(self, request) -> bool:
        return False

    # Names, emails and phones: every page that shows them is a read of personal data.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            query = request.GET.urlencode()
            target = "contact requests" + (f" ({query})" if query else "")
            AuditEvent.objects.record(AuditEvent.Action.VIEW, request=request, target=target)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            AuditEvent.objects.record(
                AuditEvent.Action.VIEW, request=request, target=f"contact request #{object_id}"
            )
        return response


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "kind")
    # The message itself may hold a patient's identifiers: not shown here.
    fields = ("kind", "status", "attempts", "last_error", "message_id", "created_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

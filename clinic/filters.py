"""Filters of the coordinator's screening log and the clinician's dashboard (django-filter).

Each FilterSet narrows a queryset that already holds one row per patient; a filter never
brings back an older result or a patient the user may not see.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import ScreeningResult, Team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateRangeForm(forms.Form):
    """A start after the end is refused on the end date, with words, never an empty list."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class BootstrapFilterSet(django_filters.FilterSet):
    """Bootstrap's classes on every filter input (the pages render fields one by one)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form


class LogFilter(BootstrapFilterSet):
    verdict = django_filters.ChoiceFilter(
        label=_("Verdict"), choices=ScreeningResult.Verdict.choices, empty_label=_("Any verdict")
    )
    referral = django_filters.ChoiceFilter(
        label=_("Referral status"),
        field_name="referral_status",
        choices=ScreeningResult.Referral.choices,
        empty_label=_("Any status"),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        field_name="screening__patient__team",
        queryset=Team.objects.all(),
        empty_label=_("Every team"),
    )
    date_from = django_filters.DateFilter(
        label=_("Screened from"), field_name="screening__screened_at", lookup_expr="date__gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label=_("Screened until"), field_name="screening__screened_at", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = ScreeningResult
        fields: list[str] = []
        form = DateRangeForm


class DashboardFilter(BootstrapFilterSet):
    """Over `Patient.objects.visible_to(user).with_latest_screening().with_match_counts()
    .with_new_matches()`."""

    BEST = (
        ("eligible", _("Eligible for at least one trial")),
        ("needs_info", _("Needs information, eligible for none")),
        ("ineligible", _("Ineligible for every trial")),
    )
    SCREENED = (
        ("7", _("In the last 7 days")),
        ("30", _("In the last 30 days")),
        ("365", _("In the last year")),
        ("older", _("More than a year ago")),
        ("never", _("Never screened")),
    )

    q = django_filters.CharFilter(
        label=_("Pseudonym"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. A-0002 or JB")}),
    )
    new = django_filters.ChoiceFilter(
        label=_("New matches"),
        choices=(("yes", _("With new matches")), ("no", _("Without new matches"))),
        empty_label=_("With or without"),
        method="with_new",
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Best result"), choices=BEST, empty_label=_("Any result"), method="best_verdict"
    )
    screened = django_filters.ChoiceFilter(
        label=_("Last screened"), choices=SCREENED, empty_label=_("Any time"), method="last_screened"
    )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value) if value.strip() else queryset

    def with_new(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(new_matches__gt=0) if value == "yes" else queryset.filter(new_matches=0)

    def best_verdict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "eligible":
            return queryset.filter(eligible_trials__gt=0)
        if value == "needs_info":
            return queryset.filter(eligible_trials=0, needs_info_trials__gt=0)
        return queryset.filter(latest_screening_id__isnull=False, eligible_trials=0, needs_info_trials=0)

    def last_screened(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "never":
            return queryset.filter(last_screened__isnull=True)
        year_ago = timezone.now() - timedelta(days=365)
        if value == "older":
            return queryset.filter(last_screened__lt=year_ago)
        return queryset.filter(last_screened__gte=timezone.now() - timedelta(days=int(value)))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The team-membership join of visible_to() can repeat a patient; one row each.
        return super().filter_queryset(queryset).distinct()

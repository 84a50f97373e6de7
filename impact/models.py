"""Precomputed attrition of each trial over the stored screenings, one row per trial and
filter, so the impact page reads a row instead of re-evaluating thousands of answers.

A row is stale when `requested_at` is later than `computed_at`: screenings or criteria
changed after it was computed (the request is recorded in the same transaction as the
change, so a lost task leaves a visibly stale row rather than silently wrong numbers).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class AttritionSummaryQuerySet(models.QuerySet):
    def stale(self) -> AttritionSummaryQuerySet:
        return self.filter(Q(computed_at__isnull=True) | Q(requested_at__gt=F("computed_at")))


class AttritionSummary(models.Model):
    trial = models.ForeignKey("trials.Trial", on_delete=models.CASCADE, related_name="attrition_summaries")
    # The canonical query string of the filters ("" for every patient, all dates).
    filter_key = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    # Raw counts (never shown as such: the page suppresses counts under 5); null until computed.
    payload = models.JSONField(null=True, blank=True)
    criteria_version = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Filtered summaries nobody looks at any more are dropped instead of recomputed.
    last_viewed_at = models.DateTimeField(default=timezone.now)

    objects = AttritionSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "filter_key"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "filter_key"], name="one_attrition_summary_per_filter")
        ]
        verbose_name_plural = "attrition summaries"

    def __str__(self) -> str:
        return f"{self.trial_id} [{self.filter_key or 'all'}]"

    @property
    def is_stale(self) -> bool:
        return self.computed_at is None or self.requested_at > self.computed_at
